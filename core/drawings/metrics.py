"""How alike two drawings are, independent of how they were drawn: points resampled evenly
along the ink, fitted into a unit box, compared by symmetric chamfer distance."""

from __future__ import annotations

import numpy as np

from core.drawings.strokes import Drawing, normalize

# a reconstruction is the nearest to its drawing of this many decodes of its mu: one decode at
# T=0.1 is a typical face more often than that face (README, "Sixty-four tries")
DEFAULT_TRIES = 64
# the live view decodes this many at pen-up (its first paint and whole face budgets), and the
# rest a moment later, while the pen is up (`core.session.analysis.more_tries_stream`)
FIRST_TRIES = 16
MAX_TRIES = 64  # each try is a row of the decoder's batch
# who chooses which try is shown (`core.model.try_choice`); the default never looks at the
# drawing's pixels, so what the window shows is what z itself carries
PICKS = {
    "model": "the model's own pick",  # re-encoded: the try whose z is nearest the drawing's
    "drawing": "closest to the drawing",  # chamfer to the person's strokes
}
DEFAULT_PICK = "model"


def resample(drawing: Drawing, n: int = 96) -> np.ndarray:
    """`n` points spread evenly along the ink of a drawing fitted into a unit box."""
    if drawing.is_empty:
        return np.zeros((0, 2), np.float32)
    fitted = normalize(drawing, 1.0)
    segments = []
    for s in fitted.strokes:
        if len(s) == 1:
            segments.append((s[0], s[0]))
        segments += list(zip(s[:-1], s[1:], strict=True))
    starts = np.array([a for a, _ in segments])
    ends = np.array([b for _, b in segments])
    lengths = np.linalg.norm(ends - starts, axis=1) + 1e-6
    cumulative = np.concatenate([[0], np.cumsum(lengths)])
    at = np.linspace(0, cumulative[-1], n, endpoint=False) + cumulative[-1] / (2 * n)
    seg = np.clip(np.searchsorted(cumulative, at, side="right") - 1, 0, len(segments) - 1)
    t = ((at - cumulative[seg]) / lengths[seg])[:, None]
    return (starts[seg] + t * (ends[seg] - starts[seg])).astype(np.float32)


def chamfer(a: np.ndarray, b: np.ndarray) -> float:
    """Mean distance from each point to the other set's nearest point, both ways."""
    if len(a) == 0 or len(b) == 0:
        return float("inf")
    d = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
    return float(d.min(1).mean() + d.min(0).mean()) / 2


def retrieval_ranks(
    originals: list[Drawing], reconstructions: list[Drawing], n: int = 96
) -> tuple[np.ndarray, np.ndarray]:
    """For each reconstruction: the rank of its own original among all originals by distance
    (0 = nearest), and its distance to its own original. Both say how much of a particular
    face survives the round trip, with less noise than a top-1 count on a few faces."""
    orig = [resample(d, n) for d in originals]
    ranks, own = np.zeros(len(reconstructions), int), np.zeros(len(reconstructions))
    for i, r in enumerate(reconstructions):
        pts = resample(r, n)
        distances = np.array([chamfer(pts, o) for o in orig])
        ranks[i] = int(np.flatnonzero(np.argsort(distances, kind="stable") == i)[0])
        own[i] = distances[i]
    return ranks, own


def self_retrieval(
    originals: list[Drawing], reconstructions: list[Drawing], top: int = 1, n: int = 96
) -> float:
    """How often a reconstruction's own original is among the `top` originals nearest to it."""
    ranks, _ = retrieval_ranks(originals, reconstructions, n)
    return float((ranks < top).mean()) if len(ranks) else 0.0


def nearest_try(drawing: Drawing, tries: list[Drawing], finished: list[bool], n: int = 96) -> int:
    """Which of several decodes of one drawing's z is nearest that drawing (chamfer). A try
    that ran to its length limit (it circled instead of ending: often the head traced again
    and again with a knot of ink, which lies on the drawing's outline and so looks near while
    it has no eyes or mouth) is chosen only if none ended. The first of equals; never an
    empty try while one has ink."""
    target = resample(drawing, n)
    distances = np.array([chamfer(resample(t, n), target) for t in tries])
    distances[~np.asarray(finished, bool)] += UNFINISHED
    return int(np.argmin(distances))


UNFINISHED = 1e3  # added to a try that never ended: any finished try comes first
