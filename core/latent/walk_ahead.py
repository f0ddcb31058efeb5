"""Faces decoded ahead of the map cursor, so a drag can show a new face every frame.

At batch 1 the decoder's time goes on per-step overhead, not arithmetic: six faces of 35 points
in one batch took 7.7 ms against 6.6 ms for one (`Sketcher.decode`, one thread). So each walk
request decodes the cursor's place and the places it will pass over the next frames at its
present velocity; as the cursor moves on, the face decoded nearest it (within half a frame's
travel) is shown at once, while the worker is already decoding the next batch. A face depends
only on its z and the seed, never on the rest of its batch, so a face shown from a batch is the
very face a request for that place alone would have drawn.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

import numpy as np

from core.drawings.strokes import Drawing

FRAME_S = 1 / 60  # the spacing of the places decoded ahead: one frame of travel
AHEAD = 4  # places beyond the cursor's own per request (67 ms of travel; a batch takes ~10)
VELOCITY_WINDOW_S = 0.06  # the cursor's velocity is measured over its moves in this window


class WalkAhead:
    """The cursor's recent moves and the newest batch of faces decoded along its path."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._moves: deque[tuple[float, np.ndarray]] = deque()
        self._places = np.zeros((0, 2))
        self._faces: list[Drawing] = []
        self._tolerance = 0.0

    def moved(self, xy: tuple[float, float]) -> tuple[tuple[float, float], ...]:
        """Record a move; the places to decode: the cursor's own, then where it is heading."""
        now, here = self._clock(), np.asarray(xy, np.float64)
        self._moves.append((now, here))
        while now - self._moves[0][0] > VELOCITY_WINDOW_S:
            self._moves.popleft()
        then, there = self._moves[0]
        if now <= then:
            return (tuple(map(float, here)),)
        step = (here - there) / (now - then) * FRAME_S
        return tuple(tuple(map(float, here + k * step)) for k in range(AHEAD + 1))

    def offer(
        self, places: tuple[tuple[float, float], ...], faces: list[Drawing]
    ) -> Drawing | None:
        """The faces decoded at `places` (a batch from `moved`) replace the older batch; the face
        to show: the one nearest where the cursor is now, or (when it turned away from the path)
        the face of the place it was asked for."""
        self._places = np.asarray(places, np.float64).reshape(-1, 2)
        self._faces = list(faces)
        spacing = np.linalg.norm(np.diff(self._places, axis=0), axis=1)
        self._tolerance = float(spacing.max()) / 2 if len(spacing) else 0.0
        near = self.face_near(tuple(self._moves[-1][1])) if self._moves else None
        return near or (self._faces[0] if self._faces else None)

    def face_near(self, xy: tuple[float, float]) -> Drawing | None:
        """The decoded face nearest `xy`, if one lies within half a frame's travel of it."""
        if not self._faces:
            return None
        distance = np.linalg.norm(self._places - np.asarray(xy, np.float64), axis=1)
        nearest = int(np.argmin(distance))
        return self._faces[nearest] if distance[nearest] <= self._tolerance else None

    def cursor(self) -> tuple[float, float] | None:
        """Where the cursor last moved to (None before any move)."""
        return tuple(map(float, self._moves[-1][1])) if self._moves else None

    def forget(self) -> None:
        """Another model or dataset: the faces decoded so far belong to the old one."""
        self._moves.clear()
        self.offer((), [])
