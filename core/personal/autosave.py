"""The drawing in progress, saved after every stroke so a crash or a kill loses nothing.

One ndjson record, written atomically (a kill mid-write leaves the previous stroke's save). A
clean close marks it as such: the next start restores it quietly; an unmarked one means the
app died, and the window offers it back. The save names the process that wrote it: a second
window of the app, started while the first is still drawing, is not a crash to recover from.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from core.base.errors import BadFile
from core.base.paths import data_dir
from core.base.processes import process_alive
from core.drawings.formats import read_dataset, write_ndjson
from core.drawings.strokes import Drawing


@dataclass(frozen=True)
class Autosave:
    drawing: Drawing
    closed_cleanly: bool
    owner_pid: int = 0  # the process that wrote it; 0 for saves from before owners were kept

    @property
    def in_use_elsewhere(self) -> bool:
        """Another window of the app, still running, is drawing this."""
        return not self.closed_cleanly and process_alive(self.owner_pid)


def autosave_path() -> Path:
    return data_dir() / "autosave.ndjson"


def save_autosave(drawing: Drawing, closed_cleanly: bool = False) -> None:
    """Keep `drawing` (canvas coordinates, to a tenth of a pixel); an empty one removes the save."""
    if drawing.is_empty:
        clear_autosave()
        return
    kept = drawing.with_strokes(drawing.strokes)
    kept.labels = {"closed_cleanly": closed_cleanly, "pid": os.getpid()}
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
    owner = drawing.labels.get("pid")
    return Autosave(
        drawing,
        bool(drawing.labels.get("closed_cleanly")),
        owner if isinstance(owner, int) else 0,
    )


def clear_autosave() -> None:
    with contextlib.suppress(FileNotFoundError):
        autosave_path().unlink()
