"""The one way to find what ships (default model, sample faces), from a checkout or a wheel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT_MODEL = "default.safetensors"
SAMPLE_FACES = "quickdraw_faces.ndjson"


def resource_path(*parts: str) -> Path:
    """Path of a file under the `resources` package, wherever the package was installed."""
    return Path(str(resources.files("resources").joinpath(*parts)))


def default_model_path() -> Path:
    return resource_path("models", DEFAULT_MODEL)


def sample_faces_path() -> Path:
    return resource_path("data", SAMPLE_FACES)
