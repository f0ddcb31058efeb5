"""Drawings as pen strokes, and the sequence forms sketch-rnn reads (stroke-3, stroke-5).

A drawing is a list of strokes; each stroke is an (n, 2) float array of absolute x, y points
(y grows downwards, as on a screen and in Quick, Draw!). Everything else converts from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.base.errors import BadDrawing

CANVAS_SIZE = 255.0


@dataclass
class Drawing:
    """One sketch: strokes of absolute points, an identifier, and any labels it came with."""

    strokes: list[np.ndarray]
    key: str = ""
    labels: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.strokes = [np.asarray(s, dtype=np.float32).reshape(-1, 2) for s in self.strokes]
        self.strokes = [s for s in self.strokes if len(s) > 0]

    @property
    def num_points(self) -> int:
        return sum(len(s) for s in self.strokes)

    @property
    def is_empty(self) -> bool:
        return self.num_points == 0

    def points(self) -> np.ndarray:
        """All points of all strokes, in drawing order."""
        if self.is_empty:
            return np.zeros((0, 2), np.float32)
        return np.concatenate(self.strokes)

    def bbox(self) -> tuple[float, float, float, float]:
        """(min_x, min_y, max_x, max_y); raises BadDrawing for an empty drawing."""
        if self.is_empty:
            raise BadDrawing("the drawing is empty")
        p = self.points()
        return (
            float(p[:, 0].min()),
            float(p[:, 1].min()),
            float(p[:, 0].max()),
            float(p[:, 1].max()),
        )

    def with_strokes(self, strokes: list[np.ndarray]) -> Drawing:
        return Drawing(strokes, key=self.key, labels=dict(self.labels))


def check_finite(drawing: Drawing) -> None:
    """NaN or inf coordinates would poison every number downstream: refuse them early."""
    if not drawing.is_empty and not np.isfinite(drawing.points()).all():
        raise BadDrawing("the drawing has NaN or infinite coordinates")


def normalize(drawing: Drawing, size: float = CANVAS_SIZE) -> Drawing:
    """Shift to the origin and scale the longer side to `size`, keeping the aspect ratio."""
    check_finite(drawing)
    x0, y0, x1, y1 = drawing.bbox()
    extent = max(x1 - x0, y1 - y0)
    scale = size / extent if extent > 0 else 1.0
    origin = np.array([x0, y0], np.float32)
    return drawing.with_strokes([(s - origin) * scale for s in drawing.strokes])


def to_stroke3(drawing: Drawing) -> np.ndarray:
    """(n, 3) rows of (dx, dy, pen_lifted_after_this_point).

    The first row holds the first point itself (an offset from the origin), so the round trip
    back to absolute strokes is exact; the model ignores that first offset.
    """
    if drawing.is_empty:
        return np.zeros((0, 3), np.float32)
    pts = drawing.points()
    out = np.zeros((len(pts), 3), np.float32)
    out[0, :2] = pts[0]
    out[1:, :2] = np.diff(pts, axis=0)
    ends = np.cumsum([len(s) for s in drawing.strokes]) - 1
    out[ends, 2] = 1.0
    return out


def from_stroke3(rows: np.ndarray, key: str = "", labels: dict | None = None) -> Drawing:
    """Absolute strokes from stroke-3 rows; a final stroke left open is closed at the end."""
    rows = np.asarray(rows, np.float32).reshape(-1, 3)
    if len(rows) == 0:
        return Drawing([], key=key, labels=labels or {})
    pts = np.cumsum(rows[:, :2], axis=0)
    cuts = np.flatnonzero(rows[:, 2] > 0.5) + 1
    strokes = [s for s in np.split(pts, cuts) if len(s)]
    return Drawing(strokes, key=key, labels=labels or {})


def stroke3_to_stroke5(rows: np.ndarray) -> np.ndarray:
    """sketch-rnn's stroke-5 rows (dx, dy, p_down, p_up, p_end) for the points themselves.

    The end of the drawing is the step after the last point, as in sketch-rnn: `pad_stroke5`
    adds it (and the padding, which repeats it).
    """
    out = np.zeros((len(rows), 5), np.float32)
    out[:, :2] = rows[:, :2]
    out[:, 3] = rows[:, 2]
    out[:, 2] = 1.0 - rows[:, 2]
    return out


def stroke5_to_stroke3(rows: np.ndarray) -> np.ndarray:
    """Back from stroke-5, stopping before the first end token; the last point lifts the pen."""
    rows = np.asarray(rows, np.float32)
    ends = np.flatnonzero(rows[:, 4] > 0.5)
    n = int(ends[0]) if len(ends) else len(rows)
    out = np.zeros((n, 3), np.float32)
    out[:, :2] = rows[:n, :2]
    out[:, 2] = rows[:n, 3]
    if n:
        out[-1, 2] = 1.0
    return out


def pad_stroke5(
    sequences: list[np.ndarray], max_len: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A batch (b, width + 2, 5): sketch-rnn's start token, the points, then end tokens.

    Every row gets at least one end token after its points. Returns the batch and each
    sequence's number of points (truncated to `max_len`).
    """
    lengths = np.array([len(s) for s in sequences], np.int64)
    width = int(max_len if max_len is not None else (lengths.max() if len(lengths) else 0))
    batch = np.zeros((len(sequences), width + 2, 5), np.float32)
    batch[:, 0, 2] = 1.0  # start token: (0, 0, 1, 0, 0)
    batch[:, 1:, 4] = 1.0  # padding: (0, 0, 0, 0, 1)
    for i, s in enumerate(sequences):
        n = min(len(s), width)
        batch[i, 1 : n + 1] = s[:n]
    return batch, np.minimum(lengths, width)


def offset_scale(sequences: list[np.ndarray]) -> float:
    """Standard deviation of all offsets (sketch-rnn's normalising scale factor)."""
    offsets = [s[1:, :2] for s in sequences if len(s) > 1]
    if not offsets:
        return 1.0
    std = float(np.concatenate(offsets).std())
    return std if std > 1e-6 else 1.0


def to_svg(
    drawing: Drawing, size: int = 256, stroke_width: float = 2.0, margin: float = 8.0
) -> str:
    """An SVG document with one polyline per stroke, fitted into a size x size square."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">',
        f'<rect width="{size}" height="{size}" fill="white"/>',
    ]
    if not drawing.is_empty:
        fitted = normalize(drawing, size - 2 * margin)
        for s in fitted.strokes:
            pts = " ".join(f"{x + margin:.1f},{y + margin:.1f}" for x, y in s)
            parts.append(
                f'<polyline points="{pts}" fill="none" stroke="black" '
                f'stroke-width="{stroke_width}" stroke-linecap="round" stroke-linejoin="round"/>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
