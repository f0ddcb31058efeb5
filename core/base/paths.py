"""Where the person's things live: caches, the collection, the model library, autosaves.

platformdirs picks each OS's own place; SKETCHBOOK_HOME moves all of them under one folder
(tests and portable installs use it).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "latent-sketchbook"


def _base(kind: str) -> Path:
    home = os.environ.get("SKETCHBOOK_HOME")
    if home:
        return Path(home) / kind
    if kind == "cache":
        return Path(platformdirs.user_cache_dir(APP))
    return Path(platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    return _base("cache")


def data_dir() -> Path:
    return _base("data")


def collection_path() -> Path:
    return data_dir() / "collection.ndjson"


def favourites_path() -> Path:
    return data_dir() / "favourites.ndjson"


def model_library_dir() -> Path:
    return data_dir() / "models"
