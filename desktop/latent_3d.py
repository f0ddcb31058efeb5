"""The latent space in 3-D (pyqtgraph's OpenGL widgets): every dataset face as a point coloured
by its cluster, the drawing's live marker, rotate with a drag, zoom with the wheel, click a
point to see its face. Where no OpenGL can be had (an offscreen or remote display, no
PyOpenGL) it says so in its place and everything else goes on."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.latent.palette import cluster_colour
from core.latent.space3d import Space3D
from core.session.state import Session

PICK_PIXELS = 10  # a click this close to a point picks it
CLICK_PIXELS = 4  # a press and release further apart than this was a rotation


def opengl_problem() -> str | None:
    """Why the 3-D view cannot be shown here, or None when it can."""
    platform = QGuiApplication.platformName()
    if platform in ("offscreen", "minimal", "vnc"):
        return f"the '{platform}' display has no OpenGL"
    try:
        import OpenGL.GL  # noqa: F401 - PyOpenGL, which pyqtgraph.opengl draws with
        import pyqtgraph.opengl  # noqa: F401
    except Exception as exc:  # an import error, or a GL library that would not load
        return f"PyOpenGL could not be loaded ({exc})"
    from PySide6.QtGui import QOffscreenSurface, QOpenGLContext

    context, surface = QOpenGLContext(), QOffscreenSurface()
    surface.create()
    if not context.create() or not context.makeCurrent(surface):
        return "no OpenGL context could be made on this display"
    context.doneCurrent()
    return None


class Latent3D(QWidget):
    pointClicked = Signal(int)  # a dataset face, by position

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("latent3d")
        self.space: Space3D | None = None
        self.places = np.zeros((0, 3), np.float32)
        self.view = None
        self.problem: str | None = None
        self._index = None
        self._marker_z: np.ndarray | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Built when first shown: OpenGL and PyOpenGL load only for a person who looks."""
        super().showEvent(event)
        if self.view is None and self.problem is None:
            self._build()

    def _build(self) -> None:
        self.problem = opengl_problem()
        if self.problem is not None:
            note = QLabel(
                f"The 3-D view needs OpenGL, and {self.problem}.\n\n"
                "The 2-D map and everything else work as usual."
            )
            note.setObjectName("latent3dUnavailable")
            note.setAlignment(Qt.AlignmentFlag.AlignCenter)
            note.setWordWrap(True)
            self._layout.addWidget(note)
            return
        import pyqtgraph.opengl as gl

        self.view = _PickingView(self._picked)
        self.view.setObjectName("latent3dView")
        self.view.setBackgroundColor("w")
        self.view.setCameraPosition(distance=3.2, elevation=20, azimuth=40)
        self.points = gl.GLScatterPlotItem(pxMode=True, size=5)
        self.points.setGLOptions("translucent")
        self.marker = gl.GLScatterPlotItem(pxMode=True, size=16, color=(0.86, 0.16, 0.16, 1.0))
        self.marker.setGLOptions("translucent")
        self.view.addItem(self.points)
        self.view.addItem(self.marker)
        self._layout.addWidget(self.view)
        if self._index is not None:
            self.set_index(self._index)

    def bind(self, session: Session) -> None:
        session.workspace_changed.connect(lambda ws, _: self.set_index(ws.index))
        session.analysis_started.connect(lambda analysis: self.set_marker(analysis.z))
        session.drawing_cleared.connect(self.clear_marker)

    def set_index(self, index) -> None:
        """Lay the dataset out; the PCA waits until the view is built (first shown), so a
        person who never opens the tab never pays for it on loading a dataset."""
        self._index = index
        if self.view is None:
            return
        self.space = Space3D.fit(index.mu)
        self.places = self.space.place(index.mu)
        colours = np.array([cluster_colour(c) for c in range(index.k)], np.float32) / 255.0
        rgba = np.hstack([colours[index.labels], np.full((len(index.labels), 1), 0.75, np.float32)])
        self.points.setData(pos=self.places, color=rgba)
        if self._marker_z is None:
            self.clear_marker()
        else:
            self.set_marker(self._marker_z)

    def set_marker(self, z: np.ndarray) -> None:
        self._marker_z = z
        if self.view is not None and self.space is not None:
            self.marker.setData(pos=self.space.place(z))

    def clear_marker(self) -> None:
        self._marker_z = None
        if self.view is not None:
            self.marker.setData(pos=np.zeros((0, 3), np.float32))

    def screen_positions(self) -> np.ndarray:
        """Where every point is drawn, in the view's pixels (x right, y down)."""
        return self.view.to_screen(self.places) if self.view is not None else self.places[:, :2]

    def _picked(self, x: float, y: float) -> None:
        if len(self.places) == 0:
            return
        distance = np.hypot(*(self.screen_positions() - (x, y)).T)
        nearest = int(np.argmin(distance))
        if distance[nearest] <= PICK_PIXELS:
            self.pointClicked.emit(nearest)


def _view_class():
    import pyqtgraph.opengl as gl

    class PickingView(gl.GLViewWidget):
        """A GLViewWidget that tells a click (pressed and released in place) from a rotation."""

        def __init__(self, picked):
            super().__init__()
            self._picked, self._pressed_at = picked, None

        def mousePressEvent(self, ev) -> None:  # noqa: N802 - Qt's name
            self._pressed_at = ev.position()
            super().mousePressEvent(ev)

        def mouseReleaseEvent(self, ev) -> None:  # noqa: N802 - Qt's name
            at = ev.position()
            if self._pressed_at is not None and ev.button() == Qt.MouseButton.LeftButton:
                moved = at - self._pressed_at
                if abs(moved.x()) + abs(moved.y()) <= CLICK_PIXELS:
                    self._picked(at.x(), at.y())
            self._pressed_at = None
            super().mouseReleaseEvent(ev)

        def to_screen(self, places: np.ndarray) -> np.ndarray:
            viewport = (0, 0, self.width(), self.height())
            mvp = self.projectionMatrix(viewport, viewport) * self.viewMatrix()
            m = np.array(mvp.data(), np.float64).reshape(4, 4).T  # Qt keeps it column-major
            clip = np.hstack([places, np.ones((len(places), 1))]) @ m.T
            ndc = clip[:, :3] / clip[:, 3:4]
            return np.column_stack(
                [(ndc[:, 0] + 1) / 2 * self.width(), (1 - ndc[:, 1]) / 2 * self.height()]
            )

    return PickingView


def _PickingView(picked):  # noqa: N802 - reads as the class it builds
    """The picking view, built on first use: pyqtgraph.opengl loads PyOpenGL when imported."""
    return _view_class()(picked)
