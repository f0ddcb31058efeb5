"""Clustering in short steps: the same clusters and silhouette scikit-learn finds, with pauses a
worker can answer a pen-up in."""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

from core.base.streams import run_to_end
from core.latent.kmeans_steps import CHUNK, SAMPLE, kmeans_stream
from core.latent.silhouette_steps import silhouette_stream


def blobs(n: int, k: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n)
    centres = rng.normal(0, 6, (k, 16))
    return (centres[truth] + rng.normal(0, 1, (n, 16))).astype(np.float32), truth


def test_stepped_kmeans_finds_what_sklearn_finds_on_a_small_set():
    x, truth = blobs(3000)
    found = run_to_end(kmeans_stream(x, 5, seed=0))
    sk = KMeans(5, n_init=4, random_state=0).fit(x)
    assert adjusted_rand_score(truth, found.labels) == 1.0
    assert found.inertia <= sk.inertia_ * 1.001


def test_a_big_set_is_clustered_in_pauses_no_longer_than_a_chunk():
    x, truth = blobs(3 * CHUNK + 123, seed=1)
    assert len(x) > SAMPLE
    stream = kmeans_stream(x, 5, seed=3)
    pauses = 0
    while True:
        try:
            next(stream)
            pauses += 1
        except StopIteration as stop:
            found = stop.value
            break
    assert adjusted_rand_score(truth, found.labels) == 1.0
    # the full-set passes alone (refine until converged, then the final labels) pause per chunk
    assert pauses >= 2 * 4
    nearest = ((x[:, None, :] - found.centres[None]) ** 2).sum(2).argmin(1)
    assert np.array_equal(nearest, found.labels), "every face is in its nearest centre's cluster"


def test_an_emptied_cluster_is_reseeded_not_left_as_nan():
    x = np.vstack([np.zeros((50, 2)), np.ones((50, 2)) * 10]).astype(np.float32)
    found = run_to_end(kmeans_stream(x, 3, seed=0))  # 3 clusters of 2 distinct points
    assert np.isfinite(found.centres).all() and len(np.unique(found.labels)) >= 2


def test_the_stepped_silhouette_is_sklearns_number():
    x, truth = blobs(2500, seed=2)
    labels = KMeans(5, n_init=2, random_state=0).fit_predict(x)
    labels[7] = (labels[7] + 1) % 5  # a misfit, so not every score is high
    for sample in (2500, 900):
        size = sample if sample < len(x) else None
        expected = silhouette_score(x, labels, sample_size=size, random_state=0)
        assert abs(run_to_end(silhouette_stream(x, labels, sample, seed=0)) - expected) < 1e-6
