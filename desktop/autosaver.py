"""Writes the autosave off the GUI thread: a 100,000-point stroke takes a while to serialise and
fsync, and the window must not wait for it. Newest drawing wins; nothing queues up."""

from __future__ import annotations

import sys
import threading

from core.autosave import save_autosave
from core.jobs import LatestQueue, serve
from core.strokes import Drawing


class Autosaver:
    def __init__(self) -> None:
        self.enabled = True  # off while another running window of the app owns the save
        self._queue = LatestQueue()
        self._thread = threading.Thread(
            target=serve, args=(self._queue, self._save), name="autosave", daemon=True
        )
        self._thread.start()

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

    @staticmethod
    def _save(key: str, request: int, drawing: Drawing) -> None:  # noqa: ARG004 - serve's call
        try:
            save_autosave(drawing)
        except OSError as exc:  # a full or read-only disk: say so once per failure
            print(f"latent-sketchbook: could not autosave the drawing: {exc}", file=sys.stderr)
