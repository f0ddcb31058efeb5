"""Errors a person can act on. Each carries one sentence the CLI prints and the window shows."""


class SketchbookError(Exception):
    """Base for every failure caused by input rather than by a bug: shown, never a traceback."""


class BadFile(SketchbookError):
    """A data, model or cache file that is missing, truncated, malformed or unsafe."""


class BadDrawing(SketchbookError):
    """A drawing the model cannot take (empty, NaN, absurdly large)."""


class BadModel(BadFile):
    """A model file that is not a Latent Sketchbook safetensors model, or does not fit."""


class BadRequest(SketchbookError):
    """A parameter out of range: k bigger than the dataset, a cluster that does not exist..."""
