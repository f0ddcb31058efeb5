"""Walking the map: the face under the cursor, and a dataset face the person clicked with the
model's reconstruction of it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from core.drawings.strokes import Drawing
from core.session.state import Session
from desktop.drawing_view import DrawingView
from desktop.face_grid import offer_keep_menu
from desktop.latent_map import HINT


class WalkPanel(QWidget):
    keepRequested = Signal(object, object)  # a face, a KeepAction (right-click on any face)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.cursor_face = DrawingView(caption="face under the cursor")
        self.cursor_face.setObjectName("walkFace")
        self.clicked_face = DrawingView(caption="dataset face")
        self.clicked_face.setObjectName("clickedFace")
        self.clicked_reconstruction = DrawingView(animate=True, caption="its reconstruction")
        self.clicked_reconstruction.setObjectName("clickedReconstruction")
        for view in (self.cursor_face, self.clicked_face, self.clicked_reconstruction):
            offer_keep_menu(view, self.keepRequested.emit)
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        layout = QGridLayout(self)
        layout.addWidget(self.cursor_face, 0, 0, 2, 1)
        layout.addWidget(self.clicked_face, 0, 1)
        layout.addWidget(self.clicked_reconstruction, 0, 2)
        layout.addWidget(self.hint, 1, 1, 1, 2)
        layout.setColumnStretch(0, 2)
        layout.setColumnStretch(1, 1)
        layout.setColumnStretch(2, 1)

    def bind(self, session: Session) -> None:
        session.walked.connect(self.show_cursor_face)
        session.face_selected.connect(self.show_clicked)
        session.face_reconstructed.connect(self.show_clicked_reconstruction)
        session.workspace_changed.connect(self._forget_clicked)

    def _forget_clicked(self, workspace, notices) -> None:  # noqa: ARG002 - the event's shape
        """Another dataset: the clicked face belonged to the old one."""
        self.clicked_face.set_drawing(None, "dataset face")
        self.clicked_reconstruction.set_drawing(None, "its reconstruction")

    def show_cursor_face(self, face: Drawing) -> None:
        self.cursor_face.set_drawing(face)

    def show_clicked(self, original: Drawing, caption: str) -> None:
        self.clicked_face.set_drawing(original, caption)
        self.clicked_reconstruction.set_drawing(None, "its reconstruction")

    def show_clicked_reconstruction(self, face: Drawing) -> None:
        self.clicked_reconstruction.set_drawing(face)
