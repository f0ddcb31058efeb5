"""The person's model library: the models they trained, in the platformdirs data dir, beside the
shipped default (always there, never renamed or deleted).

A training run works in its own folder under `.training/`; only a finished (or kept) model is
moved into the library, with one atomic rename, so the library never holds half a model. A run
with a record (`core.training.training_runs`) waits to be continued; one without is swept away on a later
start.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.base.errors import BadModel, BadRequest
from core.base.paths import model_library_dir
from core.base.resources import default_model_path
from core.model.modelheader import read_model_info
from core.training.training_runs import is_resumable

DEFAULT_NAME = "default"
SUFFIX = ".safetensors"
MAX_NAME = 60


@dataclass(frozen=True)
class LibraryModel:
    name: str
    path: Path
    builtin: bool = False
    info: dict = field(default_factory=dict)

    def describe(self) -> str:
        """One line for a menu's tooltip: what the model was trained on."""
        if self.builtin:
            return "the shipped model"
        trained = self.info.get("trained_on") or {}
        base = Path(self.info.get("base") or "scratch").stem
        parts = [f"from {base}"]
        if "cluster" in trained:
            parts.append(f"cluster {trained['cluster']} of {Path(trained['dataset']).name}")
        if "step" in self.info:
            parts.append(f"{self.info['step']} steps")
        if isinstance(self.info.get("valid_loss"), float):
            parts.append(f"validation loss {self.info['valid_loss']:.3f}")
        return ", ".join(parts)


def clean_name(name: str) -> str:
    """A name that is safe as a file name on every OS, or BadRequest saying what is wrong."""
    name = re.sub(r"\s+", " ", name).strip()
    if not name:
        raise BadRequest("give the model a name")
    if len(name) > MAX_NAME:
        raise BadRequest(f"a model name has at most {MAX_NAME} characters")
    if not re.fullmatch(r"[\w .()+-]+", name) or name.startswith("."):
        raise BadRequest("use letters, digits, spaces and . ( ) + - _ in a model name")
    if name.lower() == DEFAULT_NAME:
        raise BadRequest("'default' is the shipped model's name; choose another")
    return name


def model_path(name: str) -> Path:
    return model_library_dir() / f"{name}{SUFFIX}"


def list_models() -> list[LibraryModel]:
    """The default first, then the library's models, newest first. Unreadable files are left
    out (and left alone: they may be the person's own), as are a run's checkpoints (a
    `sketchbook train --out` into the library leaves MODEL.last beside MODEL)."""
    found = []
    folder = model_library_dir()
    for path in folder.glob(f"*{SUFFIX}") if folder.exists() else []:
        if path.name.startswith("."):
            continue
        with contextlib.suppress(BadModel, OSError):
            info = read_model_info(path)
            if not info.get("checkpoint"):
                found.append((path.stat().st_mtime, LibraryModel(path.stem, path, False, info)))
    found.sort(key=lambda pair: -pair[0])
    return [LibraryModel(DEFAULT_NAME, default_model_path(), True)] + [m for _, m in found]


def free_name(wanted: str) -> str:
    """`wanted`, or `wanted 2`, `wanted 3`... whichever is not taken yet."""
    name, n = clean_name(wanted), 2
    while model_path(name).exists() or _run_dir(name).exists():
        name = f"{clean_name(wanted)} {n}"
        n += 1
    return name


def _run_dir(name: str) -> Path:
    return model_library_dir() / ".training" / name


def start_run(name: str) -> Path:
    """A fresh folder for a training run; the child process writes its model there."""
    folder = _run_dir(clean_name(name))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder / f"model{SUFFIX}"


def install(trained: Path, name: str) -> Path:
    """Move a run's model into the library under `name` (atomic) and remove the run's folder."""
    if not trained.exists():
        raise BadModel("the training run left no model to keep")
    read_model_info(trained)  # never install something that is not a whole model
    target = model_path(clean_name(name))
    if target.exists():
        raise BadRequest(f"a model called {name!r} is already in the library")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(trained, target)
    discard(trained)
    return target


def discard(trained: Path) -> None:
    """Remove a run's folder and everything in it (checkpoints, the half-trained model)."""
    if trained.parent.parent.name == ".training":
        shutil.rmtree(trained.parent, ignore_errors=True)


def sweep_abandoned_runs(older_than_s: float = 0.0) -> int:
    """Remove run folders nobody can continue (no record: killed before it was written, or an
    older app's); how many went. Recorded runs are kept for the resume offer."""
    runs = model_library_dir() / ".training"
    gone = 0
    for folder in runs.iterdir() if runs.exists() else []:
        if is_resumable(folder):
            continue
        if time.time() - folder.stat().st_mtime >= older_than_s:
            shutil.rmtree(folder, ignore_errors=True)
            gone += 1
    return gone


def rename(name: str, new_name: str) -> Path:
    if name == DEFAULT_NAME:
        raise BadRequest("the shipped default model cannot be renamed")
    source, target = model_path(name), model_path(clean_name(new_name))
    if not source.exists():
        raise BadRequest(f"there is no model called {name!r} in the library")
    if target.exists():
        raise BadRequest(f"a model called {new_name!r} is already in the library")
    os.replace(source, target)
    return target


def delete(name: str) -> None:
    if name == DEFAULT_NAME:
        raise BadRequest("the shipped default model cannot be deleted")
    path = model_path(name)
    if not path.exists():
        raise BadRequest(f"there is no model called {name!r} in the library")
    path.unlink()
