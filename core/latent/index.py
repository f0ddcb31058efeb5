"""The latent index of a dataset under a model, and every question asked of it.

`LatentIndex` holds plain arrays: mu of every drawing, its k-means cluster, its place on a 2-D
map (PCA, or UMAP when asked for), each cluster's centroid, medoid and Gaussian. It answers: which cluster is this z in
(with a confidence), where is it on the map, what are its nearest drawings, and, the way back,
which z lies under this map position. Building and caching it lives in `indexing.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.base.errors import BadRequest
from core.latent.gaussians import gaussian_of

# the way back from the map: how many neighbours, and how strongly the data pulls
MAP_NEIGHBOURS = 24
MAP_PRIOR_MASS = 0.5
# a non-linear map (UMAP) places a new z by its nearest drawings in latent space
PLACE_NEIGHBOURS = 10
# from this many faces the way back finds its map neighbours with a k-d tree: at 160,000 a
# scan of every map point took 5.3 ms of each face generated while dragging, the tree 0.1 ms
TREE_FROM = 5_000


@dataclass
class ClusterAssignment:
    cluster: int
    confidence: float
    probabilities: np.ndarray


@dataclass
class LatentIndex:
    mu: np.ndarray  # (n, z)
    labels: np.ndarray  # (n,) cluster id, 0 = largest cluster
    centroids: np.ndarray  # (k, z)
    map_xy: np.ndarray  # (n, 2)
    pca_mean: np.ndarray  # (z,) the map's linear part: z ~ pca_mean + xy @ pca_components
    pca_components: np.ndarray  # (2, z) (PCA's axes; for UMAP a least-squares fit)
    cluster_means: np.ndarray  # (k, z)
    cluster_chol: np.ndarray  # (k, z, z) Cholesky factors of each cluster's covariance
    medoids: np.ndarray  # (k,) index of each cluster's most central drawing
    keys: list[str]
    silhouette: float = float("nan")
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._bandwidth = self._map_bandwidth()
        self._residual = self.mu - self.from_map_linear(self.map_xy)
        self._temperature = self._assignment_temperature()
        self._mu_sq = (self.mu**2).sum(1)
        self._map_tree = None  # built on the first walk over a big map (TREE_FROM faces)
        self._dataset_gaussian: tuple[np.ndarray, np.ndarray] | None = None

    # ------------------------------------------------------------------ sizes
    @property
    def k(self) -> int:
        return len(self.centroids)

    def __len__(self) -> int:
        return len(self.mu)

    def cluster_sizes(self) -> np.ndarray:
        return np.bincount(self.labels, minlength=self.k)

    def dataset_gaussian(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and Cholesky factor of all its thought vectors (shrunk as a cluster's are):
        where random faces like the dataset's come from. Made on first use, then kept."""
        if self._dataset_gaussian is None:
            self._dataset_gaussian = gaussian_of(self.mu)
        return self._dataset_gaussian

    def members(self, cluster: int) -> np.ndarray:
        self._check_cluster(cluster)
        return np.flatnonzero(self.labels == cluster)

    def _check_cluster(self, cluster: int) -> None:
        if not 0 <= cluster < self.k:
            raise BadRequest(
                f"there is no cluster {cluster}: the index has clusters 0 to {self.k - 1}"
            )

    # ------------------------------------------------------------------ clusters
    def _assignment_temperature(self) -> float:
        """Softmax temperature: the typical squared distance of a drawing to its own centroid."""
        d = ((self.mu - self.centroids[self.labels]) ** 2).sum(1)
        return float(np.median(d)) if len(d) and np.median(d) > 0 else 1.0

    def assign(self, z: np.ndarray) -> list[ClusterAssignment]:
        """Nearest centroid, with a softmax over negative squared distances as the confidence."""
        z = np.atleast_2d(z)
        d2 = ((z[:, None, :] - self.centroids[None]) ** 2).sum(2)
        logits = -d2 / self._temperature
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(1, keepdims=True)
        best = d2.argmin(1)
        return [ClusterAssignment(int(b), float(p[i, b]), p[i]) for i, b in enumerate(best)]

    # ------------------------------------------------------------------ map
    @property
    def projection(self) -> str:
        return self.meta.get("projection", "pca")

    def to_map(self, z: np.ndarray) -> np.ndarray:
        """Where z goes on the map: PCA's own projection, or for UMAP the inverse-distance
        blend of its nearest drawings' places (what UMAP's transform starts from, without
        keeping a fitted UMAP object, which could only be cached as a pickle)."""
        z = np.atleast_2d(z)
        if self.projection == "pca":
            return (z - self.pca_mean) @ self.pca_components.T
        near = self.nearest(z, PLACE_NEIGHBOURS)
        d = np.sqrt(((self.mu[near] - z[:, None, :]) ** 2).sum(2))
        w = 1.0 / (d + 1e-6)
        return (w[:, :, None] * self.map_xy[near]).sum(1) / w.sum(1, keepdims=True)

    def from_map_linear(self, xy: np.ndarray) -> np.ndarray:
        """The projection's own inverse: a point on the plane through the data's two main axes."""
        return self.pca_mean + np.atleast_2d(xy) @ self.pca_components

    def _map_bandwidth(self) -> float:
        """A kernel width of a few typical neighbour spacings on the map."""
        if len(self.map_xy) < 2:
            return 1.0
        spread = float(np.sqrt(np.prod(np.ptp(self.map_xy, axis=0)) + 1e-12))
        return max(spread / np.sqrt(len(self.map_xy)) * 3.0, 1e-6)

    def map_to_latent(self, xy: np.ndarray) -> np.ndarray:
        """z under each map position: where the data is dense, the neighbours' own z (what the
        plane leaves out of them, blended by a Gaussian kernel); between and beyond the data the
        blend shrinks smoothly to the plane itself. No jumps: every weight is continuous in xy."""
        xy = np.atleast_2d(np.asarray(xy, np.float64))
        base = self.from_map_linear(xy)
        near, nd2 = self._map_neighbours(xy, min(MAP_NEIGHBOURS, len(self.map_xy)))
        w = np.exp(-nd2 / (2 * self._bandwidth**2))
        # the farthest of the k neighbours gets weight ~0 so entering or leaving the set is smooth
        cutoff = np.exp(-nd2.max(1, keepdims=True) / (2 * self._bandwidth**2))
        w = np.clip(w - cutoff, 0, None)
        blend = (w[:, :, None] * self._residual[near]).sum(1) / (
            w.sum(1, keepdims=True) + MAP_PRIOR_MASS
        )
        return (base + blend).astype(np.float32)

    def _map_neighbours(self, xy: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k map points nearest each row of xy and their squared distances (any order:
        the blend is a sum over the set)."""
        if len(self.map_xy) >= TREE_FROM:
            if self._map_tree is None:
                from scipy.spatial import cKDTree  # scikit-learn's own dependency

                # unbalanced, uncompacted, 64 a leaf: built in ~26 ms at 160,000 (64 ms with
                # the defaults, holding the GIL and so the window), queries as fast
                self._map_tree = cKDTree(
                    self.map_xy.astype(np.float64),
                    leafsize=64,
                    balanced_tree=False,
                    compact_nodes=False,
                )
            d, near = self._map_tree.query(xy, k=k)
            return near.reshape(len(xy), k), (d**2).reshape(len(xy), k)
        d2 = ((xy[:, None, :] - self.map_xy[None]) ** 2).sum(2)
        if k >= len(self.map_xy):
            near = np.tile(np.arange(k), (len(xy), 1))
        else:
            near = np.argpartition(d2, k - 1, axis=1)[:, :k]
        return near, np.take_along_axis(d2, near, 1)

    # ------------------------------------------------------------------ neighbours
    def nearest(self, z: np.ndarray, n: int = 8) -> np.ndarray:
        """Indices of the `n` drawings whose mu is nearest to each z (rows), nearest first."""
        z = np.atleast_2d(z)
        n = min(n, len(self.mu))
        d2 = (z**2).sum(1, keepdims=True) - 2 * z @ self.mu.T + self._mu_sq[None]
        idx = np.argpartition(d2, n - 1, axis=1)[:, :n]
        order = np.take_along_axis(d2, idx, 1).argsort(1)
        return np.take_along_axis(idx, order, 1)

    def nearest_on_map(self, xy: np.ndarray) -> int:
        """The drawing whose map point is closest to `xy` (what a click on the map picks)."""
        return int(((self.map_xy - np.asarray(xy)[None]) ** 2).sum(1).argmin())

    # ------------------------------------------------------------------ growing
    def add(self, z: np.ndarray, key: str) -> int:
        """Place one more drawing (the person's own) without rebuilding; returns its cluster."""
        z = np.asarray(z, np.float32).reshape(1, -1)
        cluster = self.assign(z)[0].cluster
        self.mu = np.vstack([self.mu, z])
        self.labels = np.append(self.labels, cluster)
        self.map_xy = np.vstack([self.map_xy, self.to_map(z)])
        self._mu_sq = np.append(self._mu_sq, (z**2).sum())
        self._residual = np.vstack([self._residual, z - self.from_map_linear(self.map_xy[-1:])])
        self._map_tree = None  # a new point on the map
        self.keys.append(key)
        return cluster
