"""Python's garbage collection on the GUI thread only (see core.base.gc_pauses: a Qt object must
never be deleted by a collection that happened to run on the inference thread). One timer per
application, installed before the first window: it does what the automatic collector would,
at most every COLLECT_MS."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from core.base.gc_pauses import collect_due, take_over_collection

COLLECT_MS = 50  # garbage made between two ticks waits at most this long


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject):
        super().__init__(parent)
        self.setObjectName("guiThreadCollector")
        self.timer = QTimer(self, interval=COLLECT_MS)
        self.timer.timeout.connect(collect_due)
        self.timer.start()
        take_over_collection()


def collect_on_gui_thread() -> GuiThreadCollector:
    """Install the collector on the running QApplication (once; later calls return it)."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication first")
    found = app.findChild(GuiThreadCollector, "guiThreadCollector")
    return found or GuiThreadCollector(app)
