"""One window's state and traffic, without Qt: the `Session` (state.py) with its change
events, the requests the window sends the worker (each knows how to answer and how its answer
is applied), the worker's queue of keyed jobs, and the live analysis of a drawing. Imports
core.latent and below; never core.personal."""
