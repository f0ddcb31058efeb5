"""Interpolation: pick two ends, see the strip of faces between them, scrub with a slider."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.drawings.strokes import Drawing
from core.session.state import End, Session
from desktop.drawing_view import DrawingView
from desktop.end_choice import fill_end_combo
from desktop.face_grid import FaceGrid

MAX_STEPS = 12


class InterpolationPanel(QWidget):
    interpolateRequested = Signal(object, object, int)  # End A, End B, steps

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.end_a = QComboBox()
        self.end_a.setObjectName("interpolationEndA")
        self.end_b = QComboBox()
        self.end_b.setObjectName("interpolationEndB")
        self.steps = QSpinBox()
        self.steps.setRange(3, MAX_STEPS)
        self.steps.setValue(8)
        self.go = QPushButton("Interpolate")
        self.go.setObjectName("interpolateButton")
        self.go.clicked.connect(self._request)
        self.strip = FaceGrid(columns=MAX_STEPS, cells=MAX_STEPS, cell_size=64)
        self.strip.setObjectName("interpolationStrip")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("interpolationSlider")
        self.slider.setAccessibleName("Scrub through the interpolation")
        self.slider.valueChanged.connect(self._scrub)
        self.focus = DrawingView(caption="")
        self.focus.setMinimumSize(140, 140)
        row = QHBoxLayout()
        for w in (
            QLabel("from"),
            self.end_a,
            QLabel("to"),
            self.end_b,
            QLabel("steps"),
            self.steps,
            self.go,
        ):
            row.addWidget(w)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.strip)
        bottom = QHBoxLayout()
        bottom.addWidget(self.slider, 1)
        bottom.addWidget(self.focus)
        layout.addLayout(bottom)
        self._faces: list[Drawing] = []

    def bind(self, session: Session) -> None:
        session.ends_changed.connect(self.set_ends)
        session.strip_changed.connect(self.show_strip)

    def set_ends(self, ends: list[End]) -> None:
        """Offer these ends (the session knows how to turn each into a thought vector)."""
        fill_end_combo(self.end_a, ends, 0)
        fill_end_combo(self.end_b, ends, 1)

    def _request(self) -> None:
        a, b = self.end_a.currentData(), self.end_b.currentData()
        if a is not None and b is not None:
            self.interpolateRequested.emit(a, b, self.steps.value())

    def show_strip(self, faces: list[Drawing]) -> None:
        self._faces = faces
        self.strip.set_faces(faces, [f"{i / (len(faces) - 1):.2f}" for i in range(len(faces))])
        self.slider.setRange(0, len(faces) - 1)
        self.slider.setValue(0)
        self._scrub(0)

    def _scrub(self, i: int) -> None:
        if 0 <= i < len(self._faces):
            self.focus.set_drawing(self._faces[i], f"t = {i / max(1, len(self._faces) - 1):.2f}")
