"""A row or grid of generated faces, each of which can be kept: saved to the collection,
copied, or exported (the window decides how; the grid only says which face and what to do)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QGridLayout, QMenu, QWidget

from core.drawings.strokes import Drawing
from desktop.drawing_view import DrawingView
from desktop.keep import FACE_ACTIONS, KeepAction


class FaceGrid(QWidget):
    keepRequested = Signal(object, object)  # the Drawing, a KeepAction
    faceClicked = Signal(int)
    averageRequested = Signal(list)  # the Ctrl-click-selected faces, to average

    def __init__(
        self,
        columns: int,
        cells: int,
        parent: QWidget | None = None,
        cell_size: int = 96,
        actions: tuple[KeepAction, ...] = FACE_ACTIONS,
    ):
        super().__init__(parent)
        self.columns = columns
        self.actions = actions
        layout = QGridLayout(self)
        layout.setSpacing(4)
        layout.setContentsMargins(0, 0, 0, 0)
        self.views: list[DrawingView] = []
        self.selected: set[int] = set()
        for i in range(cells):
            view = DrawingView(self)
            view.setMinimumSize(cell_size, cell_size)
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(lambda pos, v=view: self._menu(v, pos))
            view.clicked.connect(lambda i=i: self.faceClicked.emit(i))
            view.ctrlClicked.connect(lambda i=i: self.toggle(i))
            layout.addWidget(view, i // columns, i % columns)
            self.views.append(view)

    def set_faces(self, faces: list[Drawing], captions: list[str] | None = None) -> None:
        self.selected: set[int] = set()
        for i, view in enumerate(self.views):
            view.set_selected(False)
            face = faces[i] if i < len(faces) else None
            view.set_drawing(face, captions[i] if captions and i < len(captions) else "")
            view.setVisible(face is not None or i < self.columns)

    def faces(self) -> list[Drawing]:
        return [v.drawing for v in self.views if v.drawing is not None]

    def toggle(self, i: int) -> None:
        """Ctrl-click: a face joins the selection, or leaves it."""
        if self.views[i].drawing is None:
            return
        self.selected ^= {i}
        self.views[i].set_selected(i in self.selected)

    def selected_faces(self) -> list[Drawing]:
        return [self.views[i].drawing for i in sorted(self.selected)]

    def request_average(self) -> None:
        if self.selected:
            self.averageRequested.emit(self.selected_faces())

    def _menu(self, view: DrawingView, pos) -> None:
        extra = []
        if self.selected:
            n = len(self.selected)
            extra = [(f"Average the {n} selected faces (Ctrl-click selects)", self.request_average)]
        keep_menu(view, pos, self.actions, self.keepRequested.emit, extra)


def keep_menu(view: DrawingView, pos, actions, chosen, extra=()) -> None:
    """Right-click on a face: what can be done with it; `chosen(face, action)` does it.
    `extra`: (text, callable) entries that go first."""
    if view.drawing is None:
        return
    menu = QMenu(view)
    for text, slot in extra:
        menu.addAction(text, slot)
    if extra:
        menu.addSeparator()
    for keep in actions:
        action = QAction(keep.value, menu)
        action.triggered.connect(lambda _=False, k=keep, d=view.drawing: chosen(d, k))
        menu.addAction(action)
    menu.exec(view.mapToGlobal(pos))


def offer_keep_menu(view: DrawingView, chosen, actions=FACE_ACTIONS) -> None:
    """Give a single face view the same right-click menu as a grid's faces."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(lambda pos: keep_menu(view, pos, actions, chosen))
