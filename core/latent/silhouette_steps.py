"""The silhouette of a clustering, measured on a sample as `sklearn.metrics.silhouette_score`
does (same sample for the same seed, same value), but in steps: scikit-learn's own
`pairwise_distances_chunked` hands over the distance matrix a block of rows at a time and the
stream pauses between blocks, so 5,000 x 5,000 distances do not hold a worker for half a second.
"""

from __future__ import annotations

import numpy as np

from core.base.streams import Stream

BLOCK_MB = 4  # working memory per block of distances: about 200 rows of 5,000


def silhouette_stream(
    x: np.ndarray, labels: np.ndarray, sample_size: int, seed: int = 0
) -> Stream[None, float]:
    """Mean silhouette over a random `sample_size` of the rows (all of them if fewer)."""
    if len(x) > sample_size:
        chosen = np.random.RandomState(seed).permutation(len(x))[:sample_size]
        x, labels = x[chosen], labels[chosen]
    k = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    onehot = np.zeros((len(x), k))
    onehot[np.arange(len(x)), labels] = 1.0
    scores = np.zeros(len(x))
    start = 0
    from sklearn.metrics import pairwise_distances_chunked  # loads when a map is built

    for block in pairwise_distances_chunked(x, working_memory=BLOCK_MB):
        rows = slice(start, start + len(block))
        own = labels[rows]
        per_cluster = block @ onehot  # each row's summed distance to each cluster
        mates = counts[own] - 1
        inner = per_cluster[np.arange(len(block)), own] / np.maximum(mates, 1)
        per_cluster /= counts
        per_cluster[np.arange(len(block)), own] = np.inf
        outer = per_cluster.min(1)
        score = (outer - inner) / np.maximum(np.maximum(inner, outer), 1e-300)
        scores[rows] = np.where(mates > 0, score, 0.0)  # a lone member scores 0, as in sklearn
        start += len(block)
        yield None
    return float(scores.mean())
