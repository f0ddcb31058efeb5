"""The latent map: every dataset face a point coloured by its cluster, the drawing in progress
as a marker with a short trail, and a cursor the person drags to generate faces.

One scatter item per cluster with one shared brush each (70k distinct brushes take seconds).
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsRectItem, QWidget

from core.latent import LatentIndex
from core.palette import cluster_colour
from core.session import Session
from core.strokes import Drawing
from desktop.drawing_view import DrawingView

TRAIL = 12
HINT = (
    "Click or drag anywhere on the map to generate the face there; click a point to see that "
    "face. Ctrl-drag a box to average the faces in it. Shift-drag or middle-drag pans, the "
    "wheel zooms; right-click a cluster for more."
)


class MapViewBox(pg.ViewBox):
    """A hand on the map: a plain left click or drag walks (the cross follows the mouse from
    wherever the press was, so the first drag never pans by surprise), Ctrl-drag draws a box to
    select faces, Shift-drag or the middle button pans, the wheel zooms."""

    walked = Signal(float, float)  # where the person clicked or dragged, in map coordinates
    boxSelected = Signal(float, float, float, float)  # x0, y0, x1, y1 in map coordinates

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.box = QGraphicsRectItem()
        self.box.setPen(pg.mkPen((40, 90, 200), width=1, style=Qt.PenStyle.DashLine))
        self.box.setBrush(pg.mkBrush(40, 90, 200, 30))
        self.box.hide()
        self.addItem(self.box, ignoreBounds=True)
        self.pressed_modifiers = Qt.KeyboardModifier.NoModifier  # set by the map on each press
        self.drag_mode = "walk"

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph's name
        if ev.button() == Qt.MouseButton.LeftButton and not ev.modifiers():
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            self.walked.emit(p.x(), p.y())
            return
        super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 - pyqtgraph's name
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        if ev.isStart():  # what a drag does is decided when it starts, by the keys held then
            held = ev.modifiers() | self.pressed_modifiers
            self.drag_mode = (
                "select"
                if held & Qt.KeyboardModifier.ControlModifier
                else "pan"
                if held & Qt.KeyboardModifier.ShiftModifier
                else "walk"
            )
        if self.drag_mode == "select":
            a = self.mapSceneToView(ev.buttonDownScenePos())
            b = self.mapSceneToView(ev.scenePos())
            rect = QRectF(a, b).normalized()
            self.box.setRect(rect)
            self.box.setVisible(not ev.isFinish())
            if ev.isFinish():
                self.boxSelected.emit(rect.left(), rect.top(), rect.right(), rect.bottom())
        elif self.drag_mode == "pan":
            was, now = self.mapToView(ev.lastPos()), self.mapToView(ev.pos())
            self.translateBy(x=was.x() - now.x(), y=was.y() - now.y())
        else:
            p = self.mapSceneToView(ev.scenePos())
            self.walked.emit(p.x(), p.y())


class LatentMap(pg.PlotWidget):
    cursorMoved = Signal(float, float)  # while the person drags the cursor
    pointClicked = Signal(int)  # a dataset drawing, by index
    clusterMenuRequested = Signal(int, QPointF)  # right-click: the cluster under the mouse
    selected = Signal(object)  # dataset positions inside a Ctrl-dragged box

    def __init__(self, parent: QWidget | None = None):
        self.view_box = MapViewBox()
        super().__init__(parent, background="w", viewBox=self.view_box)
        self.view_box.walked.connect(self.move_cursor)
        self.view_box.boxSelected.connect(self._box_selected)
        self.setObjectName("latentMap")
        self.setAccessibleName("Latent map")
        self.setAccessibleDescription(
            "Every dataset face as a point coloured by cluster; drag the cross to generate faces"
        )
        self.index: LatentIndex | None = None
        self.drawings: list[Drawing] = []
        self.scatters: list[pg.ScatterPlotItem] = []
        self.plotItem.hideAxis("left")
        self.plotItem.hideAxis("bottom")
        self.plotItem.setMenuEnabled(False)
        self.legend = self.plotItem.addLegend(offset=(8, 8), labelTextColor=(40, 40, 40))
        self.trail_xy: deque[tuple[float, float]] = deque(maxlen=TRAIL)
        self.trail = pg.PlotDataItem(pen=pg.mkPen((220, 40, 40, 140), width=2))
        self.marker = pg.ScatterPlotItem(
            size=16, brush=pg.mkBrush(220, 40, 40), pen=pg.mkPen("w", width=2), symbol="star"
        )
        self.cursor = pg.TargetItem(
            pos=(0, 0),
            size=18,
            pen=pg.mkPen((30, 30, 30), width=2),
            movable=True,
            label="drag me",
            labelOpts={"color": (60, 60, 60), "offset": (12, -12)},
        )
        self.cursor.setObjectName("mapCursor")
        self.cursor.setZValue(20)
        self.marker.setZValue(15)
        self.trail.setZValue(14)
        for item in (self.trail, self.marker, self.cursor):
            self.addItem(item)
        self.cursor.sigPositionChanged.connect(self._cursor_moved)
        self.hover = DrawingView(self)
        self.hover.setFixedSize(110, 110)
        self.hover.hide()

    # ------------------------------------------------------------------ data
    def bind(self, session: Session) -> None:
        session.workspace_changed.connect(lambda ws, _: self.set_index(ws.index, ws.drawings))
        session.analysis_started.connect(lambda analysis: self.set_marker(analysis.map_xy))
        session.drawing_cleared.connect(self.clear_marker)

    def set_index(self, index: LatentIndex, drawings: list[Drawing]) -> None:
        self.index, self.drawings = index, drawings
        for s in self.scatters:
            self.removeItem(s)
        self.legend.clear()
        self.scatters = []
        sizes = index.cluster_sizes()
        point_size = 7 if len(index) < 2000 else (4 if len(index) < 20000 else 3)
        for c in range(index.k):
            members = index.members(c)
            r, g, b = cluster_colour(c)
            scatter = pg.ScatterPlotItem(
                x=index.map_xy[members, 0],
                y=index.map_xy[members, 1],
                data=members,
                size=point_size,
                pen=None,
                brush=pg.mkBrush(r, g, b, 170),
                hoverable=True,
                name=f"cluster {c} ({sizes[c]})",
            )
            scatter.sigClicked.connect(self._clicked)
            scatter.sigHovered.connect(self._hovered)
            self.addItem(scatter)
            self.scatters.append(scatter)
        centre = index.map_xy.mean(0)
        self.cursor.setPos(float(centre[0]), float(centre[1]))
        self.trail_xy.clear()
        self.trail.setData([], [])
        self.marker.setData([], [])
        self.plotItem.autoRange()

    def set_marker(self, xy: np.ndarray) -> None:
        """The drawing in progress: a star where it is now, a fading line where it was."""
        self.trail_xy.append((float(xy[0]), float(xy[1])))
        pts = np.array(self.trail_xy)
        self.trail.setData(pts[:, 0], pts[:, 1])
        self.marker.setData([pts[-1, 0]], [pts[-1, 1]])

    def clear_marker(self) -> None:
        self.trail_xy.clear()
        self.trail.setData([], [])
        self.marker.setData([], [])

    def cluster_at(self, scene_pos: QPointF) -> int | None:
        if self.index is None:
            return None
        p = self.plotItem.vb.mapSceneToView(scene_pos)
        return int(self.index.labels[self.index.nearest_on_map((p.x(), p.y()))])

    # ------------------------------------------------------------------ interaction
    def _cursor_moved(self) -> None:
        pos = self.cursor.pos()
        self.cursorMoved.emit(float(pos.x()), float(pos.y()))

    def move_cursor(self, x: float, y: float) -> None:
        """As if the person dragged the cursor there (scripts and tests use this)."""
        self.cursor.setPos(x, y)

    def _box_selected(self, x0: float, y0: float, x1: float, y1: float) -> None:
        if self.index is None:
            return
        xy = self.index.map_xy
        inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
        self.selected.emit(np.flatnonzero(inside))

    def _clicked(self, scatter, points, event=None) -> None:
        if len(points):
            self.pointClicked.emit(int(points[0].data()))

    def _hovered(self, scatter, points, event=None) -> None:
        if not len(points) or not self.drawings:
            self.hover.hide()
            return
        i = int(points[0].data())
        self.hover.set_drawing(self.drawings[i], caption=f"cluster {self.index.labels[i]}")
        pos = self.mapFromScene(self.plotItem.vb.mapViewToScene(points[0].pos()))
        x = min(max(0, pos.x() + 12), self.width() - self.hover.width())
        y = min(max(0, pos.y() + 12), self.height() - self.hover.height())
        self.hover.move(int(x), int(y))
        self.hover.show()
        self.hover.raise_()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.view_box.pressed_modifiers = event.modifiers()
        if event.button() == Qt.MouseButton.RightButton:
            cluster = self.cluster_at(self.mapToScene(event.position().toPoint()))
            if cluster is not None:
                self.clusterMenuRequested.emit(cluster, event.globalPosition())
                return
        super().mousePressEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802
        self.hover.hide()
        super().leaveEvent(event)
