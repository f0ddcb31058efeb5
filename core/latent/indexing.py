"""Building a `LatentIndex` (encode, cluster, map), and the index from its cache when it is
there (`index_cache`, which needs neither torch nor scikit-learn)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.base.errors import BadRequest
from core.base.streams import Stream, run_to_end
from core.drawings.packed import PackedDrawings
from core.drawings.strokes import Drawing
from core.latent.gaussians import cluster_gaussians_stream
from core.latent.index import LatentIndex
from core.latent.index_cache import INDEX_SEED, content_hash, find_index, index_folder, keep_index
from core.latent.kmeans_steps import kmeans_stream
from core.latent.projections import check_projection
from core.latent.silhouette_steps import silhouette_stream

if TYPE_CHECKING:  # scikit-learn and torch load when an index is built, not when one is read
    from core.model.sketcher import Sketcher

AUTO_K_RANGE = range(3, 13)
MAX_K = 50

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def choose_k(mu: np.ndarray, seed: int = 0) -> Stream[None, tuple[int, float]]:
    """The k in AUTO_K_RANGE with the best silhouette, measured on a subsample for speed; a
    pause after each k tried."""
    rng = np.random.default_rng(seed)
    sample = mu[rng.choice(len(mu), min(len(mu), 4000), replace=False)]
    best = (AUTO_K_RANGE[0], -1.0)
    for k in AUTO_K_RANGE:
        if k >= len(sample):
            break
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        labels = KMeans(k, n_init=3, random_state=seed).fit_predict(sample)
        score = float(
            silhouette_score(sample, labels, sample_size=min(2000, len(sample)), random_state=seed)
        )
        if score > best[1]:
            best = (k, score)
        yield None
    return best


def cluster(mu: np.ndarray, k: int, seed: int = 0) -> Stream[None, tuple[np.ndarray, np.ndarray]]:
    """k-means labels and centroids, renumbered by size (0 = largest) so ids are stable; in
    short steps (`kmeans_stream`)."""
    km = yield from kmeans_stream(mu, k, seed)
    sizes = np.bincount(km.labels, minlength=k)
    order = np.lexsort((km.centres[:, 0], -sizes))
    remap = np.empty(k, int)
    remap[order] = np.arange(k)
    return remap[km.labels], km.centres[order].astype(np.float32)


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
    drawings: Sequence[Drawing],
    k: int | str = "auto",
    progress: Progress = _quiet,
    seed: int = 0,
    simplified: bool = False,
    projection: str = "pca",
) -> LatentIndex:
    """Encode every drawing, cluster, and lay out the map. Deterministic for a given input.
    `simplified`: the drawings are Quick, Draw!-simplified already (see `model_sequence`).
    `projection`: "pca" (stable, invertible) or "umap" (keeps neighbourhoods; umap-learn)."""
    return run_to_end(
        build_index_stream(sketcher, drawings, k, progress, seed, simplified, projection)
    )


def build_index_stream(
    sketcher: Sketcher,
    drawings: Sequence[Drawing],
    k: int | str = "auto",
    progress: Progress = _quiet,
    seed: int = 0,
    simplified: bool = False,
    projection: str = "pca",
    preview: int = 0,
) -> Stream[tuple[LatentIndex, np.ndarray], LatentIndex]:
    """`build_index` as a stream: None between encoder batches and, with `preview` and at
    least 4 x `preview` drawings, first a look at a random `preview` of them (their own index,
    and their positions), while the rest are encoded. The final index is `build_index`'s:
    the sample's vectors are reused, not encoded twice."""
    check_projection(projection)
    if isinstance(drawings, PackedDrawings):
        usable = drawings.nonempty()
        keys = usable.keys.tolist()
    else:
        usable = [d for d in drawings if not d.is_empty]
        keys = [d.key for d in usable]
    n = len(usable)
    if not n:
        raise BadRequest("the dataset holds no usable drawings to index")

    def encode(chosen: np.ndarray, offset: int) -> Stream[None, np.ndarray]:
        return sketcher.encode_stream(
            usable,
            progress=lambda done, total: progress("encoding", offset + done, n),
            simplified=simplified,
            only=None if len(chosen) == n else chosen,
        )

    mu = np.zeros((n, sketcher.config.z_size), np.float32)
    rest = np.arange(n)
    if preview and n >= 4 * preview:
        first = np.sort(np.random.default_rng(seed).choice(n, preview, replace=False))
        rest = np.setdiff1d(rest, first)
        mu[first] = yield from encode(first, 0)
        look = yield from index_from_vectors(mu[first], [keys[i] for i in first], k, seed=seed)
        look.meta["preview_of"] = n
        yield look, first
    mu[rest] = yield from encode(rest, n - len(rest))
    return (yield from index_from_vectors(mu, keys, k, progress, seed, projection))


