"""What a person does with thought vectors in the window: averages of a selection, face
arithmetic and favourites. Turns the panels' asks into requests and the favourites' changes;
the answers come back through the session like every other."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from core.base.errors import SketchbookError
from core.drawings.strokes import Drawing
from core.session import requests
from core.session.state import End
from desktop.keep import KeepAction


class ThoughtActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def average_box(self, positions: np.ndarray) -> None:
        """The faces inside a box Ctrl-dragged on the map."""
        if len(positions) == 0:
            self.window.statusBar().showMessage(
                "the box holds no faces: drag it over some points", 5000
            )
            return
        self._average(tuple(int(i) for i in positions), "the faces in the box")

    def average_cluster(self, cluster: int) -> None:
        if self.window.workspace is not None:
            members = self.window.workspace.index.members(cluster)
            self._average(tuple(int(i) for i in members), f"cluster {cluster}")

    def average_of(self, what: str) -> None:
        """The Average tab's buttons: the drawing's cluster, the collection or the favourites."""
        if what == "cluster":
            analysis = self.window.session.analysis
            if analysis is None:
                self.window.statusBar().showMessage(
                    "draw a face first: its cluster is averaged", 5000
                )
            else:
                self.average_cluster(analysis.cluster)
            return
        if what == "favourites":
            faces, empty = (
                self.window.favourites.faces,
                "no favourites yet: right-click a face to add one",
            )
        else:
            from core.personal.collection import load_collection

            try:
                faces, empty = load_collection(), "your collection is empty: save a drawing first"
            except SketchbookError as exc:
                faces, empty = [], str(exc)
        if not faces:
            self.window.statusBar().showMessage(empty, 6000)
            return
        self._average((), f"your {what}", tuple(faces))

    def average_faces(self, faces: list[Drawing]) -> None:
        """Faces Ctrl-click-selected in any grid."""
        self._average((), f"the {len(faces)} selected faces", tuple(faces))

    def _average(self, positions: tuple[int, ...], caption: str, drawings=()) -> None:
        if self.window.workspace is None:
            return
        self.window.tabs.setCurrentWidget(self.window.average)
        self.window.service.submit(
            requests.AverageFaces(self.window.workspace, positions, caption, drawings)
        )

    def arithmetic(self, a: End, b: End, c: End, strength: float) -> None:
        if self.window.workspace is None:
            return
        try:
            ends = [self.window.session.end_source(e) for e in (a, b, c)]
        except SketchbookError as exc:
            self.window.arithmetic.show_problem(str(exc))
            return
        self.window.service.submit(requests.Arithmetic(self.window.workspace, *ends, strength))

    def train_on_favourites(self) -> None:
        self.window.retrainer.train_on_favourites(
            str(self.window.favourites.path), len(self.window.favourites.faces)
        )

    def favourite(self, face: Drawing, action: KeepAction, source: str) -> str:
        try:
            if action is KeepAction.UNFAVOURITE:
                self.window.favourites.remove(face.key)
                return "removed from your favourites"
            model = self.window.workspace.model_name if self.window.workspace else ""
            self.window.favourites.add(face, source, model)
        except (SketchbookError, OSError) as exc:
            QMessageBox.warning(
                self.window, "Favourites", f"Could not change your favourites: {exc}"
            )
            return ""
        return f"\u2665 added to your favourites ({len(self.window.favourites.faces)})"
