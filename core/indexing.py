"""Building a `LatentIndex` (encode, cluster, map) and caching it on disk without pickle.

The cache is keyed by the model file's and the dataset's content hashes, the number of
clusters and this module's format version; it holds one `.npz` of plain arrays (loaded with
allow_pickle off) and one JSON file. A cache that fails to load is rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

from core.atomic import atomic_open, atomic_write_text
from core.errors import BadRequest
from core.latent import LatentIndex
from core.projections import check_projection
from core.sketcher import Sketcher
from core.strokes import Drawing

CACHE_VERSION = 2
AUTO_K_RANGE = range(3, 13)
MAX_K = 50

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def content_hash(drawings: list[Drawing]) -> str:
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


def choose_k(mu: np.ndarray, seed: int = 0) -> tuple[int, float]:
    """The k in AUTO_K_RANGE with the best silhouette, measured on a subsample for speed."""
    rng = np.random.default_rng(seed)
    sample = mu[rng.choice(len(mu), min(len(mu), 4000), replace=False)]
    best = (AUTO_K_RANGE[0], -1.0)
    for k in AUTO_K_RANGE:
        if k >= len(sample):
            break
        labels = KMeans(k, n_init=3, random_state=seed).fit_predict(sample)
        score = float(
            silhouette_score(sample, labels, sample_size=min(2000, len(sample)), random_state=seed)
        )
        if score > best[1]:
            best = (k, score)
    return best


def cluster(mu: np.ndarray, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """k-means labels and centroids, renumbered by size (0 = largest) so ids are stable."""
    km = KMeans(k, n_init=4, random_state=seed).fit(mu)
    sizes = np.bincount(km.labels_, minlength=k)
    order = np.lexsort((km.cluster_centers_[:, 0], -sizes))
    remap = np.empty(k, int)
    remap[order] = np.arange(k)
    return remap[km.labels_], km.cluster_centers_[order].astype(np.float32)


def cluster_gaussians(mu: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and Cholesky factor of each cluster's covariance (shrunk towards a diagonal, so
    small clusters still give a usable Gaussian)."""
    z = mu.shape[1]
    means = np.zeros((k, z), np.float32)
    chol = np.zeros((k, z, z), np.float32)
    for c in range(k):
        members = mu[labels == c]
        means[c] = members.mean(0)
        if len(members) > 1:
            cov = np.cov(members.T)
            shrink = min(1.0, z / len(members))
            cov = (1 - shrink) * cov + shrink * np.diag(np.diag(cov))
        else:
            cov = np.eye(z) * 0.01
        chol[c] = np.linalg.cholesky(cov + np.eye(z) * 1e-5)
    return means, chol


def medoids(mu: np.ndarray, labels: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    out = np.zeros(len(centroids), int)
    for c in range(len(centroids)):
        members = np.flatnonzero(labels == c)
        out[c] = members[((mu[members] - centroids[c]) ** 2).sum(1).argmin()]
    return out


UMAP_MIN_DRAWINGS = 15  # UMAP needs a neighbourhood; fewer drawings fall back to PCA


def umap_map(mu: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """UMAP's 2-D layout of mu, plus the least-squares affine map back (the linear part of the
    way from the map to z; the neighbours' residuals do the rest)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # umap's notes about n_jobs under a fixed seed
        from umap import UMAP

        xy = UMAP(n_components=2, n_neighbors=15, min_dist=0.1, random_state=seed).fit_transform(mu)
    xy = xy - xy.mean(0)
    mean = mu.mean(0)
    components, *_ = np.linalg.lstsq(xy, mu - mean, rcond=None)
    return xy, mean, components


def build_index(
    sketcher: Sketcher,
    drawings: list[Drawing],
    k: int | str = "auto",
    progress: Progress = _quiet,
    seed: int = 0,
    simplified: bool = False,
    projection: str = "pca",
) -> LatentIndex:
    """Encode every drawing, cluster, and lay out the map. Deterministic for a given input.
    `simplified`: the drawings are Quick, Draw!-simplified already (see `model_sequence`).
    `projection`: "pca" (stable, invertible) or "umap" (keeps neighbourhoods; umap-learn)."""
    check_projection(projection)
    usable = [d for d in drawings if not d.is_empty]
    if not usable:
        raise BadRequest("the dataset holds no usable drawings to index")
    mu = sketcher.encode_many(
        usable,
        progress=lambda done, total: progress("encoding", done, total),
        simplified=simplified,
    )
    if k == "auto":
        progress("choosing k", 0, 1)
        k, _ = choose_k(mu, seed) if len(usable) > AUTO_K_RANGE[0] else (1, float("nan"))
    k = int(k)
    if not 1 <= k <= MAX_K:
        raise BadRequest(f"the number of clusters must be between 1 and {MAX_K}, not {k}")
    if k > len(usable):
        raise BadRequest(f"{k} clusters asked for, but the dataset has only {len(usable)} drawings")
    progress("clustering", 0, 1)
    labels, centroids = cluster(mu, k, seed)
    silhouette = float("nan")
    if 1 < k < len(usable):
        silhouette = float(
            silhouette_score(mu, labels, sample_size=min(5000, len(mu)), random_state=seed)
        )
    progress("mapping", 0, 1)
    if projection == "umap" and len(mu) > UMAP_MIN_DRAWINGS:
        map_xy, mean, components = umap_map(mu, seed)
    else:
        projection = "pca"
        pca = PCA(2, random_state=seed).fit(mu) if len(mu) > 1 else None
        mean = pca.mean_ if pca else mu[0]
        components = pca.components_ if pca else np.eye(2, mu.shape[1])
        map_xy = (mu - mean) @ components.T
    means, chol = cluster_gaussians(mu, labels, k)
    index = LatentIndex(
        mu=mu,
        labels=labels,
        centroids=centroids,
        map_xy=map_xy.astype(np.float32),
        pca_mean=mean.astype(np.float32),
        pca_components=components.astype(np.float32),
        cluster_means=means,
        cluster_chol=chol,
        medoids=medoids(mu, labels, centroids),
        keys=[d.key for d in usable],
        silhouette=silhouette,
        meta={"projection": projection},
    )
    progress("done", 1, 1)
    return index


# ---------------------------------------------------------------------- cache

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


def cached_index(
    sketcher: Sketcher,
    drawings: list[Drawing],
    cache_dir: Path,
    data_hash: str | None = None,
    k: int | str = "auto",
    progress: Progress = _quiet,
    notice: Callable[[str], None] = lambda message: None,
    seed: int = 0,
    simplified: bool = False,
    projection: str = "pca",
) -> LatentIndex:
    """The index from the cache when it is there and sound, else built and cached."""
    check_projection(projection)
    key = cache_key(sketcher.content_hash, data_hash or content_hash(drawings), k, seed, projection)
    folder = cache_dir / f"index-{key}"
    if folder.exists():
        try:
            index = load_index(folder)
            progress("done", 1, 1)
            return index
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError) as exc:
            notice(f"the cached index was unreadable ({exc}); rebuilding it")
            shutil.rmtree(folder, ignore_errors=True)
    index = build_index(sketcher, drawings, k, progress, seed, simplified, projection)
    index.meta.update({"model": sketcher.path, "drawings": len(index)})
    try:
        save_index(index, folder)
    except OSError as exc:
        notice(
            f"the index could not be cached ({exc.strerror or exc}); it will be rebuilt next time"
        )
    return index
