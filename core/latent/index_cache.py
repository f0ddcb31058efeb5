"""The latent index's cache on disk, without pickle, and without torch or scikit-learn.

The cache is keyed by the model file's and the dataset's content hashes, the number of
clusters, the seed, the map projection and this module's format version; it holds one `.npz`
of plain arrays (loaded with allow_pickle off) and one JSON file. A cache that fails to load
is rebuilt, never trusted. Reading it imports only numpy, so a command whose index is cached
answers before torch could even have been imported.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from core.base.atomic import atomic_open, atomic_write_text
from core.drawings.strokes import Drawing
from core.latent.index import LatentIndex

CACHE_VERSION = 3  # 3: k-means in steps (core.latent.kmeans_steps)
INDEX_SEED = 0  # k-means and the map are seeded, so a cache key can name the result


def content_hash(drawings: Sequence[Drawing]) -> str:
    """A digest of the drawings themselves (for datasets that are not one file)."""
    h = hashlib.sha256()
    for d in drawings:
        for s in d.strokes:
            h.update(np.ascontiguousarray(s, np.float32).tobytes())
        h.update(b"|")
    return h.hexdigest()


def file_hash(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_ARRAYS = (
    "mu",
    "labels",
    "centroids",
    "map_xy",
    "pca_mean",
    "pca_components",
    "cluster_means",
    "cluster_chol",
    "medoids",
)


def save_index(index: LatentIndex, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_open(folder / "arrays.npz", "wb") as f:
        np.savez(f, **{name: getattr(index, name) for name in _ARRAYS})
    meta = {
        "keys": index.keys,
        "silhouette": index.silhouette,
        "meta": index.meta,
        "version": CACHE_VERSION,
    }
    atomic_write_text(folder / "index.json", json.dumps(meta))


def load_index(folder: Path) -> LatentIndex:
    """Raises ValueError (or OSError) on anything short of a complete, consistent cache."""
    meta = json.loads((folder / "index.json").read_text())
    if meta.get("version") != CACHE_VERSION:
        raise ValueError("cache written by another version")
    with np.load(folder / "arrays.npz", allow_pickle=False) as f:
        arrays = {name: f[name] for name in _ARRAYS}
    if not (
        len(arrays["mu"]) == len(arrays["labels"]) == len(meta["keys"]) == len(arrays["map_xy"])
    ):
        raise ValueError("cache arrays disagree in length")
    return LatentIndex(
        **arrays, keys=list(meta["keys"]), silhouette=meta["silhouette"], meta=meta["meta"]
    )


def cache_key(
    model_hash: str, data_hash: str, k: int | str, seed: int, projection: str = "pca"
) -> str:
    return hashlib.sha256(
        f"{CACHE_VERSION}|{model_hash}|{data_hash}|{k}|{seed}|{projection}".encode()
    ).hexdigest()[:32]


def index_folder(
    cache_dir: Path, model_hash: str, data_hash: str, k: int | str, seed: int, projection: str
) -> Path:
    return cache_dir / f"index-{cache_key(model_hash, data_hash, k, seed, projection)}"


def find_index(
    folder: Path, notice: Callable[[str], None] = lambda message: None
) -> LatentIndex | None:
    """The cached index in `folder`, or None (not there, or unreadable: then removed, said)."""
    if not folder.exists():
        return None
    try:
        return load_index(folder)
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError) as exc:
        notice(f"the cached index was unreadable ({exc}); rebuilding it")
        shutil.rmtree(folder, ignore_errors=True)
        return None


def keep_index(
    index: LatentIndex, folder: Path, model_path: str, notice: Callable[[str], None]
) -> None:
    """Cache a freshly built index; a disk that refuses only costs time next run (said)."""
    index.meta.update({"model": model_path, "drawings": len(index)})
    try:
        save_index(index, folder)
    except OSError as exc:
        notice(
            f"the index could not be cached ({exc.strerror or exc}); it will be rebuilt next time"
        )
