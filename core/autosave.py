"""The drawing in progress, saved after every stroke so a crash or a kill loses nothing.

One ndjson record, written atomically (a kill mid-write leaves the previous stroke's save). A
clean close marks it as such: the next start restores it quietly; an unmarked one means the
app died, and the window offers it back.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from core.errors import BadFile
from core.formats import read_dataset, write_ndjson
from core.paths import data_dir
from core.strokes import Drawing


@dataclass(frozen=True)
class Autosave:
    drawing: Drawing
    closed_cleanly: bool


def autosave_path() -> Path:
    return data_dir() / "autosave.ndjson"


def save_autosave(drawing: Drawing, closed_cleanly: bool = False) -> None:
    """Keep `drawing` (canvas coordinates, to a tenth of a pixel); an empty one removes the save."""
    if drawing.is_empty:
        clear_autosave()
        return
    kept = drawing.with_strokes(drawing.strokes)
    kept.labels = {"closed_cleanly": closed_cleanly}
    write_ndjson([kept], autosave_path(), decimals=1)


def load_autosave() -> Autosave | None:
    """The saved drawing, or None. A damaged save is moved aside (never silently deleted)."""
    path = autosave_path()
    if not path.exists():
        return None
    try:
        drawing = read_dataset(path).drawings()[0]
    except BadFile:
        with contextlib.suppress(OSError):
            os.replace(path, path.with_suffix(".damaged"))
        return None
    if drawing.is_empty:
        return None
    return Autosave(drawing, bool(drawing.labels.get("closed_cleanly")))


def clear_autosave() -> None:
    with contextlib.suppress(FileNotFoundError):
        autosave_path().unlink()
