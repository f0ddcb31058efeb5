"""Face arithmetic: A - B + C on thought vectors (my face, minus the frowning cluster's centre,
plus the smiling one's), with a strength, decoded live as the slider moves."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from core.base import limits
from core.drawings.strokes import Drawing
from core.session.state import End, Session
from desktop.drawing_view import DrawingView
from desktop.end_choice import fill_end_combo
from desktop.face_grid import offer_keep_menu

# in hundredths: the range the command line and core accept (core.base.limits.STRENGTH)
STRENGTH_RANGE = (round(limits.STRENGTH.low * 100), round(limits.STRENGTH.high * 100))


class ArithmeticPanel(QWidget):
    arithmeticRequested = Signal(object, object, object, float)  # A, B, C (Ends), strength
    keepRequested = Signal(object, object)  # a face, a KeepAction

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.ends: dict[str, QComboBox] = {}
        grid = QGridLayout()
        for row, (name, text) in enumerate(
            (("a", "A (start from)"), ("b", "minus B"), ("c", "plus C"))
        ):
            combo = QComboBox()
            combo.setObjectName(f"arithmetic_{name}")
            combo.currentIndexChanged.connect(self.request)
            grid.addWidget(QLabel(text), row, 0)
            grid.addWidget(combo, row, 1)
            self.ends[name] = combo
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("arithmeticStrength")
        self.slider.setAccessibleName("Strength of C minus B")
        self.slider.setRange(*STRENGTH_RANGE)
        self.slider.setValue(100)
        self.slider.valueChanged.connect(self.request)
        self.value = QLabel()
        strength = QHBoxLayout()
        strength.addWidget(self.slider, 1)
        strength.addWidget(self.value)
        grid.addWidget(QLabel("strength"), 3, 0)
        grid.addLayout(strength, 3, 1)
        self.status = QLabel("")
        self.status.setObjectName("arithmeticStatus")
        self.status.setWordWrap(True)
        grid.addWidget(self.status, 4, 0, 1, 2)
        self.result = DrawingView(caption="A + strength \u00d7 (C \u2212 B)")
        self.result.setObjectName("arithmeticResult")
        self.result.setMinimumSize(170, 170)
        offer_keep_menu(self.result, self.keepRequested.emit)
        left = QVBoxLayout()
        left.addLayout(grid)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.result, 1)
        self._show_strength()

    def bind(self, session: Session) -> None:
        session.ends_changed.connect(self.set_ends)
        session.arithmetic_changed.connect(self.show_result)
        # the drawing is an end: a new stroke's answer changes the result (when the tab shows)
        session.analysis_finished.connect(lambda analysis: self.request())

    def strength(self) -> float:
        return self.slider.value() / 100.0

    def set_ends(self, ends: list[End]) -> None:
        """Offer these ends; by default my drawing, minus one cluster's centre, plus another's."""
        centres = [i for i, e in enumerate(ends) if e.kind == "centre"]
        first = centres[0] if centres else 1
        for name, default in (("a", 0), ("b", first), ("c", first + 1)):
            fill_end_combo(self.ends[name], ends, default)
        self.request()  # another dataset: its centres are other vectors

    def request(self) -> None:
        """Ask for the result of what is chosen now (newest wins, so a dragged slider is live)."""
        self._show_strength()
        chosen = [self.ends[n].currentData() for n in "abc"]
        if self.isVisible() and all(e is not None for e in chosen):
            self.arithmeticRequested.emit(*chosen, self.strength())

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.request()

    def show_problem(self, message: str) -> None:
        self.status.setText(message)

    def show_result(self, face: Drawing) -> None:
        self.status.setText("")
        self.result.set_drawing(face)

    def _show_strength(self) -> None:
        self.value.setText(f"{self.strength():+.2f}")
