"""A widget that shows one drawing, fitted and centred; optionally drawn stroke by stroke."""

from __future__ import annotations

import numpy as np
from pyqtgraph.functions import arrayToQPath
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.drawings.strokes import Drawing

ANIMATION_MS = 350  # a whole reconstruction appears within this, point by point


def drawing_path(
    drawing: Drawing,
    rect: QRectF,
    margin: float = 6.0,
    bounds: tuple[float, float, float, float] | None = None,
) -> QPainterPath:
    """The drawing's strokes as one path fitted into `rect` (aspect kept, centred). `bounds`
    fits another box instead of the drawing's own: a face being animated stays where the whole
    face will be, rather than zooming as it grows. Built from arrays in one go (pyqtgraph's
    arrayToQPath): a point-by-point QPainterPath cost ~0.35 ms a face, and a pen-up repaints a
    dozen of them."""
    if drawing is None or drawing.is_empty:
        return QPainterPath()
    x0, y0, x1, y1 = bounds if bounds is not None else drawing.bbox()
    w, h = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    scale = min((rect.width() - 2 * margin) / w, (rect.height() - 2 * margin) / h)
    offset = np.array(
        [rect.left() + (rect.width() - w * scale) / 2, rect.top() + (rect.height() - h * scale) / 2]
    )
    # a single point is drawn as a dot: a half-pixel segment, which the round cap makes round
    strokes = [s if len(s) > 1 else np.vstack([s, s + 0.5 / scale]) for s in drawing.strokes]
    xy = (np.concatenate(strokes) - np.array([x0, y0])) * scale + offset
    connect = np.ones(len(xy), np.int32)  # point i joins point i + 1 ...
    connect[np.cumsum([len(s) for s in strokes]) - 1] = 0  # ... unless it ends its stroke
    return arrayToQPath(xy[:, 0], xy[:, 1], connect, finiteCheck=False)


def render_pixmap(drawing: Drawing, size: int = 96, width: float = 2.0) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.white)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(
        QPen(Qt.GlobalColor.black, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    )
    painter.drawPath(drawing_path(drawing, QRectF(0, 0, size, size)))
    painter.end()
    return pixmap


class DrawingView(QWidget):
    """Shows a drawing. With `animate`, new drawings appear point by point, in the model's hand."""

    clicked = Signal()
    ctrlClicked = Signal()  # a Ctrl-click: add to or take out of a selection

    def __init__(self, parent: QWidget | None = None, animate: bool = False, caption: str = ""):
        super().__init__(parent)
        self.drawing: Drawing | None = None
        self.caption = caption
        self.animate = animate
        self.ink = QColor(20, 20, 20)
        self.frame = QColor(215, 215, 215)
        self.selected = False
        self._shown_points = 0
        self._timer = QTimer(self)
        self._timer.setInterval(16)
        self._timer.timeout.connect(self._advance)
        self._cached_path: tuple[tuple[int, int, int], QPainterPath] | None = None
        self.setMinimumSize(48, 48)
        # paintEvent covers every pixel, so Qt need not paint the parents underneath first
        # (that more than tripled the cost of a frame of the reconstruction's animation)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_drawing(self, drawing: Drawing | None, caption: str | None = None) -> None:
        if not self.animate and drawing is self.drawing and caption in (None, self.caption):
            return  # the same face again (a neighbour that stayed a neighbour): no repaint
        self.drawing = drawing
        if caption is not None:
            self.caption = caption
            self.setToolTip(caption)
        self._cached_path = None
        total = drawing.num_points if drawing is not None else 0
        if self.animate and total > 1:
            self._shown_points = 1
            self._step = self._points_per_frame(total)
            self._timer.start()
        else:
            self._shown_points = total
            self._timer.stop()
        self.update()

    def extend_drawing(self, drawing: Drawing) -> None:
        """The whole of a reconstruction the decoder was still drawing (the nearest of its
        tries, whose first few points may differ from the first try's shown so far): the
        animation goes on from where it is instead of starting again."""
        if not self.animate or self.drawing is None:
            self.set_drawing(drawing)
            return
        self.drawing = drawing
        self._cached_path = None
        self._step = self._points_per_frame(drawing.num_points)
        if self._shown_points < drawing.num_points and not self._timer.isActive():
            self._timer.start()
        self.update()

    @staticmethod
    def _points_per_frame(total: int) -> int:
        """So that `total` points take ANIMATION_MS at one frame per 16 ms."""
        return max(1, total // (ANIMATION_MS // 16))

    def _advance(self) -> None:
        if self.drawing is None:
            self._timer.stop()
            return
        self._shown_points = min(self.drawing.num_points, self._shown_points + self._step)
        if self._shown_points >= self.drawing.num_points:
            self._timer.stop()
        self.update()

    def _visible(self) -> Drawing | None:
        if self.drawing is None or self._shown_points >= self.drawing.num_points:
            return self.drawing
        strokes, left = [], self._shown_points
        for s in self.drawing.strokes:
            if left <= 0:
                break
            strokes.append(s[:left])
            left -= len(s)
        return Drawing(strokes)

    def set_selected(self, selected: bool) -> None:
        """A selected face wears a thick blue frame."""
        if selected != self.selected:
            self.selected = selected
            self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.button() == Qt.MouseButton.LeftButton:
            self.ctrlClicked.emit()
        else:
            self.clicked.emit()
        super().mousePressEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().window())
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.fillRect(rect, Qt.GlobalColor.white)
        if self.selected:
            painter.setPen(QPen(QColor(40, 90, 200), 3))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        else:
            painter.setPen(QPen(self.frame, 1))
            painter.drawRect(rect)
        text_h = 16 if self.caption else 0
        area = rect.adjusted(0, 0, 0, -text_h)
        visible = self._visible()
        if visible is not None and not visible.is_empty:  # an untrained model can decode nothing
            key = (self._shown_points, int(area.width()), int(area.height()))
            if self._cached_path is None or self._cached_path[0] != key:
                self._cached_path = (
                    key,
                    drawing_path(
                        visible,
                        area,
                        margin=max(4.0, area.width() / 14),
                        bounds=self.drawing.bbox(),
                    ),
                )
            width = 2.0 if area.width() < 200 else 3.0
            painter.setPen(
                QPen(
                    self.ink,
                    width,
                    Qt.PenStyle.SolidLine,
                    Qt.PenCapStyle.RoundCap,
                    Qt.PenJoinStyle.RoundJoin,
                )
            )
            painter.drawPath(self._cached_path[1])
        if self.caption:
            painter.setPen(QColor(90, 90, 90))
            painter.drawText(
                rect.adjusted(4, 0, -4, -2),
                Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignHCenter,
                self.caption,
            )
        painter.end()
