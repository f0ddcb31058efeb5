"""A model, a dataset and the dataset's latent index under that model: what the app and the
latent commands work on. Loading it is the one slow step (the index is cached)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.index_cache import INDEX_SEED, find_index, index_folder, keep_index
from core.indexing import Progress, index_from_vectors
from core.latent import LatentIndex
from core.paths import cache_dir
from core.prepared import prepare_file
from core.resources import sample_faces_path
from core.sketcher import Sketcher
from core.streams import Stream, run_to_end
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
    sketcher = sketcher or Sketcher.load(model, device=device)
    data_path = Path(data) if data else sample_faces_path()
    prepared = prepare_file(data_path, cache_dir(), progress, notice)
    drawings = prepared.drawings
    folder = index_folder(
        cache_dir(), sketcher.content_hash, prepared.data_hash, k, INDEX_SEED, projection
    )
    index = find_index(folder, notice)
    if index is None:
        n = len(drawings)
        keys = drawings.keys.tolist()

        def encoding(offset: int) -> Callable[[int, int], None]:
            return lambda done, total: progress("encoding", offset + done, n)

        mu = np.zeros((n, sketcher.config.z_size), np.float32)
        rest = np.arange(n)
        if preview and n >= 4 * preview:
            rng = np.random.default_rng(INDEX_SEED)
            first = np.sort(rng.choice(n, preview, replace=False))
            rest = np.setdiff1d(rest, first)
            mu[first] = yield from sketcher.encode_stream(
                drawings.subset(first), progress=encoding(0)
            )
            look = index_from_vectors(
                mu[first], [keys[i] for i in first], k, seed=INDEX_SEED, projection="pca"
            )
            look.meta.update({"preview_of": n})
            yield Workspace(sketcher, drawings.subset(first), look, data_path)
        mu[rest] = yield from sketcher.encode_stream(
            drawings.subset(rest) if len(rest) < n else drawings,
            progress=encoding(n - len(rest)),
        )
        index = index_from_vectors(mu, keys, k, progress, INDEX_SEED, projection)
        keep_index(index, folder, sketcher.path, notice)
    else:
        progress("done", 1, 1)
    return Workspace(sketcher, drawings, index, data_path)
