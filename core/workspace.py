"""A model, a dataset and the dataset's latent index under that model: what the app and the
latent commands work on. Loading it is the one slow step (the index is cached)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.indexing import Progress, cached_index
from core.latent import LatentIndex
from core.paths import cache_dir
from core.prepared import prepare_file
from core.resources import sample_faces_path
from core.sketcher import Sketcher
from core.strokes import Drawing


@dataclass
class Workspace:
    sketcher: Sketcher
    drawings: Sequence[Drawing]  # prepared: in canonical form (see core.prepared)
    index: LatentIndex
    data_path: Path

    def __post_init__(self) -> None:
        # key -> first position; built where the workspace is loaded (the worker), so the
        # window never spends a frame on 160,000 keys
        keys = self.index.keys
        self._positions = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))

    def position_of(self, key: str | None) -> int | None:
        return None if key is None else self._positions.get(key)

    @property
    def model_name(self) -> str:
        return Path(self.sketcher.path).stem

    @property
    def data_name(self) -> str:
        return self.data_path.name


def load_workspace(
    model: str | None = None,
    data: str | Path | None = None,
    k: int | str = "auto",
    device: str | None = None,
    progress: Progress = lambda stage, done, total: None,
    notice: Callable[[str], None] = lambda message: None,
    sketcher: Sketcher | None = None,
    projection: str = "pca",
) -> Workspace:
    """Load (or reuse) the model, read the dataset and get its index, reporting progress."""
    progress("loading model", 0, 1)
    sketcher = sketcher or Sketcher.load(model, device=device)
    data_path = Path(data) if data else sample_faces_path()
    prepared = prepare_file(data_path, cache_dir(), progress, notice)
    index = cached_index(
        sketcher,
        prepared.drawings,
        cache_dir(),
        prepared.data_hash,
        k,
        progress,
        notice,
        simplified=True,
        projection=projection,
    )
    drawings = prepared.drawings
    return Workspace(sketcher, drawings, index, data_path)
