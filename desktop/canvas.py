"""The drawing canvas: mouse, pen and tablet (with pressure), undo and redo per stroke.

Finished strokes are painted once into a cached pixmap; only the stroke in progress is painted
on every move, so a long drawing costs the same to extend as a short one.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap, QTabletEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.drawings.strokes import Drawing

MIN_STEP = 1.0  # pixels between recorded points; the model simplifies further anyway
PRESSURE_STEP = 0.05  # pressures varying less than this within a stroke are drawn at one width


def smooth_path(points: list[tuple[float, float]]) -> QPainterPath:
    """Quadratic curves through the midpoints: a shaky mouse line drawn as a smooth stroke."""
    path = QPainterPath()
    if not points:
        return path
    path.moveTo(*points[0])
    if len(points) == 1:
        path.lineTo(points[0][0] + 0.1, points[0][1] + 0.1)
        return path
    for (x0, y0), (x1, y1) in zip(points[1:-1], points[2:], strict=False):
        path.quadTo(x0, y0, (x0 + x1) / 2, (y0 + y1) / 2)
    path.lineTo(*points[-1])
    return path


def pressure_pieces(
    points: list[tuple[float, float]], pressures: list[float]
) -> list[tuple[QPainterPath, float]]:
    """The same smooth stroke as `smooth_path`, cut into its curves, each with the pressure of
    the point it bends around: a pen's line gets thinner and thicker as it was pressed."""
    if len(points) < 3:
        return [(smooth_path(points), float(np.mean(pressures)) if pressures else 1.0)]
    pieces, start = [], QPointF(*points[0])
    for i in range(1, len(points) - 1):
        (x0, y0), (x1, y1) = points[i], points[i + 1]
        end = QPointF((x0 + x1) / 2, (y0 + y1) / 2)
        piece = QPainterPath(start)
        piece.quadTo(QPointF(x0, y0), end)
        pieces.append((piece, pressures[i]))
        start = end
    last = QPainterPath(start)
    last.lineTo(*points[-1])
    pieces.append((last, pressures[-1]))
    return pieces


