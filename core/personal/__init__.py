"""The person's own things, kept between runs: their collection of drawings, their
favourite faces, the drawing in progress (autosaved after every stroke) and the library of
models they trained (with the runs still going). Imports core.training and below; never
core.session."""
