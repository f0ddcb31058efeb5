"""k-means one Lloyd iteration per step, so the worker that clusters 160,000 faces can answer a
pen-up between steps instead of after one multi-second scikit-learn call.

Why not `KMeans(init=centres, max_iter=few)` called repeatedly: each call re-validates the whole
array and recomputes its variance (about 150 ms at 160,000 x 64 here, against 10 ms for an
iteration). So scikit-learn seeds each run (`kmeans_plusplus`) and the iterations are a few
numpy lines: assign each vector to its nearest centre, move each centre to the mean of
its vectors, stop when no label changes or the centres move less than scikit-learn's own
tolerance (1e-4 of the mean variance). The run with the lowest inertia wins, as with `n_init`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.base.streams import Stream

RUNS = 4  # like KMeans(n_init=4)
MAX_ITERATIONS = 300  # KMeans' own default cap
SAMPLE = 20_000  # the runs compete on a sample; the winner is then refined on every vector
SEED_POOL = 5_000  # k-means++ picks its starts from this many of the sample
CHUNK = 40_000  # rows per step of an iteration over every vector
TOLERANCE = 1e-4  # KMeans' default, relative to the mean variance of a feature


@dataclass(frozen=True)
class KMeansResult:
    labels: np.ndarray
    centres: np.ndarray
    inertia: float


def kmeans_stream(x: np.ndarray, k: int, seed: int = 0) -> Stream[None, KMeansResult]:
    """The best of RUNS seeded k-means runs, one iteration per step. Above SAMPLE rows the runs
    compete on a random SAMPLE of them (an iteration there costs ~2 ms, against ~40 ms on
    160,000 x 64), and the winner goes on over every row until it converges, which from
    there takes a few iterations."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    rng = np.random.RandomState(seed)
    pool = x if len(x) <= SAMPLE else x[rng.choice(len(x), SAMPLE, replace=False)]
    tolerance = TOLERANCE * float(pool.var(axis=0, dtype=np.float64).mean())  # a sample will do
    best: KMeansResult | None = None
    for _ in range(RUNS):
        from sklearn.cluster import kmeans_plusplus  # scikit-learn loads when a map is built

        centres, _ = kmeans_plusplus(pool[:SEED_POOL], k, random_state=rng)
        result = yield from _lloyd(pool, centres.astype(np.float32), tolerance)
        if best is None or result.inertia < best.inertia:
            best = result
    if pool is not x:
        best = yield from _lloyd(x, best.centres, tolerance)
    return best


def _lloyd(x: np.ndarray, centres: np.ndarray, tolerance: float) -> Stream[None, KMeansResult]:
    """Lloyd iterations from `centres` until no label changes or the centres move less than
    `tolerance` (squared, summed); a pause every CHUNK rows."""
    k = len(centres)
    centres = centres.copy()
    squared = (x * x).sum(1)
    labels = np.full(len(x), -1)
    distances = np.zeros(len(x), np.float32)
    for _ in range(MAX_ITERATIONS):
        sums, changed = np.zeros((k, x.shape[1]), np.float64), 0
        for start in range(0, len(x), CHUNK):
            yield None
            part = slice(start, start + CHUNK)
            new, distances[part] = _nearest(x[part], squared[part], centres)
            changed += int((new != labels[part]).sum())
            labels[part] = new
            onehot = np.zeros((k, len(new)), x.dtype)
            onehot[new, np.arange(len(new))] = 1.0  # per-centre sums as one product
            sums += onehot @ x[part]
        moved = _move(sums, np.bincount(labels, minlength=k), distances, x, centres)
        if not changed or moved <= tolerance:
            break
    inertia = 0.0
    for start in range(0, len(x), CHUNK):
        yield None
        part = slice(start, start + CHUNK)
        labels[part], distances[part] = _nearest(x[part], squared[part], centres)
        inertia += float(distances[part].sum(dtype=np.float64))
    return KMeansResult(labels, centres, inertia)


def _nearest(
    x: np.ndarray, squared: np.ndarray, centres: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's nearest centre and its squared distance to it."""
    d = squared[:, None] - 2 * (x @ centres.T) + (centres * centres).sum(1)[None, :]
    labels = d.argmin(1)
    return labels, np.maximum(d[np.arange(len(x)), labels], 0)


def _move(
    sums: np.ndarray,
    counts: np.ndarray,
    distances: np.ndarray,
    x: np.ndarray,
    centres: np.ndarray,
) -> float:
    """Move each centre to its members' mean, in place; an emptied centre takes the vector
    farthest from its own centre (as scikit-learn relocates it). Returns the squared shift."""
    new = centres.copy()
    filled = counts > 0
    new[filled] = sums[filled] / counts[filled, None]
    empty = np.flatnonzero(~filled)
    if len(empty):
        new[empty] = x[np.argsort(-distances)[: len(empty)]]
    shift = float(((new - centres) ** 2).sum())
    centres[:] = new
    return shift