def index_from_vectors(
    mu: np.ndarray,
    keys: list[str],
    k: int | str = "auto",
    progress: Progress = _quiet,
    seed: int = 0,
    projection: str = "pca",
) -> Stream[None, LatentIndex]:
    """Cluster the thought vectors of a dataset and lay out its map, pausing between steps of
    at most a few tens of milliseconds at 160,000 faces (so a worker can answer in between)."""
    check_projection(projection)
    if k == "auto":
        progress("choosing k", 0, 1)
        k = (yield from choose_k(mu, seed))[0] if len(mu) > AUTO_K_RANGE[0] else 1
    k = int(k)
    if not 1 <= k <= MAX_K:
        raise BadRequest(f"the number of clusters must be between 1 and {MAX_K}, not {k}")
    if k > len(mu):
        raise BadRequest(f"{k} clusters asked for, but the dataset has only {len(mu)} drawings")
    progress("clustering", 0, 1)
    labels, centroids = yield from cluster(mu, k, seed)
    silhouette = float("nan")
    if 1 < k < len(mu):
        silhouette = yield from silhouette_stream(mu, labels, 5000, seed)
    progress("mapping", 0, 1)
    if projection == "umap" and len(mu) > UMAP_MIN_DRAWINGS:
        map_xy, mean, components = umap_map(mu, seed)
    else:
        projection = "pca"
        yield None
        from sklearn.decomposition import PCA

        pca = PCA(2, random_state=seed).fit(mu) if len(mu) > 1 else None
        mean = pca.mean_ if pca else mu[0]
        components = pca.components_ if pca else np.eye(2, mu.shape[1])
        map_xy = (mu - mean) @ components.T
    yield None
    means, chol = yield from cluster_gaussians_stream(mu, labels, k)
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
        keys=keys,
        silhouette=silhouette,
        meta={"projection": projection},
    )
    progress("done", 1, 1)
    return index


def cached_index(
    sketcher: Sketcher,
    drawings: Sequence[Drawing],
    cache_dir: Path,
    data_hash: str | None = None,
    k: int | str = "auto",
    progress: Progress = _quiet,
    notice: Callable[[str], None] = lambda message: None,
    seed: int = INDEX_SEED,
    simplified: bool = False,
    projection: str = "pca",
) -> LatentIndex:
    """The index from the cache when it is there and sound, else built and cached."""
    folder = index_folder(
        cache_dir, sketcher.content_hash, data_hash or content_hash(drawings), k, seed, projection
    )
    return run_to_end(
        cached_index_stream(
            sketcher, drawings, folder, k, progress, notice, seed, simplified, projection
        )
    )


def cached_index_stream(
    sketcher: Sketcher,
    drawings: Sequence[Drawing],
    folder: Path,
    k: int | str = "auto",
    progress: Progress = _quiet,
    notice: Callable[[str], None] = lambda message: None,
    seed: int = INDEX_SEED,
    simplified: bool = False,
    projection: str = "pca",
    preview: int = 0,
) -> Stream[tuple[LatentIndex, np.ndarray], LatentIndex]:
    """`cached_index` as a stream (see `build_index_stream`; a cached index has no first look)."""
    check_projection(projection)
    index = find_index(folder, notice)
    if index is not None:
        progress("done", 1, 1)
        return index
    index = yield from build_index_stream(
        sketcher, drawings, k, progress, seed, simplified, projection, preview
    )
    keep_index(index, folder, sketcher.path, notice)
    return index
