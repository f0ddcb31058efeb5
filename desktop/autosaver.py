"""The autosave's life in the window: the drawing of last time brought back at start, every
change written off the GUI thread (a 100,000-point stroke takes a while to serialise and fsync,
and the window must not wait for it; newest drawing wins, nothing queues up), and the clean
close marked at the end. A window that never looked at the save (closed before it started), or
found it in use by another running window of the app, leaves it alone."""

from __future__ import annotations

import sys
import threading

from PySide6.QtWidgets import QMessageBox, QWidget

from core.autosave import clear_autosave, load_autosave, save_autosave
from core.jobs import LatestQueue, serve
from core.strokes import Drawing

ELSEWHERE = (
    "another window of the app keeps the autosave: this drawing is not autosaved (Ctrl+S keeps it)"
)


class Autosaver:
    def __init__(self) -> None:
        self.enabled = True  # off while another running window of the app owns the save
        self._restored = False  # the save of last time was looked at: it is this window's now
        self._queue = LatestQueue()
        self._thread = threading.Thread(
            target=serve, args=(self._queue, self._save), name="autosave", daemon=True
        )
        self._thread.start()

    def restore(self, parent: QWidget) -> tuple[Drawing | None, str]:
        """The drawing of last time, if the person wants it back (asked only after a crash),
        and what to say in the status bar."""
        self._restored = True
        saved = load_autosave()
        if saved is None:
            return None, ""
        if saved.in_use_elsewhere:
            self.enabled = False
            return None, ELSEWHERE
        strokes = len(saved.drawing.strokes)
        if not saved.closed_cleanly:
            answer = QMessageBox.question(
                parent,
                "Restore your drawing?",
                "Latent Sketchbook did not close properly last time. Restore the drawing you "
                f"were making ({strokes} strokes)?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
            )
            if answer != QMessageBox.StandardButton.Yes:
                clear_autosave()
                return None, ""
        return (
            saved.drawing,
            f"your drawing from last time is back ({strokes} strokes; Ctrl+N clears it)",
        )

    def submit(self, drawing: Drawing) -> None:
        if self.enabled:
            self._queue.put("drawing", drawing)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted is on disk (before a clean close, and in tests)."""
        return self._queue.wait_idle(timeout)

    def stop(self) -> None:
        self.flush()
        self._queue.stop()
        self._thread.join(timeout=5)

    def finish(self, drawing: Drawing) -> str | None:
        """Stop, and keep `drawing` as closed cleanly if the save is this window's; the error's
        text if it could not be written."""
        self.stop()
        if not (self._restored and self.enabled):
            return None
        try:
            save_autosave(drawing, closed_cleanly=True)
        except OSError as exc:
            return str(exc)
        return None

    @staticmethod
    def _save(key: str, request: int, drawing: Drawing) -> None:  # noqa: ARG004 - serve's call
        try:
            save_autosave(drawing)
        except OSError as exc:  # a full or read-only disk: say so once per failure
            print(f"latent-sketchbook: could not autosave the drawing: {exc}", file=sys.stderr)