class SketchCanvas(QWidget):
    strokeStarted = Signal()
    strokeMoved = Signal()  # while the pen is down (the window throttles what it does with it)
    drawingChanged = Signal()  # anything: stroke, undo, redo, clear, load

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sketchCanvas")
        self.setAccessibleName("Drawing canvas")
        self.setAccessibleDescription("Draw a face here with the mouse or a pen")
        self.strokes: list[list[tuple[float, float]]] = []
        self.pressures: list[list[float]] = []
        self.redo_stack: list[tuple[list[tuple[float, float]], list[float]]] = []
        self.current: list[tuple[float, float]] | None = None
        self.current_pressure: list[float] = []
        self._cache: QPixmap | None = None
        self._current_path = QPainterPath()
        self.ink = QColor(25, 25, 25)
        self.base_width = 3.0
        self.setMinimumSize(320, 320)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setCursor(Qt.CursorShape.CrossCursor)

    # ------------------------------------------------------------------ the model's view
    def drawing(self, include_current: bool = True) -> Drawing:
        strokes = [np.array(s, np.float32) for s in self.strokes]
        if include_current and self.current:
            strokes.append(np.array(self.current, np.float32))
        return Drawing(strokes, key="canvas")

    def is_empty(self) -> bool:
        return not self.strokes and not self.current

    def set_drawing(self, drawing: Drawing) -> None:
        """Show a drawing (an autosave, a file) fitted to the canvas, as editable strokes."""
        self.strokes, self.pressures, self.redo_stack = [], [], []
        if not drawing.is_empty:
            x0, y0, x1, y1 = drawing.bbox()
            scale = 0.8 * min(self.width(), self.height()) / max(x1 - x0, y1 - y0, 1e-6)
            ox = (self.width() - (x1 - x0) * scale) / 2
            oy = (self.height() - (y1 - y0) * scale) / 2
            for s in drawing.strokes:
                pts = [(float(ox + (x - x0) * scale), float(oy + (y - y0) * scale)) for x, y in s]
                self.strokes.append(pts)
                self.pressures.append([1.0] * len(pts))
        self._invalidate()
        self.drawingChanged.emit()

    # ------------------------------------------------------------------ editing
    def undo(self) -> bool:
        if not self.strokes:
            return False
        self.redo_stack.append((self.strokes.pop(), self.pressures.pop()))
        self._invalidate()
        self.drawingChanged.emit()
        return True

    def redo(self) -> bool:
        if not self.redo_stack:
            return False
        stroke, pressure = self.redo_stack.pop()
        self.strokes.append(stroke)
        self.pressures.append(pressure)
        self._invalidate()
        self.drawingChanged.emit()
        return True

    def clear(self) -> None:
        """Clear is undoable too: the strokes go onto the redo stack in reverse."""
        while self.strokes:
            self.redo_stack.append((self.strokes.pop(), self.pressures.pop()))
        self.current = None
        self._invalidate()
        self.drawingChanged.emit()

    # ------------------------------------------------------------------ input
    def begin_stroke(self, x: float, y: float, pressure: float = 1.0) -> None:
        self.current = [(x, y)]
        self.current_pressure = [pressure]
        self._current_path = QPainterPath(QPointF(x, y))
        self._current_path.lineTo(x + 0.1, y + 0.1)
        self.strokeStarted.emit()
        self.update()

    def extend_stroke(self, x: float, y: float, pressure: float = 1.0) -> None:
        if self.current is None:
            return
        lx, ly = self.current[-1]
        if abs(x - lx) + abs(y - ly) < MIN_STEP:
            return
        # the path of the stroke in progress grows by one curve: never rebuilt while drawing
        self._current_path.quadTo(lx, ly, (lx + x) / 2, (ly + y) / 2)
        self.current.append((x, y))
        self.current_pressure.append(pressure)
        self.update()
        self.strokeMoved.emit()

    def end_stroke(self) -> None:
        if self.current is None:
            return
        self.strokes.append(self.current)
        self.pressures.append(self.current_pressure)
        self.current = None
        self.redo_stack.clear()
        self._paint_into_cache(self.strokes[-1], self.pressures[-1])
        self.update()
        self.drawingChanged.emit()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            p = event.position()
            self.begin_stroke(p.x(), p.y())

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self.current is not None:
            p = event.position()
            self.extend_stroke(p.x(), p.y())

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.end_stroke()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        p, pressure = event.position(), max(0.1, event.pressure())
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self.begin_stroke(p.x(), p.y(), pressure)
        elif kind == QTabletEvent.Type.TabletMove:
            self.extend_stroke(p.x(), p.y(), pressure)
        elif kind == QTabletEvent.Type.TabletRelease:
            self.end_stroke()
        event.accept()

    # ------------------------------------------------------------------ painting
    def _pen(self, pressure: float) -> QPen:
        """A mouse draws at pressure 1 (the full width); a light pen touch at a third of it."""
        return QPen(
            self.ink,
            self.base_width * (0.3 + 0.7 * pressure),
            Qt.PenStyle.SolidLine,
            Qt.PenCapStyle.RoundCap,
            Qt.PenJoinStyle.RoundJoin,
        )

    def _invalidate(self) -> None:
        self._cache = None
        self.update()

    def _ensure_cache(self) -> QPixmap:
        if self._cache is None or self._cache.size() != self.size():
            self._cache = QPixmap(self.size())
            self._cache.fill(Qt.GlobalColor.white)
            for stroke, pressure in zip(self.strokes, self.pressures, strict=True):
                self._paint_into_cache(stroke, pressure, ensure=False)
        return self._cache

    def _paint_into_cache(self, stroke, pressure, ensure: bool = True) -> None:
        cache = self._ensure_cache() if ensure else self._cache
        painter = QPainter(cache)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if pressure and max(pressure) - min(pressure) > PRESSURE_STEP:  # a pen, pressed unevenly
            for piece, pressed in pressure_pieces(stroke, pressure):
                painter.setPen(self._pen(pressed))
                painter.drawPath(piece)
        else:  # a mouse, or an even hand: one path, one width
            painter.setPen(self._pen(float(np.mean(pressure)) if pressure else 1.0))
            painter.drawPath(smooth_path(stroke))
        painter.end()

    def resizeEvent(self, event) -> None:  # noqa: N802
        self._cache = None
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._ensure_cache())
        if self.is_empty():
            painter.setPen(QColor(160, 160, 160))
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, "Draw a face here")
        if self.current:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(self._pen(self.current_pressure[-1] if self.current_pressure else 1.0))
            painter.drawPath(self._current_path)
        painter.end()
