"""The latent map: every dataset face a point coloured by its cluster, the drawing in progress
as a marker with a short trail, and a cursor the person drags to generate faces.

Up to DENSITY_FROM faces: one scatter item per cluster with one shared brush each (70k
distinct brushes take seconds). From there on: one density image (core.latent.density), redrawn for
the visible range when the view moves, and a click finds the nearest face itself. Hover, at
any size, shows the face nearest the mouse (within PICK_PIXELS).
The legend sits beside the map, never over it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QLabel, QWidget

from core.drawings.strokes import Drawing
from core.latent.density import density_rgba
from core.latent.index import LatentIndex
from core.latent.palette import cluster_colour
from core.session.state import Session
from desktop.drawing_view import DrawingView

TRAIL = 12
LEGEND_WIDTH = 110  # pixels kept free right of the map for the legend
DENSITY_FROM = 20_000  # faces; below this every face is its own dot
PICK_PIXELS = 6  # how near the mouse a face must be for hover and click to take it
HINT = (
    "Click or drag anywhere on the map to generate the face there; click a point to see that "
    "face. Ctrl-drag a box to average the faces in it. Shift-drag or middle-drag pans, the "
    "wheel zooms; right-click a cluster for more."
)


class MapViewBox(pg.ViewBox):
    """A hand on the map: a plain left click or drag walks (the cross follows the mouse from
    wherever the press was, so the first drag never pans by surprise), Ctrl-drag draws a box to
    select faces, Shift-drag or the middle button pans, the wheel zooms."""

    walked = Signal(float, float)  # where the person dragged, in map coordinates
    clicked = Signal(float, float)  # a plain left click, in map coordinates
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
            self.clicked.emit(p.x(), p.y())
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
        self.view_box.clicked.connect(self._map_clicked)
        self.view_box.boxSelected.connect(self._box_selected)
        self.setObjectName("latentMap")
        self.setAccessibleName("Latent map")
        self.setAccessibleDescription(
            "Every dataset face as a point coloured by cluster; drag the cross to generate faces"
        )
        self.index: LatentIndex | None = None
        self.drawings: Sequence[Drawing] = []
        self.scatters: list[pg.ScatterPlotItem] = []
        self.plotItem.hideAxis("left")
        self.plotItem.hideAxis("bottom")
        self.plotItem.setMenuEnabled(False)
        # the legend: a plain rich-text label over a column the plot keeps free beside the map
        # (pyqtgraph's LegendItem lays out each entry's text item: ~40 ms for 8 clusters)
        self.legend_slot = pg.GraphicsWidget()
        self.legend_slot.setMinimumWidth(LEGEND_WIDTH)
        self.legend_slot.setMaximumWidth(LEGEND_WIDTH)
        self.plotItem.layout.addItem(self.legend_slot, 2, 3)
        self.legend = QLabel(self)
        self.legend.setObjectName("mapLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.legend.setStyleSheet("background: transparent; color: rgb(40, 40, 40)")
        self.legend_slot.geometryChanged.connect(self._place_legend)
        self.density = pg.ImageItem()
        self.density.setZValue(-10)
        self.addItem(self.density)
        self.density_mode = False
        self._redraw = QTimer(self, singleShot=True, interval=60)  # once the view settles
        self._redraw.timeout.connect(self._draw_density)
        self.view_box.sigRangeChanged.connect(self._range_changed)
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
        # a white rim under the cross, so it reads on the darkest cluster too
        self.halo = pg.TargetItem(pos=(0, 0), size=18, pen=pg.mkPen("w", width=5), movable=False)
        self.halo.setZValue(19)
        self.cursor.sigPositionChanged.connect(lambda: self.halo.setPos(self.cursor.pos()))
        self.marker.setZValue(15)
        self.trail.setZValue(14)
        for item in (self.trail, self.marker, self.halo, self.cursor):
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

    def set_index(self, index: LatentIndex, drawings: Sequence[Drawing]) -> None:
        self.index, self.drawings = index, drawings
        for s in self.scatters:
            self.removeItem(s)
        self.scatters = []
        sizes = index.cluster_sizes()
        # a first look at a big file is drawn as the whole will be: no 5,000 dots to lay out
        # (~40 ms on the GUI thread) only to be replaced by the density image a minute later
        eventual = max(len(index), int(index.meta.get("preview_of") or 0))
        self.density_mode = eventual >= DENSITY_FROM
        self.density.setVisible(self.density_mode)
        if not self.density_mode:
            self._show_points(index)
        rows = "".join(
            f'<tr><td style="color: rgb{cluster_colour(c)}">&#9632;</td>'
            f"<td>&nbsp;{c} ({sizes[c]:,})</td></tr>"
            for c in range(index.k)
        )
        self.legend.setText(f"<table cellspacing=2>{rows}</table>")
        self._place_legend()
        centre = index.map_xy.mean(0)
        self.cursor.setPos(float(centre[0]), float(centre[1]))
        self.trail_xy.clear()
        self.trail.setData([], [])
        self.marker.setData([], [])
        self.plotItem.autoRange(items=[self.density] if self.density_mode else self.scatters)
        if self.density_mode:
            self._fit_to_data(index)

    def _place_legend(self) -> None:
        slot = self.mapFromScene(self.legend_slot.sceneBoundingRect()).boundingRect()
        self.legend.setGeometry(slot.adjusted(4, 4, 0, 0))

    def _show_points(self, index: LatentIndex) -> None:
        """Every face a dot in its cluster's colour, all in one item, cluster after cluster:
        one item has one bounding box for Qt to ask pyqtgraph about (eight asked 17 times a
        frame, each in Python), and it is painted from a pixmap until the view changes, so a
        pen-up's frame does not run pyqtgraph's paint while the decoder holds the GIL."""
        point_size = 7 if len(index) < 2000 else 4
        order = np.concatenate([index.members(c) for c in range(index.k)])
        brushes = [pg.mkBrush(*cluster_colour(c), 170) for c in range(index.k)]
        scatter = pg.ScatterPlotItem(
            x=index.map_xy[order, 0],
            y=index.map_xy[order, 1],
            data=order,
            size=point_size,
            pen=None,
            brush=[brushes[c] for c in index.labels[order]],
        )
        scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        scatter.sigClicked.connect(self._clicked)
        self.addItem(scatter)
        self.scatters.append(scatter)

    def _fit_to_data(self, index: LatentIndex) -> None:
        """Frame the faces (a few far outliers do not shrink everyone else to a dot). The
        corners are read off every n-th face of a big map (20,000 of them place a 0.2%
        percentile well; all 160,000 took 14 ms of the frame the map appears in)."""
        xy = index.map_xy[:: max(1, len(index.map_xy) // 20_000)]
        lo = np.percentile(xy, 0.2, axis=0).astype(float)
        hi = np.percentile(xy, 99.8, axis=0).astype(float)
        pad = (hi - lo) * 0.05
        self.view_box.setRange(
            xRange=(float(lo[0] - pad[0]), float(hi[0] + pad[0])),
            yRange=(float(lo[1] - pad[1]), float(hi[1] + pad[1])),
            padding=0,
        )
        # in an event of its own: with the rest of a new map's set-up in one it froze the
        # window 70 ms (the budget is 50)
        QTimer.singleShot(0, self, self._draw_density)

    def _range_changed(self, *args) -> None:
        if self.density_mode:
            self._redraw.start()

    def _draw_density(self) -> None:
        """The density image of the visible range at about the widget's pixel size."""
        self._redraw.stop()  # drawn now: a redraw the range change asked for is not needed
        if self.index is None or not self.density_mode:
            return
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        width = max(64, min(1024, self.view_box.width() // 2))
        height = max(64, min(1024, self.view_box.height() // 2))
        rect = (x0, y0, x1 - x0, y1 - y0)
        image = density_rgba(
            self.index.map_xy, self.index.labels, self.index.k, rect, (int(width), int(height))
        )
        self.density.setImage(image, autoLevels=False, levels=(0, 255))
        self.density.setRect(QRectF(*rect))

    def face_near(self, x: float, y: float) -> int | None:
        """The dataset face within PICK_PIXELS of a map position, if any."""
        if self.index is None or not len(self.index):
            return None
        i = self.index.nearest_on_map((x, y))
        px, py = self.view_box.viewPixelSize()
        dx = (self.index.map_xy[i, 0] - x) / max(px, 1e-12)
        dy = (self.index.map_xy[i, 1] - y) / max(py, 1e-12)
        return i if dx * dx + dy * dy <= PICK_PIXELS**2 else None

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

    def _map_clicked(self, x: float, y: float) -> None:
        """A click on a face shows that face (as clicking its dot does); elsewhere it walks."""
        i = self.face_near(x, y) if self.density_mode else None
        if i is not None:
            self.pointClicked.emit(i)
        else:
            self.move_cursor(x, y)

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

    def _show_hover(self, i: int) -> None:
        if not len(self.drawings) or self.index is None:
            return
        self.hover.set_drawing(self.drawings[i], caption=f"cluster {self.index.labels[i]}")
        xy = self.index.map_xy[i]
        pos = self.mapFromScene(self.plotItem.vb.mapViewToScene(QPointF(*map(float, xy))))
        x = min(max(0, pos.x() + 12), self.width() - self.hover.width())
        y = min(max(0, pos.y() + 12), self.height() - self.hover.height())
        self.hover.move(int(x), int(y))
        self.hover.show()
        self.hover.raise_()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().mouseMoveEvent(event)
        if not event.buttons():
            p = self.view_box.mapSceneToView(self.mapToScene(event.position().toPoint()))
            i = self.face_near(p.x(), p.y())
            if i is None:
                self.hover.hide()
            else:
                self._show_hover(i)

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
