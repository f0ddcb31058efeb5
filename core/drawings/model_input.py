"""The model's input, owned here and nowhere else: every drawing the model reads (a pen-up's,
a file's 160,000, a training set's) goes through this module as a pack (a single drawing is a
pack of one) and comes out as the stroke-5 rows sketch-rnn reads.

The canonical form is what Quick, Draw! did to every drawing: fit into 0..255 keeping the
aspect ratio, then Ramer-Douglas-Peucker at epsilon 2 (or only the fit, for data simplified at
the source). The rows then start at the origin, lift the pen at the end and are divided by the
model's scale factor; a drawing still longer than the model's length is simplified harder
until it fits, keeping its shape, rather than cut off mid-face.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from core.base.errors import BadDrawing
from core.drawings.packed import PackedDrawings, offsets, pack
from core.drawings.strokes import CANVAS_SIZE, Drawing, stroke3_to_stroke5

RDP_EPSILON = 2.0
HARDER = 1.5  # epsilon grows by this much each time a too-long drawing is simplified again
MOST_EPSILON = 64.0


# ---------------------------------------------------------------------- drawings in


def checked_pack(drawings: Sequence[Drawing]) -> PackedDrawings:
    """A person's drawings as a pack, or BadDrawing: an empty drawing or a NaN/infinite
    coordinate would poison every number downstream."""
    packed = drawings if isinstance(drawings, PackedDrawings) else pack(drawings)
    if (packed.point_counts() == 0).any():
        raise BadDrawing("the drawing is empty: draw at least one stroke")
    if not np.isfinite(packed.points).all():
        raise BadDrawing("the drawing has NaN or infinite coordinates")
    return packed


def usable_pack(drawings: Sequence[Drawing]) -> PackedDrawings:
    """The drawings the model can read, the others (empty, NaN or infinite) left out: a
    training set skips a broken drawing rather than refusing the file."""
    packed = drawings if isinstance(drawings, PackedDrawings) else pack(drawings)
    packed = packed.nonempty()
    finite = (
        np.logical_and.reduceat(np.isfinite(packed.points).all(1), packed.point_starts[:-1])
        if len(packed)
        else np.zeros(0, bool)
    )
    return packed if finite.all() else packed.subset(np.flatnonzero(finite))


# ---------------------------------------------------------------------- the canonical form


def normalized(packed: PackedDrawings, size: float = CANVAS_SIZE) -> PackedDrawings:
    """Every drawing shifted to the origin and its longer side scaled to `size` at once
    (`strokes.normalize` for the whole set). Drawings must not be empty."""
    starts = packed.point_starts
    if len(packed) == 0:
        return packed
    if (np.diff(starts) == 0).any():
        raise ValueError("a packed drawing is empty")
    p = packed.points
    lo = np.stack(
        [np.minimum.reduceat(p[:, 0], starts[:-1]), np.minimum.reduceat(p[:, 1], starts[:-1])], 1
    )
    hi = np.stack(
        [np.maximum.reduceat(p[:, 0], starts[:-1]), np.maximum.reduceat(p[:, 1], starts[:-1])], 1
    )
    extent = (hi - lo).max(1)
    with np.errstate(over="ignore"):
        scale = np.float32(size) / np.where(extent > 0, extent, 1).astype(np.float32)
    # a drawing a denormal wide overflows its scale: it is a dot, kept at its size
    scale = np.where((extent > 0) & np.isfinite(scale), scale, np.float32(1))
    owner = packed.drawing_of_point()
    points = ((p - lo[owner]) * scale[owner, None]).astype(np.float32)
    return packed.with_points(points, packed.stroke_starts)


def simplified(packed: PackedDrawings, epsilon: float = RDP_EPSILON) -> PackedDrawings:
    """Ramer-Douglas-Peucker on every stroke at once: each round splits every open segment at
    its farthest inner point (when that is beyond `epsilon`), so the rounds are the depth of
    the recursion, not the number of strokes, and a 100,000-point stroke cannot recurse."""
    p = packed.points
    ss = packed.stroke_starts
    keep = np.zeros(len(p), bool)
    nonempty = ss[1:] > ss[:-1]
    keep[ss[:-1][nonempty]] = True
    keep[ss[1:][nonempty] - 1] = True
    seg_start = ss[:-1][nonempty]
    seg_end = ss[1:][nonempty] - 1
    while True:
        open_ = seg_end > seg_start + 1
        seg_start, seg_end = seg_start[open_], seg_end[open_]
        if not len(seg_start):
            break
        inner_counts = seg_end - seg_start - 1
        seg_of = np.repeat(np.arange(len(seg_start)), inner_counts)
        first_inner = offsets(inner_counts)
        inner = np.arange(len(seg_of)) - first_inner[seg_of] + seg_start[seg_of] + 1
        a = p[seg_start][seg_of]
        seg = p[seg_end][seg_of] - a
        pts = p[inner]
        length = np.hypot(seg[:, 0], seg[:, 1])
        cross = np.abs(seg[:, 0] * (pts[:, 1] - a[:, 1]) - seg[:, 1] * (pts[:, 0] - a[:, 0]))
        flat = length == 0
        dist = np.where(
            flat,
            np.hypot(pts[:, 0] - a[:, 0], pts[:, 1] - a[:, 1]),
            cross / np.where(flat, 1, length),
        )
        best = np.maximum.reduceat(dist, first_inner[:-1])
        # the first inner point reaching the segment's maximum, as argmax picks it
        at_best = np.flatnonzero(dist == best[seg_of])
        first = np.unique(seg_of[at_best], return_index=True)[1]
        mid = inner[at_best[first]]
        split = best > epsilon
        keep[mid[split]] = True
        seg_start = np.concatenate([seg_start[split], mid[split]])
        seg_end = np.concatenate([mid[split], seg_end[split]])
    stroke_lengths = np.add.reduceat(keep, ss[:-1]) if len(p) else np.zeros(0, np.int64)
    stroke_lengths = np.where(nonempty, stroke_lengths, 0)
    return packed.with_points(p[keep], offsets(stroke_lengths))


def canonical_pack(packed: PackedDrawings, simplified_at_source: bool = False) -> PackedDrawings:
    """Every drawing in the canonical form (a pack already in it is returned as it is).
    `simplified_at_source`: sketch-rnn's files and Quick, Draw!'s simplified ones were RDP'd
    when they were made, so only the fit is redone."""
    if packed.canonical:
        return packed
    done = normalized(packed)
    if not simplified_at_source:
        done = simplified(done)
    return done.with_points(done.points, done.stroke_starts, canonical=True)


def canonical(drawing: Drawing) -> Drawing:
    """One drawing in the canonical form (what the collection stores, what a judge compares)."""
    return canonical_pack(checked_pack([drawing]))[0]


class CanonicalMemo:
    """`canonical_pack` of one growing drawing at a time: a pen-up adds one stroke, and the
    ones before it are fitted exactly as before whenever the new stroke stays inside the
    drawing's box (the eyes, the mouth), so each stroke's simplification is remembered by its
    fitted points (the bytes RDP reads) instead of repeated: RDP was the larger part of the
    ~2 ms canonical form on the pen-up's path. Thread-safe: the worker uses it, and anything
    else may encode a drawing meanwhile."""

    def __init__(self, capacity: int = 256) -> None:
        self.capacity = capacity
        self._kept: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self.hits = 0
        self._lock = threading.Lock()

    def canonical(self, packed: PackedDrawings) -> PackedDrawings:
        with self._lock:
            return self._canonical(packed)

    def _canonical(self, packed: PackedDrawings) -> PackedDrawings:
        fitted = normalized(packed)
        p, ss = fitted.points, fitted.stroke_starts
        keys = [p[a:b].tobytes() for a, b in zip(ss[:-1], ss[1:], strict=True)]
        missing = [j for j, key in enumerate(keys) if key not in self._kept]
        self.hits += len(keys) - len(missing)
        if missing:
            lengths = [ss[j + 1] - ss[j] for j in missing]
            alone = PackedDrawings(
                np.concatenate([p[ss[j] : ss[j + 1]] for j in missing]),
                offsets(lengths),
                np.array([0, len(missing)]),
                np.array([""]),
            )
            done = simplified(alone)
            for i, j in enumerate(missing):
                a, b = done.stroke_starts[i], done.stroke_starts[i + 1]
                self._kept[keys[j]] = done.points[a:b]
        strokes = []
        for key in keys:
            self._kept.move_to_end(key)
            strokes.append(self._kept[key])
        while len(self._kept) > self.capacity:
            self._kept.popitem(last=False)
        points = np.concatenate(strokes) if strokes else np.zeros((0, 2), np.float32)
        return fitted.with_points(points, offsets([len(s) for s in strokes]), canonical=True)


# ---------------------------------------------------------------------- rows out


def model_sequences(canonical: PackedDrawings, scale: float, max_len: int) -> list[np.ndarray]:
    """Stroke-5 rows of every drawing of a canonical pack, built over the flat arrays at once;
    the few drawings longer than `max_len` are simplified harder until they fit."""
    flat = _rows(canonical, scale)
    starts = canonical.point_starts
    seqs = [flat[a:b] for a, b in zip(starts[:-1], starts[1:], strict=True)]
    for i in np.flatnonzero(np.diff(starts) > max_len):
        seqs[i] = _fitted_to_length(canonical.subset([int(i)]), scale, max_len)
    return seqs


def model_sequence(
    drawing: Drawing, scale: float, max_len: int, simplified_at_source: bool = False
) -> np.ndarray:
    """A single drawing's rows: a pack of one through `model_sequences` (BadDrawing when the
    drawing is empty or has NaN/infinite points)."""
    one = canonical_pack(checked_pack([drawing]), simplified_at_source)
    return model_sequences(one, scale, max_len)[0]


def _rows(canonical: PackedDrawings, scale: float) -> np.ndarray:
    """Stroke-5 rows of a pack back to back: each drawing starts at the origin (where it sat
    on the page is not part of its shape), offsets divided by the scale factor."""
    rows = canonical.stroke3()
    firsts = canonical.point_starts[:-1]
    rows[firsts[firsts < len(rows)], :2] = 0.0
    rows[:, :2] /= scale
    return stroke3_to_stroke5(rows)


def _fitted_to_length(one: PackedDrawings, scale: float, max_len: int) -> np.ndarray:
    """One drawing simplified harder until at most `max_len` points (then cut, the pen lifted)."""
    epsilon = RDP_EPSILON
    while len(one.points) > max_len and epsilon < MOST_EPSILON:
        epsilon *= HARDER
        one = simplified(one, epsilon)
    rows = _rows(one, scale)[:max_len]
    rows[-1, 2:4] = (0.0, 1.0)  # the pen lifts at the last point kept
    return rows
