"""The desktop entry point: `create_window` for tests, `main` for people."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def create_window(model: str | None = None, data: str | None = None) -> QMainWindow:
    window = QMainWindow()
    window.setObjectName("mainWindow")
    window.setWindowTitle("Latent Sketchbook")
    label = QLabel("Latent Sketchbook: the drawing window arrives with the desktop issue.")
    label.setObjectName("placeholder")
    window.setCentralWidget(label)
    window.resize(900, 600)
    return window


def main(model: str | None = None, data: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = create_window(model, data)
    window.show()
    return app.exec()
