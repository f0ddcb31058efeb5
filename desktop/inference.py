"""One background thread for everything the model does; the window never waits on it.

Requests (`core.session.requests`) wait in a `LatestQueue`: a new request replaces the one still
waiting under its key, so a burst of strokes costs one analysis of the newest drawing, never a
queue. A request that answers in two steps (a stream) reaches the window as `early`, then as
`answered`; between its steps the service checks whether a newer request of its key waits and,
for an overtakable one, stops it there; between a long job's steps it answers the person's
short requests. Answers carry the request and its id, so the session
can drop anything older than what it shows.
"""

from __future__ import annotations

import inspect
import sys
import threading
import traceback
from typing import Any

from PySide6.QtCore import QObject, Signal

from core.base import trace
from core.base.errors import SketchbookError
from core.session.jobs import LatestQueue, serve
from core.session.requests import Request


class Cancelled(Exception):
    """Raised inside a long job whose Cancel was clicked."""


class InferenceService(QObject):
    early = Signal(int, object, object)  # request id, request, its early answer
    answered = Signal(int, object, object)  # request id, request, its final answer
    failed = Signal(int, object, str)  # request id, request, a message a person can read
    progress = Signal(str, int, int)  # stage, done, total (for long jobs)
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.queue = LatestQueue()
        self._cancel = threading.Event()
        self._stopping = False
        self.overtaken = 0  # requests stopped mid-way by a newer one of their key
        self._torch_threads_set = False
        self._thread = threading.Thread(target=self._serve, name="inference", daemon=True)
        # hand the GIL back to the GUI thread every 2 ms (default 5) while the worker runs Python
        sys.setswitchinterval(0.002)

    def submit(self, request: Request) -> int:
        """Queue `request` (run on the worker thread) as the newest of its key."""
        request_id = self.queue.put(request.key, request, request.priority)
        if not self._thread.is_alive() and not self._stopping:
            self._thread.start()  # on first use, so nothing competes with the window's start-up
        return request_id

    @property
    def dropped(self) -> int:
        """Requests that never finished because a newer one of their key replaced them."""
        return self.queue.dropped + self.overtaken

    def is_idle(self) -> bool:
        """Nothing waiting and nothing running (its answer may still be on its way as a signal)."""
        return self.queue.is_idle()

    def cancel_running(self) -> None:
        """Stop the long jobs (loading, indexing): drop those still waiting, and ask the running
        one to stop at its next progress report. A click before the job starts is never lost."""
        for request_id, request in self.queue.remove(lambda r: r.long):
            self.failed.emit(request_id, request, "cancelled")
        running = self.queue.running()
        if running is not None and running[2].long:
            self._cancel.set()

    def report(self, stage: str, done: int, total: int) -> None:
        """Progress from a long job; also where a Cancel takes effect."""
        self.progress.emit(stage, done, total)
        if self._cancel.is_set():
            self._cancel.clear()
            raise Cancelled

    def stop(self) -> None:
        self._stopping = True
        self.queue.stop()
        self._cancel.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _serve(self) -> None:
        # torch is imported by the first request that needs the model (core.model.lazy_model), not
        # here: importing it first held the window up 1-2 s before a cached map could be shown
        serve(self.queue, self._run)

    def _one_thread_for_torch(self) -> None:
        """Once torch is loaded: batch-1 steps gain nothing from more threads, and the GUI
        keeps a core (torch's thread count is the calling thread's own, so it is set here)."""
        if not self._torch_threads_set and "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(1)
            self._torch_threads_set = True

    def _run(self, key: str, request_id: int, request: Request, between: bool = False) -> None:
        """Answer one request. `between`: it is answered between a long job's steps (the long
        job's Cancel and busy state are left alone)."""
        if not between:
            self._cancel.clear()  # a cancel meant for an earlier job never stops this one
            self.busyChanged.emit(True)
            self._one_thread_for_torch()  # (not inside a long job: it chose its own)
        try:
            answer = self._answer(request_id, request)
        except Cancelled:
            self.failed.emit(request_id, request, "cancelled")
        except SketchbookError as exc:
            self.failed.emit(request_id, request, str(exc))
        except Exception as exc:  # a bug: say so in the window, keep the thread alive
            traceback.print_exc()
            self.failed.emit(request_id, request, f"internal error: {exc}")
        else:
            if answer is not _OVERTAKEN:
                self.answered.emit(request_id, request, answer)
        finally:
            if not between and not self.queue.waiting_keys():
                self.busyChanged.emit(False)

    def _answer(self, request_id: int, request: Request) -> Any:
        """Run the request; a stream's early answers go out as they come, and an overtakable
        one stops between them once a newer request of its key waits."""
        answer = request.run(self.report)
        if not inspect.isgenerator(answer):
            return answer
        stream = answer
        while True:
            try:
                early = next(stream)
            except StopIteration as done:
                return done.value
            if request.overtakable and self.queue.is_waiting(request.key):
                stream.close()
                self.overtaken += 1
                return _OVERTAKEN
            if early is not None:
                self.early.emit(request_id, request, early)
                trace.mark("worker: answer sent")
            if request.long:
                self._answer_between()

    def _answer_between(self) -> None:
        """While a long job (loading 160,000 faces) runs, what the person does meanwhile
        (drawing, dragging the map) is answered between its steps, not after it."""
        while (taken := self.queue.take_between(lambda item: not item.long)) is not None:
            try:
                self._run(*taken, between=True)
            finally:
                self.queue.finished()


_OVERTAKEN = object()  # the answer of a request a newer one replaced mid-way
