"""The canonical form of a drawing that grows a stroke at a time. A pen-up adds one stroke; the
ones before it are fitted exactly as before whenever the new stroke stays inside the drawing's
box (the eyes, the mouth), so their simplification is remembered instead of repeated: RDP was
the larger part of the ~2 ms canonical form on the pen-up's path."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from core.packed import PackedDrawings, normalized, offsets, simplified


class CanonicalMemo:
    """`canonical_packed` for one drawing at a time, each stroke's simplification remembered by
    its fitted points (the bytes RDP reads, so a remembered stroke is the one it would compute).
    Thread-safe: the worker uses it, and anything else may encode a drawing meanwhile."""

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
