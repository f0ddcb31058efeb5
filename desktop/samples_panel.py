"""Random faces: a grid of samples, a temperature slider, where new faces come from (like the
model's own faces, the dataset's, or the prior), and "more like this cluster"."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from core.base import limits
from core.drawings.strokes import Drawing
from core.latent.generate import (
    DATASET,
    DEFAULT_SAMPLE_SPREAD,
    DEFAULT_SAMPLE_TEMPERATURE,
    DEFAULT_SOURCE,
    MODEL,
    PRIOR,
)
from core.session.requests import SAMPLES_PER_GRID
from core.session.state import Session
from desktop.face_grid import FaceGrid


class SamplesPanel(QWidget):
    samplesRequested = Signal(float, int)  # temperature, cluster (-1: not a cluster's)
    # what "New random faces" draws z from, as the menu names it
    SOURCE_NAMES = {
        MODEL: "like the model's own faces",
        DATASET: "like the open dataset's",
        PRIOR: "from the prior N(0, I)",
    }
    # the remembered choice; a new key, because the one before this source existed remembered
    # "dataset" for everyone, who never chose it, and would hide a retrained model's faces
    SOURCE_KEY = "random_faces_from"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.cluster: int | None = None
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("temperatureSlider")
        self.slider.setAccessibleName("Sampling temperature")
        self.slider.setRange(*_hundredths(limits.TEMPERATURE))
        self.slider.setValue(round(DEFAULT_SAMPLE_TEMPERATURE * 100))
        self.value = QLabel()
        self.slider.valueChanged.connect(self._update_label)
        self.spread_slider = QSlider(Qt.Orientation.Horizontal)
        self.spread_slider.setObjectName("spreadSlider")
        self.spread_slider.setAccessibleName("Spread of the random thought vectors")
        self.spread_slider.setToolTip(
            "How far from the centre the thought vectors are drawn: narrower gives fewer "
            "scribbles and less variety"
        )
        self.spread_slider.setRange(*_hundredths(limits.SPREAD))
        self.spread_slider.setValue(round(DEFAULT_SAMPLE_SPREAD * 100))
        self.spread_value = QLabel()
        self.spread_slider.valueChanged.connect(self._update_label)
        self.new = QPushButton("New random faces")
        self.new.setObjectName("newSamplesButton")
        self.new.clicked.connect(lambda: self.samplesRequested.emit(self.temperature(), -1))
        self.source_box = QComboBox()
        self.source_box.setObjectName("sampleSource")
        self.source_box.setAccessibleName("Where random faces come from")
        self.source_box.setToolTip(
            "Like the model's own faces: z from the Gaussian stored in the model, of the faces "
            "it was made for (after a retrain on a cluster: that cluster).\nLike the open "
            "dataset's: z from the Gaussian of the open dataset's thought vectors.\nFrom the "
            "prior: z from N(0, I), which is much wider: more of these faces are scribbles."
        )
        for source, name in self.SOURCE_NAMES.items():
            self.source_box.addItem(name, source)
        self.like = QPushButton("More like this cluster")
        self.like.setObjectName("moreLikeClusterButton")
        self.like.setEnabled(False)
        self.like.clicked.connect(
            lambda: self.samplesRequested.emit(self.temperature(), self.cluster)
        )
        self.grid = FaceGrid(columns=8, cells=SAMPLES_PER_GRID, cell_size=72)
        self.grid.setObjectName("samplesGrid")
        row = QHBoxLayout()
        widgets = (QLabel("temperature"), self.slider, self.value, QLabel("spread"))
        widgets += (self.spread_slider, self.spread_value, self.new, self.source_box, self.like)
        for w in widgets:
            row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.grid)
        self._update_label()

    def bind(self, session: Session) -> None:
        session.samples_changed.connect(self.show_samples)
        session.analysis_started.connect(lambda analysis: self.set_cluster(analysis.cluster))
        session.drawing_cleared.connect(lambda: self.set_cluster(None))
        session.workspace_changed.connect(lambda *_: self.set_cluster(None))

    def restore(self, prefs) -> None:
        """Temperature, spread and source as the person left them."""
        self.set_temperature(_number(prefs.value("temperature"), self.temperature()))
        self.set_spread(_number(prefs.value("sample_spread"), self.spread()))
        self.set_source(str(prefs.value(self.SOURCE_KEY, self.source())))

    def remember(self, prefs) -> None:
        prefs.set("temperature", self.temperature())
        prefs.set("sample_spread", self.spread())
        prefs.set(self.SOURCE_KEY, self.source())

    def temperature(self) -> float:
        return self.slider.value() / 100.0

    def set_temperature(self, value: float) -> None:
        self.slider.setValue(round(value * 100))

    def spread(self) -> float:
        return self.spread_slider.value() / 100.0

    def set_spread(self, value: float) -> None:
        self.spread_slider.setValue(round(value * 100))

    def source(self) -> str:
        return self.source_box.currentData()

    def set_source(self, source: str) -> None:
        found = self.source_box.findData(source)
        self.source_box.setCurrentIndex(
            found if found >= 0 else self.source_box.findData(DEFAULT_SOURCE)
        )

    def set_cluster(self, cluster: int | None) -> None:
        self.cluster = cluster
        self.like.setEnabled(cluster is not None)
        self.like.setText(
            "More like this cluster" if cluster is None else f"More like cluster {cluster}"
        )

    def _update_label(self) -> None:
        self.value.setText(f"{self.temperature():.2f}")
        self.spread_value.setText(f"{self.spread():.2f}")

    def show_samples(self, faces: list[Drawing], caption: str) -> None:
        self.grid.set_faces(faces, [caption] * len(faces))


def _hundredths(limit: limits.Limit) -> tuple[int, int]:
    """A slider's integer range for a setting shown to two decimals."""
    return round(limit.low * 100), round(limit.high * 100)


def _number(stored, default: float) -> float:
    """A remembered number, or `default` where the settings file holds none or junk (the
    slider then clamps it into its range)."""
    try:
        value = float(stored)
    except (TypeError, ValueError):
        return default
    return value if math.isfinite(value) else default
