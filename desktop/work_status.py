"""The status bar: which model, dataset and device are in use, and the background work going
on (what it is, how far along, a Cancel button), shown only while there is some."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar

from desktop.lazy_progress_bar import LazyProgressBar


class WorkStatus:
    """The status bar's permanent labels and its activity area, built into `bar`."""

    def __init__(self, bar: QStatusBar, cancel: Callable[[], None]) -> None:
        self.bar = bar
        self.model = QLabel("model: loading")
        self.data = QLabel("dataset: -")
        self.device = QLabel("device: -")
        self.activity = QLabel("")
        self.activity.setObjectName("activityLabel")
        self.progress = LazyProgressBar()
        self.progress.setObjectName("backgroundProgress")
        self.progress.setMaximumWidth(180)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelBackground")
        self.cancel_button.clicked.connect(cancel)
        self.cancel_button.hide()
        for label in (self.model, self.data, self.device):
            bar.addPermanentWidget(label)
        for widget in (self.activity, self.progress, self.cancel_button):
            bar.addWidget(widget)

    def say(self, message: str, ms: int = 8000) -> None:
        self.bar.showMessage(message, ms)

    def busy(self, text: str) -> None:
        self.activity.setText(text)
        self.progress.show()
        self.cancel_button.show()

    def idle(self) -> None:
        self.activity.setText("")
        self.progress.hide()
        self.cancel_button.hide()

    def progressed(self, stage: str, done: int, total: int) -> None:
        self.busy(stage)
        self.progress.setRange(0, max(total, 1) if total > 1 else 0)  # 0: busy, no measure
        if total > 1:
            self.progress.setValue(done)
