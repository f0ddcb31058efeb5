"""The favourites shelf: faces the person hearted anywhere in the app, kept between runs, and
the button that trains a model on them."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.drawings.strokes import Drawing
from core.personal.favourites import Favourites
from core.training.retrain_plan import MIN_CLUSTER_DRAWINGS
from desktop.face_grid import FaceGrid
from desktop.keep import KeepAction

SHELF = 24  # the newest favourites shown


class FavouritesPanel(QWidget):
    trainRequested = Signal()
    keepRequested = Signal(object, object)  # a face, a KeepAction

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.count = QLabel()
        self.count.setObjectName("favouritesCount")
        self.count.setWordWrap(True)
        self.train = QPushButton("Train on my favourites...")
        self.train.setObjectName("trainOnFavourites")
        self.train.clicked.connect(self.trainRequested)
        self.grid = FaceGrid(
            columns=12,
            cells=SHELF,
            cell_size=84,
            actions=(
                KeepAction.UNFAVOURITE,
                KeepAction.SAVE,
                KeepAction.COPY,
                KeepAction.EXPORT_PNG,
                KeepAction.EXPORT_SVG,
            ),
        )
        self.grid.setObjectName("favouritesGrid")
        self.grid.keepRequested.connect(self.keepRequested)
        row = QHBoxLayout()
        row.addWidget(self.count, 1)
        row.addWidget(self.train)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.grid)
        layout.addStretch(1)
        self.show_faces([])

    def bind(self, favourites: Favourites) -> None:
        favourites.changed.connect(lambda faces: self.show_faces(faces, favourites.problem))

    def show_faces(self, faces: list[Drawing], problem: str = "") -> None:
        newest = faces[::-1][:SHELF]
        self.grid.set_faces(newest, [f.labels.get("source", "") for f in newest])
        for view, face in zip(self.grid.views, newest, strict=False):
            view.setToolTip(_origin(face))
        need = MIN_CLUSTER_DRAWINGS
        self.train.setEnabled(len(faces) >= need)
        if problem:
            self.count.setText(problem)
        elif not faces:
            self.count.setText(
                "No favourites yet: right-click any face and choose \u2665 Add to favourites "
                "(Ctrl+D for your drawing). They are kept between runs."
            )
        else:
            more = f" (the newest {SHELF} shown)" if len(faces) > SHELF else ""
            train = "" if len(faces) >= need else f"; {need} are needed to train on them"
            self.count.setText(f"{len(faces)} favourites{more}{train}.")


def _origin(face: Drawing) -> str:
    """Where a favourite came from; it is kept as a drawing, so it outlives that model."""
    source, model = face.labels.get("source", "a face"), face.labels.get("model", "")
    saved = face.labels.get("saved", "")
    return f"{source}, hearted {saved}" + (f" under the model '{model}'" if model else "")
