"""Writes the autosave off the GUI thread: a 100,000-point stroke takes a while to serialise and
fsync, and the window must not wait for it. Newest drawing wins; nothing queues up."""

from __future__ import annotations

import sys
import threading

from core.autosave import save_autosave
from core.strokes import Drawing


class Autosaver:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._waiting: Drawing | None = None
        self._busy = False
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="autosave", daemon=True)
        self._thread.start()

    def submit(self, drawing: Drawing) -> None:
        with self._lock:
            self._waiting = drawing
            self._lock.notify()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted is on disk (before a clean close, and in tests)."""
        with self._lock:
            return self._lock.wait_for(lambda: self._waiting is None and not self._busy, timeout)

    def stop(self) -> None:
        self.flush()
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._waiting is not None or self._stopping)
                if self._stopping:
                    return
                drawing, self._waiting, self._busy = self._waiting, None, True
            try:
                save_autosave(drawing)
            except OSError as exc:  # a full or read-only disk: say so once per failure
                print(f"latent-sketchbook: could not autosave the drawing: {exc}", file=sys.stderr)
            finally:
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()
