"""The average face: what the mean thought vector of a selection draws, with the selection's
most typical members beside it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.drawings.strokes import Drawing
from core.latent.thoughts import MEMBERS_SHOWN
from core.session.state import Session
from desktop.drawing_view import DrawingView
from desktop.face_grid import FaceGrid, offer_keep_menu

HINT = (
    "Ctrl-drag a box on the map to average the faces in it, right-click a cluster on the map "
    "for its average, Ctrl-click faces in any grid and right-click one of them, or average "
    "one of these:"
)


class AveragePanel(QWidget):
    averageRequested = Signal(str)  # "cluster" (the drawing's), "collection" or "favourites"
    keepRequested = Signal(object, object)  # a face, a KeepAction

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.average = DrawingView(animate=True, caption="the average face")
        self.average.setObjectName("averageFace")
        self.average.setAccessibleName("The face the average thought vector draws")
        self.average.setMinimumSize(170, 170)
        offer_keep_menu(self.average, self.keepRequested.emit)
        self.members = FaceGrid(columns=6, cells=MEMBERS_SHOWN, cell_size=60)
        self.members.setObjectName("averageMembers")
        self.members.keepRequested.connect(self.keepRequested)
        self.caption = QLabel("Nothing averaged yet.")
        self.caption.setObjectName("averageCaption")
        self.caption.setWordWrap(True)
        self.buttons = {}
        row = QHBoxLayout()
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        row.addWidget(hint, 1)
        for what, text in (
            ("cluster", "My drawing's cluster"),
            ("collection", "My collection"),
            ("favourites", "My favourites"),
        ):
            button = QPushButton(text)
            button.setObjectName(f"average_{what}")
            button.clicked.connect(lambda _=False, w=what: self.averageRequested.emit(w))
            row.addWidget(button)
            self.buttons[what] = button
        right = QVBoxLayout()
        right.addWidget(self.caption)
        right.addWidget(self.members, 1)
        body = QHBoxLayout()
        body.addWidget(self.average, 1)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(body, 1)

    def bind(self, session: Session) -> None:
        session.average_changed.connect(self.show_average)

    def show_average(self, average, members: list[Drawing], caption: str) -> None:
        self.average.set_drawing(average.face, "the average face")
        self.members.set_faces(members)
        shown = f"; its {len(members)} most typical members" if average.count > 1 else ""
        self.caption.setText(f"The average of {caption}: {average.count} faces{shown}.")
