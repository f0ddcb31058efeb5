"""A model, a dataset and the dataset's latent index under that model: what the app and the
latent commands work on. Loading it is the one slow step (the index is cached)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.base.paths import cache_dir
from core.base.resources import sample_faces_path
from core.base.streams import Stream, map_early, run_to_end
from core.drawings.strokes import Drawing
from core.latent.index import LatentIndex
from core.latent.index_cache import INDEX_SEED, index_folder
from core.latent.indexing import Progress, cached_index_stream
from core.latent.prepared import prepare_file
from core.model.lazy_model import LazySketcher

if TYPE_CHECKING:
    from core.model.sketcher import Sketcher


@dataclass
class Workspace:
    sketcher: Sketcher | LazySketcher  # lazy until something needs the weights
    drawings: Sequence[Drawing]  # prepared: in canonical form (see core.latent.prepared)
    index: LatentIndex
    data_path: Path

    def __post_init__(self) -> None:
        # key -> first position; built where the workspace is loaded (the worker), so the
        # window never spends a frame on 160,000 keys
        keys = self.index.keys
        self._positions = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))

    @property
    def preview_of(self) -> int | None:
        """For a first look at a dataset still being indexed: how many faces it has."""
        return self.index.meta.get("preview_of")

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
    return run_to_end(
        workspace_stream(model, data, k, device, progress, notice, sketcher, projection)
    )


def workspace_stream(
    model: str | None = None,
    data: str | Path | None = None,
    k: int | str = "auto",
    device: str | None = None,
    progress: Progress = lambda stage, done, total: None,
    notice: Callable[[str], None] = lambda message: None,
    sketcher: Sketcher | None = None,
    projection: str = "pca",
    preview: int = 0,
) -> Stream[Workspace, Workspace]:
    """`load_workspace` as a stream: None between encoder batches (the window's worker answers
    the person's drawing there), and, with `preview` and an index still to build for at least
    4 x `preview` faces, an early workspace of a random `preview` of them, clustered and
    mapped on their own, while the rest are encoded. The final workspace is the same as
    `load_workspace`'s (the sample's vectors are reused, not encoded twice)."""
    progress("loading model", 0, 1)
    # the weights load when first needed: a cached index maps every face without them
    sketcher = sketcher or LazySketcher(model, device=device)
    data_path = Path(data) if data else sample_faces_path()
    prepared = prepare_file(data_path, cache_dir(), progress, notice)
    drawings = prepared.drawings
    folder = index_folder(
        cache_dir(), sketcher.content_hash, prepared.data_hash, k, INDEX_SEED, projection
    )
    index = yield from map_early(
        cached_index_stream(
            sketcher, drawings, folder, k, progress, notice, INDEX_SEED, True, projection, preview
        ),
        lambda look: Workspace(sketcher, drawings.subset(look[1]), look[0], data_path),
    )
    return Workspace(sketcher, drawings, index, data_path)
