"""Drawing on the canvas the way a hand does, through real Qt mouse events (tests, benchmarks
and the screenshot script use it)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from core.drawings.strokes import Drawing
from desktop.canvas import SketchCanvas


def canvas_points(canvas: SketchCanvas, drawing: Drawing, fill: float = 0.8) -> list[list[QPoint]]:
    """The drawing's strokes fitted into the middle of the canvas, in widget pixels."""
    x0, y0, x1, y1 = drawing.bbox()
    scale = fill * min(canvas.width(), canvas.height()) / max(x1 - x0, y1 - y0, 1e-6)
    ox = (canvas.width() - (x1 - x0) * scale) / 2
    oy = (canvas.height() - (y1 - y0) * scale) / 2
    return [
        [QPoint(round(ox + (x - x0) * scale), round(oy + (y - y0) * scale)) for x, y in s]
        for s in drawing.strokes
    ]


def draw_stroke(
    canvas: SketchCanvas, points: list[QPoint], between: Callable[[], None] | None = None
) -> None:
    """One stroke: press, a move per point, release, exactly as a mouse delivers it.
    `between` runs after every move (an event-loop turn, as between real mouse events)."""
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(canvas, left, Qt.KeyboardModifier.NoModifier, points[0])
    for p in points[1:]:
        QTest.mouseMove(canvas, p)
        if between is not None:
            between()
    QTest.mouseRelease(canvas, left, Qt.KeyboardModifier.NoModifier, points[-1])


def draw(canvas: SketchCanvas, drawing: Drawing) -> None:
    for stroke in canvas_points(canvas, drawing):
        draw_stroke(canvas, stroke)
