"""The latent map: every dataset face a point coloured by its cluster, the drawing in progress
as a marker with a short trail, and a cursor the person drags to generate faces.

One scatter item per cluster with one shared brush each (70k distinct brushes take seconds).
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QWidget

from core.latent import LatentIndex
from core.palette import cluster_colour
from core.session import Session
from core.strokes import Drawing
from desktop.drawing_view import DrawingView

TRAIL = 12


class LatentMap(pg.PlotWidget):
    cursorMoved = Signal(float, float)  # while the person drags the cursor
    pointClicked = Signal(int)  # a dataset drawing, by index
    clusterMenuRequested = Signal(int, QPointF)  # right-click: the cluster under the mouse

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, background="w")
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
        if event.button() == Qt.MouseButton.RightButton:
            cluster = self.cluster_at(self.mapToScene(event.position().toPoint()))
            if cluster is not None:
                self.clusterMenuRequested.emit(cluster, event.globalPosition())
                return
        super().mousePressEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802
        self.hover.hide()
        super().leaveEvent(event)
