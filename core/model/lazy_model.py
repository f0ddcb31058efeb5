"""A model file that loads on first use. A workspace whose index is cached needs nothing of its
model to be mapped but its file's name and hash, so the window can show every face before
torch is even imported (importing it takes 1-2 s here); the first request that needs the
weights (or the window's own "load the model" request right after the map is up) loads them,
on the worker thread."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.base.resources import default_model_path
from core.model.modelheader import read_model_info

if TYPE_CHECKING:
    from core.model.sketcher import Sketcher


class LazySketcher:
    """Stands for a `Sketcher` of the file at `path`; anything but `path`, `content_hash`,
    `info` and `loaded` loads it (once) and is answered by it."""

    def __init__(self, path: str | Path | None = None, device: str | None = None):
        self._sketcher: Sketcher | None = None
        resolved = default_model_path() if path in (None, "default") else Path(path)
        self.path = str(resolved)
        self._device = device
        self.info = read_model_info(resolved)  # a file that is no model is refused now
        self._content_hash: str | None = None

    @property
    def loaded(self) -> bool:
        return self._sketcher is not None

    @property
    def content_hash(self) -> str:
        """sha256 of the model file, as `Sketcher.content_hash` (what caches are keyed by)."""
        if self._content_hash is None:
            h = hashlib.sha256()
            with open(self.path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
            self._content_hash = h.hexdigest()
        return self._content_hash

    def load(self) -> Sketcher:
        """The loaded model (torch is imported here, its big library mapped off the GIL)."""
        if self._sketcher is None:
            from core.model.preload import preload_torch

            preload_torch()
            from core.model.sketcher import Sketcher

            sketcher = Sketcher.load(self.path, device=self._device)
            if self._content_hash is not None:
                sketcher._content_hash = self._content_hash
            self._sketcher = sketcher
        return self._sketcher

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends ask for these: not the model's
            raise AttributeError(name)
        return getattr(self.load(), name)


def model_of(sketcher) -> Sketcher:
    """The loaded `Sketcher` behind a lazy one (or the sketcher itself)."""
    return sketcher.load() if isinstance(sketcher, LazySketcher) else sketcher
