"""The "Retrain on cluster" dialog: which cluster (its medoid and size shown), how long, fine-tune
or from scratch, and a name for the new model. It only asks; the window does the work."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.base.errors import BadRequest
from core.drawings.strokes import Drawing
from core.latent.index import LatentIndex
from core.personal.library import clean_name
from core.training.retrain_plan import FINE_TUNES, MIN_CLUSTER_DRAWINGS
from desktop.drawing_view import DrawingView


@dataclass(frozen=True)
class RetrainRequest:
    cluster: int
    steps: int
    scratch: bool
    name: str


class RetrainDialog(QDialog):
    def __init__(
        self,
        index: LatentIndex,
        drawings: list[Drawing],
        cluster: int,
        data_name: str,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("retrainDialog")
        self.setWindowTitle("Retrain on a cluster")
        self.index, self.drawings, self.data_name = index, drawings, data_name
        sizes = index.cluster_sizes()
        self.cluster = QComboBox()
        self.cluster.setObjectName("retrainCluster")
        for c in range(index.k):
            self.cluster.addItem(f"cluster {c} ({int(sizes[c])} faces)", c)
        self.medoid = DrawingView(caption="medoid")
        self.medoid.setFixedSize(120, 120)
        self.length = QComboBox()
        self.length.setObjectName("retrainLength")
        for name, tune in FINE_TUNES.items():
            self.length.addItem(f"{name} ({tune.steps} steps)", tune.steps)
        self.length.addItem("custom", None)
        self.steps = QSpinBox()
        self.steps.setObjectName("retrainSteps")
        self.steps.setRange(10, 100_000)
        self.steps.setSingleStep(100)
        self.fine_tune = QRadioButton("fine-tune the current model (keeps what it knows of faces)")
        self.scratch = QRadioButton("train new weights on this cluster alone")
        self.fine_tune.setChecked(True)
        self.name = QLineEdit()
        self.name.setObjectName("retrainName")
        self.problem = QLabel()
        self.problem.setObjectName("retrainProblem")
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Train")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Cluster", self.cluster)
        length_row = QHBoxLayout()
        length_row.addWidget(self.length)
        length_row.addWidget(self.steps)
        form.addRow("How long", length_row)
        form.addRow("Start from", self.fine_tune)
        form.addRow("", self.scratch)
        form.addRow("Name", self.name)
        top = QHBoxLayout()
        top.addWidget(self.medoid)
        top.addLayout(form, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self.cluster.currentIndexChanged.connect(self._cluster_changed)
        self.length.currentIndexChanged.connect(self._length_changed)
        self.steps.valueChanged.connect(self._steps_edited)
        self.name.textChanged.connect(self._check)
        self.cluster.setCurrentIndex(max(0, min(cluster, index.k - 1)))
        self._cluster_changed()
        self._length_changed()

    def _cluster_changed(self) -> None:
        c = self.cluster.currentData()
        self.medoid.set_drawing(self.drawings[self.index.medoids[c]], "medoid")
        self.name.setText(f"cluster {c} of {self.data_name.rsplit('.', 1)[0]}")
        self._check()

    def _length_changed(self) -> None:
        steps = self.length.currentData()
        if steps is not None:
            self.steps.blockSignals(True)
            self.steps.setValue(steps)
            self.steps.blockSignals(False)

    def _steps_edited(self) -> None:
        self.length.blockSignals(True)
        self.length.setCurrentIndex(self.length.count() - 1)  # "custom"
        self.length.blockSignals(False)

    def _check(self) -> None:
        """Say what is wrong (a cluster too small, a bad name) and keep Train disabled."""
        size = len(self.index.members(self.cluster.currentData()))
        problem = ""
        if size < MIN_CLUSTER_DRAWINGS:
            problem = (
                f"This cluster has only {size} drawings; at least {MIN_CLUSTER_DRAWINGS} "
                "are needed to train on."
            )
        else:
            try:
                clean_name(self.name.text())
            except BadRequest as exc:
                problem = str(exc).capitalize() + "."
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def request(self) -> RetrainRequest:
        return RetrainRequest(
            cluster=int(self.cluster.currentData()),
            steps=int(self.steps.value()),
            scratch=self.scratch.isChecked(),
            name=clean_name(self.name.text()),
        )
