"""The faces a person likes, kept between runs: generated, from a dataset or their own.

A favourite is kept as the drawing itself (in the collection's file format, its own file), not
as a thought vector: a vector means something only under the model that made it, a drawing
means the same under every model, so a favourite outlives the model it came from and can be
trained on ("Train on my favourites" retrains on them as on a cluster).
"""

from __future__ import annotations

from pathlib import Path

from psygnal import Signal

from core.base.errors import BadFile
from core.base.paths import favourites_path
from core.drawings.strokes import Drawing
from core.personal.collection import load_collection, remove_from_collection, save_to_collection


class Favourites:
    changed = Signal(list)  # every favourite, oldest first

    def __init__(self, path: Path | None = None):
        self.path = path or favourites_path()
        self.faces: list[Drawing] = []
        self.problem = ""  # why the file could not be read, if it could not

    def load(self) -> list[Drawing]:
        """Read the shelf; an unreadable file is left untouched and said so."""
        try:
            self.faces = load_collection(self.path)
            self.problem = ""
        except BadFile as exc:
            self.faces = []
            self.problem = f"your favourites at {self.path} are unreadable ({exc})"
        self.changed.emit(self.faces)
        return self.faces

    def add(self, face: Drawing, source: str, model: str = "") -> Drawing:
        stored = save_to_collection(face, source, self.path, model=model)
        self.faces.append(stored)
        self.changed.emit(self.faces)
        return stored

    def remove(self, key: str) -> None:
        remove_from_collection(key, self.path)
        self.faces = [f for f in self.faces if f.key != key]
        self.changed.emit(self.faces)
