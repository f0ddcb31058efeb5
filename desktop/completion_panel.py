"""Finish my face: several different endings of the half-drawn face on the canvas."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.drawings.strokes import Drawing
from core.session.state import Session
from desktop.face_grid import FaceGrid

ENDINGS = 6


class CompletionPanel(QWidget):
    completionRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.button = QPushButton("Finish my face")
        self.button.setObjectName("finishFaceButton")
        self.button.clicked.connect(lambda: self.completionRequested.emit(ENDINGS))
        self.grid = FaceGrid(columns=ENDINGS, cells=ENDINGS, cell_size=96)
        self.grid.setObjectName("completionsGrid")
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addWidget(QLabel("Draw part of a face (a head, an eye), then ask for endings."))
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.grid)

    def bind(self, session: Session) -> None:
        session.endings_changed.connect(self.show_endings)

    def show_endings(self, faces: list[Drawing]) -> None:
        self.grid.set_faces(faces, [f"ending {i + 1}" for i in range(len(faces))])
