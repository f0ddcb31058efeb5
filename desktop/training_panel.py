"""What a training run is doing: a progress bar with the time left, a live loss plot (training
loss per logged step, validation loss per evaluation) and Cancel."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.lazy_progress_bar import LazyProgressBar

MAX_PLOTTED = 5000  # points per curve; a long run is thinned, never an unbounded list


def format_eta(seconds: float) -> str:
    if seconds < 0:
        return "estimating time left..."
    minutes, secs = divmod(round(seconds), 60)
    return f"about {minutes} min {secs:02d} s left" if minutes else f"about {secs} s left"


class TrainingPanel(QWidget):
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trainingPanel")
        self.title = QLabel("No training running. Model > Retrain on cluster... starts one.")
        self.title.setObjectName("trainingTitle")
        self.bar = LazyProgressBar()
        self.bar.setObjectName("trainingProgress")
        self.bar.setFormat("step %v of %m")
        self.eta = QLabel("")
        self.eta.setObjectName("trainingEta")
        self.cancel = QPushButton("Cancel training")
        self.cancel.setObjectName("cancelTraining")
        self.cancel.clicked.connect(self.cancelRequested)
        self.cancel.setEnabled(False)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("lossPlot")
        self.plot.setLabel("bottom", "step")
        self.plot.setLabel("left", "loss")
        self.plot.addLegend(offset=(-10, 10))
        # no grid: pyqtgraph's translucent grid made each paint of this tab cost ~45 ms
        self.train_curve = self.plot.plot(
            [], [], pen=pg.mkPen("#4c72b0", width=1.5), name="training"
        )
        self.valid_curve = self.plot.plot(
            [], [], pen=pg.mkPen("#dd8452", width=2), symbol="o", symbolSize=6, name="validation"
        )
        self._train: tuple[list[float], list[float]] = ([], [])
        self._valid: tuple[list[float], list[float]] = ([], [])

        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.eta)
        row.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)

    def begin(self, title: str, steps: int) -> None:
        self.title.setText(title)
        self.bar.setRange(0, steps)
        self.bar.setValue(0)
        self.eta.setText("starting...")
        self.cancel.setEnabled(True)
        self._train, self._valid = ([], []), ([], [])
        self.train_curve.setData([], [])
        self.valid_curve.setData([], [])

    def stepped(self, step: int, steps: int, loss: float, seconds_left: float) -> None:
        self.bar.setMaximum(steps)
        self.bar.setValue(step)
        self.eta.setText(format_eta(seconds_left))
        self._append(self._train, step, loss)
        self.train_curve.setData(*self._train)
        self._fit_view()

    def evaluated(self, step: int, valid_loss: float) -> None:
        self._append(self._valid, step, valid_loss)
        self.valid_curve.setData(*self._valid)

    def finish(self, message: str) -> None:
        self.title.setText(message)
        self.eta.setText("")
        self.cancel.setEnabled(False)

    def _fit_view(self) -> None:
        """Show the loss as it is now: the first steps (a fine-tune starts far higher) would
        squash the rest of the curve flat, so the view follows the last 80% of the run."""
        xs, ys = self._train
        if len(ys) < 10:
            return
        since = xs[len(xs) // 5]
        valid = [y for x, y in zip(*self._valid, strict=True) if x >= since]
        recent = ys[len(ys) // 5 :] + valid
        low, high = min(recent), max(recent)
        pad = 0.1 * (high - low or 1.0)
        self.plot.setYRange(low - pad, high + pad, padding=0)

    @staticmethod
    def _append(curve: tuple[list[float], list[float]], x: float, y: float) -> None:
        xs, ys = curve
        if y != y or abs(y) == float("inf"):
            return  # a skipped non-finite batch is not drawn
        xs.append(x)
        ys.append(y)
        if len(xs) > MAX_PLOTTED:
            del xs[::2], ys[::2]
