"""The autosave's life in the window: the drawing of last time brought back at start, every
change written off the GUI thread (a 100,000-point stroke takes a while to serialise and fsync,
and the window must not wait for it; newest drawing wins, nothing queues up), and the clean
close marked at the end. A window that never looked at the save (closed before it started), or
found it in use by another running window of the app, leaves it alone."""

from __future__ import annotations

import sys
import threading

from PySide6.QtWidgets import QMessageBox, QWidget

from core.drawings.strokes import Drawing
from core.personal.autosave import clear_autosave, load_autosave, save_autosave
from core.session.jobs import LatestQueue, serve

ELSEWHERE = (
    "another window of the app keeps the autosave: this drawing is not autosaved (Ctrl+S keeps it)"
)


class Autosaver:
    def __init__(self) -> None:
        self.enabled = True  # off while another running window of the app owns the save
        self._restored = False  # the save of last time was looked at: it is this window's now
        self._clean_error: str | None = None  # why the clean close could not be marked
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
            self._queue.put("drawing", (drawing, False))

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted is on disk (before a clean close, and in tests)."""
        return self._queue.wait_idle(timeout)

    def finish(self, drawing: Drawing, timeout: float = 10.0) -> str | None:
        """Stop, and keep `drawing` as closed cleanly if the save is this window's; the error's
        text if it could not be written. The clean mark goes through the worker, after the save
        it may be writing: written here, a slow disk could let that older, unmarked save land
        last, and the next start would take a clean close for a crash."""
        marking = self._restored and self.enabled
        if marking:
            self._clean_error = None
            self._queue.put("drawing", (drawing, True))  # replaces a save still waiting
        on_disk = self.flush(timeout)
        self._queue.stop()
        self._thread.join(timeout=5)
        if marking and not on_disk:
            return f"the disk did not take it within {timeout:g} s"
        return self._clean_error  # set only by the clean mark's own write

    def _save(self, key: str, request: int, item: tuple[Drawing, bool]) -> None:  # noqa: ARG002 - serve's call
        drawing, closed_cleanly = item
        try:
            save_autosave(drawing, closed_cleanly=closed_cleanly)
        except OSError as exc:
            if closed_cleanly:
                self._clean_error = str(exc)  # the window says so in a box
            else:  # a full or read-only disk: say so once per failure
                print(f"latent-sketchbook: could not autosave the drawing: {exc}", file=sys.stderr)
