"""What the model thinks the face is: its cluster with a confidence, that cluster's medoid and
some of its members, and the nearest faces in the dataset."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.drawings.strokes import Drawing
from core.latent.index import LatentIndex
from core.latent.palette import cluster_colour
from core.session.state import Session
from desktop.drawing_view import DrawingView
from desktop.face_grid import FaceGrid, offer_keep_menu
from desktop.lazy_progress_bar import LazyProgressBar


class ClusterPanel(QWidget):
    neighbourClicked = Signal(int)  # dataset index
    retrainRequested = Signal(int)  # "retrain on this cluster"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.index: LatentIndex | None = None
        self.drawings: list[Drawing] = []
        self.cluster: int | None = None
        self._neighbours: np.ndarray = np.zeros(0, int)
        # plain text in the cluster's colour, no word wrap: a rich-text, wrapping label was laid
        # out again on every stroke and cost ~6 ms of the pen-up's first paint
        self.label = QLabel("Draw a face to see its cluster")
        self.label.setObjectName("clusterLabel")
        self.label.setAccessibleName("Cluster of the drawing")
        bold = self.label.font()
        bold.setBold(True)
        self.label.setFont(bold)
        self.detail = QLabel("")
        self.detail.setObjectName("clusterDetail")
        self._plain_palette = self.label.palette()
        self.confidence = LazyProgressBar()
        self.confidence.setObjectName("clusterConfidence")
        self.confidence.setRange(0, 100)
        self.confidence.setFormat("confidence %p%")
        self.medoid = DrawingView(caption="medoid")
        self.medoid.setFixedSize(110, 110)
        self.members = FaceGrid(columns=4, cells=4, cell_size=64)
        self.nearest = FaceGrid(columns=6, cells=6, cell_size=64)
        self.nearest.setObjectName("nearestFaces")
        self.nearest.faceClicked.connect(self._neighbour_clicked)
        offer_keep_menu(self.medoid, self.members.keepRequested.emit)
        self.retrain = QPushButton("Retrain on this cluster...")
        self.retrain.setObjectName("retrainThisCluster")
        self.retrain.setToolTip("Teach the model to draw more faces like this cluster's")
        self.retrain.setEnabled(False)
        self.retrain.clicked.connect(lambda: self.retrainRequested.emit(self.cluster or 0))

        top = QHBoxLayout()
        top.addWidget(self.medoid)
        side = QVBoxLayout()
        heading = QHBoxLayout()
        heading.addWidget(self.label)
        heading.addWidget(self.detail, 1)
        side.addLayout(heading)
        side.addWidget(self.confidence)
        side.addWidget(self.retrain)
        side.addWidget(QLabel("members"))
        side.addWidget(self.members)
        top.addLayout(side, 1)
        near_box = QGroupBox("Nearest faces in the dataset")
        near_layout = QVBoxLayout(near_box)
        near_layout.addWidget(self.nearest)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(near_box)

    def bind(self, session: Session) -> None:
        session.workspace_changed.connect(self._workspace_changed)
        session.analysis_started.connect(
            lambda a: self.show_analysis(a.cluster, a.confidence, a.neighbours)
        )
        session.analysis_finished.connect(lambda a: self.show_neighbours(a.neighbours))
        session.drawing_cleared.connect(self.reset)

    def _workspace_changed(self, workspace, notices) -> None:  # noqa: ARG002 - the event's shape
        self.set_index(workspace.index, workspace.drawings)
        self.reset()

    def set_index(self, index: LatentIndex, drawings: list[Drawing]) -> None:
        self.index, self.drawings = index, drawings
        self.cluster = None

    def show_analysis(self, cluster: int, confidence: float, neighbours: np.ndarray) -> None:
        if self.index is None:
            return
        self.confidence.setValue(round(confidence * 100))
        if cluster != self.cluster:
            self.cluster = cluster
            size = int(self.index.cluster_sizes()[cluster])
            palette = self.label.palette()
            palette.setColor(QPalette.ColorRole.WindowText, QColor(*cluster_colour(cluster)))
            self.label.setPalette(palette)
            self.label.setText(f"Cluster {cluster}")
            self.detail.setText(f"of {self.index.k} \u00b7 {size} faces")
            self.retrain.setEnabled(True)
            self.medoid.set_drawing(self.drawings[self.index.medoids[cluster]], "medoid")
            members = self.index.members(cluster)
            rng = np.random.default_rng(cluster)
            shown = rng.choice(members, min(4, len(members)), replace=False)
            self.members.set_faces([self.drawings[i] for i in shown])
        self.show_neighbours(neighbours)

    def show_neighbours(self, neighbours: np.ndarray) -> None:
        """The nearest dataset faces; none yet (a first early answer) keeps the last ones."""
        if self.index is None or not len(neighbours):
            return
        self._neighbours = neighbours
        self.nearest.set_faces([self.drawings[i] for i in neighbours])

    def reset(self) -> None:
        self.cluster = None
        self.retrain.setEnabled(False)
        self.label.setText("Draw a face to see its cluster")
        self.label.setPalette(self._plain_palette)
        self.detail.setText("")
        self.confidence.setValue(0)
        self.medoid.set_drawing(None)
        self.members.set_faces([])
        self.nearest.set_faces([])

    def _neighbour_clicked(self, i: int) -> None:
        if i < len(self._neighbours):
            self.neighbourClicked.emit(int(self._neighbours[i]))
