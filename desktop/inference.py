"""One background thread for everything the model does; the window never waits on it.

Requests are keyed by kind ("analyse", "walk", "samples", ...). A new request of a kind
replaces the one still waiting, so a burst of strokes costs one analysis of the newest drawing,
never a queue. Results come back to the GUI thread through a Qt signal, tagged with the kind and
the request's id so a widget can ignore anything older than what it last asked for.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, Signal

from core.errors import SketchbookError, Superseded

# served first when several kinds wait: what the person is doing right now
PRIORITY = ("load", "analyse", "walk", "complete", "interpolate", "samples", "index")
# the kinds a Cancel button stops; live kinds are superseded by newer requests instead
LONG = ("load", "index")


@contextlib.contextmanager
def all_cores() -> Iterator[None]:
    """Long batch jobs (indexing) use every core; live single drawings keep to one."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(os.cpu_count() or 1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class Cancelled(Exception):
    """Raised inside a job whose cancel flag was set."""


class InferenceService(QObject):
    resultReady = Signal(str, int, object)  # kind, request id, result
    failed = Signal(str, int, str)  # kind, request id, message a person can read
    progress = Signal(str, int, int)  # stage, done, total (for long jobs)
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._lock = threading.Condition()
        self._pending: dict[str, tuple[int, Callable[[], Any]]] = {}
        self._ids = itertools.count(1)
        self._cancel = threading.Event()
        self._stopping = False
        self._running = False
        self._running_kind: str | None = None
        self._running_request = 0
        self.latest: dict[str, int] = {}
        self.dropped = 0
        self._thread = threading.Thread(target=self._loop, name="inference", daemon=True)
        # hand the GIL back to the GUI thread every 2 ms (default 5) while the worker runs Python
        sys.setswitchinterval(0.002)

    def submit(self, kind: str, job: Callable[[], Any]) -> int:
        """Queue `job` (run on the worker thread) as the newest request of its kind."""
        with self._lock:
            request = next(self._ids)
            if kind in self._pending:
                self.dropped += 1
            self._pending[kind] = (request, job)
            self.latest[kind] = request
            self._lock.notify()
        if not self._thread.is_alive() and not self._stopping:
            self._thread.start()  # on first use, so nothing competes with the window's start-up
        return request

    def publish(self, result: Any) -> None:
        """An early result of the running job (called on the worker): it reaches the window
        as its kind and request id, like the final one that follows it."""
        self.resultReady.emit(self._running_kind or "", self._running_request, result)

    def is_waiting(self, kind: str) -> bool:
        """Whether a request of `kind` waits: a running job of that kind asks this (cheaply,
        every few milliseconds) to stop early, since its answer is already out of date."""
        return kind in self._pending  # one dict lookup; atomic under the GIL

    def pending_kinds(self) -> list[str]:
        with self._lock:
            return list(self._pending)

    def is_idle(self) -> bool:
        """Nothing waiting and nothing running (its result may still be on its way as a signal)."""
        with self._lock:
            return not self._pending and not self._running

    def cancel_running(self) -> None:
        """Stop the long jobs (loading, indexing): drop those still waiting, and ask the running
        one to stop at its next progress report. A click before the job starts is never lost."""
        with self._lock:
            dropped = [(kind, self._pending.pop(kind)[0]) for kind in LONG if kind in self._pending]
            if self._running_kind in LONG:
                self._cancel.set()
        for kind, request in dropped:
            self.failed.emit(kind, request, "cancelled")

    def check_cancel(self) -> None:
        if self._cancel.is_set():
            self._cancel.clear()
            raise Cancelled

    def report(self, stage: str, done: int, total: int) -> None:
        """Progress from a long job; also where a cancel takes effect."""
        self.progress.emit(stage, done, total)
        self.check_cancel()

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._pending.clear()
            self._lock.notify()
        self._cancel.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _next(self) -> tuple[str, int, Callable[[], Any]] | None:
        with self._lock:
            while not self._pending and not self._stopping:
                self._lock.wait()
            if self._stopping:
                return None
            kind = min(
                self._pending, key=lambda k: PRIORITY.index(k) if k in PRIORITY else len(PRIORITY)
            )
            request, job = self._pending.pop(kind)
            self._running, self._running_kind, self._running_request = True, kind, request
            self._cancel.clear()  # a cancel meant for an earlier job never stops this one
            return kind, request, job

    def _loop(self) -> None:
        import torch

        torch.set_num_threads(1)  # batch-1 steps gain nothing from more, and the GUI keeps a core
        while True:
            item = self._next()
            if item is None:
                return
            kind, request, job = item
            self.busyChanged.emit(True)
            try:
                result = job()
            except Cancelled:
                self.failed.emit(kind, request, "cancelled")
            except Superseded:
                self.dropped += 1  # the newer request that overtook it answers instead
            except SketchbookError as exc:
                self.failed.emit(kind, request, str(exc))
            except Exception as exc:  # a bug: say so in the window, keep the thread alive
                traceback.print_exc()
                self.failed.emit(kind, request, f"internal error: {exc}")
            else:
                self.resultReady.emit(kind, request, result)
            finally:
                with self._lock:
                    self._running, self._running_kind = False, None
                    idle = not self._pending
                if idle:
                    self.busyChanged.emit(False)
