"""The network and what runs it: sketch-rnn (`network`), model files and their headers,
the Gaussian a model's random faces come from, the device, torch's off-GIL preload, and
`Sketcher`, the inference API (drawings in, thought vectors and drawings out) with its lazy
stand-in. Imports core.drawings and core.base."""
