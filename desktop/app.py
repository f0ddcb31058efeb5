"""The desktop entry point: `create_window` for tests and scripts, `main` for people.

Only Qt is imported before the window is up; torch and scikit-learn load on the inference
thread afterwards, so the window appears quickly.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication


def create_window(
    model: str | None = None, data: str | None = None, settings: QSettings | None = None
):
    """Build the main window (loading starts in the background); the caller shows it.
    Garbage collection moves onto the GUI thread first (desktop.gc_thread)."""
    from desktop.gc_thread import collect_on_gui_thread
    from desktop.main_window import MainWindow

    collect_on_gui_thread()

    return MainWindow(model=model, data=data, settings=settings)


def main(model: str | None = None, data: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Latent Sketchbook")
    app.setOrganizationName("latent-sketchbook")
    window = create_window(model, data)
    window.show()
    return app.exec()
