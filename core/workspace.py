"""A model, a dataset and the dataset's latent index under that model: what the app and the
latent commands work on. Loading it is the one slow step (the index is cached)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.errors import BadRequest
from core.formats import read_dataset
from core.indexing import Progress, cached_index, file_hash
from core.latent import LatentIndex
from core.paths import cache_dir
from core.resources import sample_faces_path
from core.sketcher import Sketcher
from core.strokes import Drawing


@dataclass
class Workspace:
    sketcher: Sketcher
    drawings: list[Drawing]
    index: LatentIndex
    data_path: Path

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
    progress("reading dataset", 0, 1)
    dataset = read_dataset(data_path)
    drawings = [d for d in dataset.drawings() if not d.is_empty]
    if not drawings:
        raise BadRequest(f"{data_path.name} holds no drawings")
    index = cached_index(
        sketcher,
        drawings,
        cache_dir(),
        file_hash(data_path),
        k,
        progress,
        notice,
        simplified=dataset.simplified,
        projection=projection,
    )
    return Workspace(sketcher, drawings, index, data_path)
