"""Requests waiting for one worker thread, at most one per key.

A new request replaces the one still waiting under its key, so a burst of strokes costs one
analysis of the newest drawing, never a queue; different keys (a completion and a clicked
face's reconstruction) never replace each other. Qt-free: the window's inference service and
the autosaver are both a `LatestQueue` served by one thread running `serve`.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Hashable
from typing import Any


class LatestQueue:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._waiting: dict[Hashable, tuple[int, int, Any]] = {}  # key -> (priority, id, item)
        self._ids = itertools.count(1)
        # what runs: a long job at the bottom, and on top of it what the person asked for
        # meanwhile, answered between the long job's steps (`take_between`)
        self._running: list[tuple[Hashable, int, Any]] = []
        self._stopping = False
        self.latest: dict[Hashable, int] = {}  # newest request id asked for, per key
        self.dropped = 0  # requests replaced while waiting

    def put(self, key: Hashable, item: Any, priority: int = 0) -> int:
        """Queue `item` as the newest request of `key`; returns its id (ids only grow)."""
        with self._lock:
            request = next(self._ids)
            if key in self._waiting:
                self.dropped += 1
            self._waiting[key] = (priority, request, item)
            self.latest[key] = request
            self._lock.notify_all()
            return request

    def take(self) -> tuple[Hashable, int, Any] | None:
        """The most urgent waiting request (lowest priority number, then oldest), marked as
        running; blocks until there is one. None once the queue is stopped."""
        with self._lock:
            self._lock.wait_for(lambda: self._waiting or self._stopping)
            if self._stopping:
                return None
            key = min(self._waiting, key=lambda k: self._waiting[k][:2])
            _, request, item = self._waiting.pop(key)
            self._running.append((key, request, item))
            return key, request, item

    def take_between(self, which: Callable[[Any], bool]) -> tuple[Hashable, int, Any] | None:
        """The most urgent waiting request that `which` allows, without waiting for one: a
        long job calls this between its steps to answer what the person does meanwhile."""
        with self._lock:
            keys = [k for k, (_, _, item) in self._waiting.items() if which(item)]
            if not keys or self._stopping:
                return None
            key = min(keys, key=lambda k: self._waiting[k][:2])
            _, request, item = self._waiting.pop(key)
            self._running.append((key, request, item))
            return key, request, item

    def finished(self) -> None:
        with self._lock:
            if self._running:
                self._running.pop()
            self._lock.notify_all()

    def is_waiting(self, key: Hashable) -> bool:
        """Whether a newer request of `key` waits: a running job asks this between its early
        answers, to stop once its answer is out of date (one dict lookup, atomic under the GIL)."""
        return key in self._waiting

    def running(self) -> tuple[Hashable, int, Any] | None:
        """The job the worker took from `take` (not one answered between its steps)."""
        with self._lock:
            return self._running[0] if self._running else None

    def waiting_keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._waiting)

    def remove(self, which: Callable[[Any], bool]) -> list[tuple[int, Any]]:
        """Take out the waiting requests whose item `which` picks; returns (id, item) of each."""
        with self._lock:
            keys = [k for k, (_, _, item) in self._waiting.items() if which(item)]
            removed = [self._waiting.pop(k)[1:] for k in keys]
            self._lock.notify_all()
            return removed

    def is_idle(self) -> bool:
        """Nothing waiting and nothing running."""
        with self._lock:
            return not self._waiting and not self._running

    def wait_idle(self, timeout: float) -> bool:
        with self._lock:
            return self._lock.wait_for(
                lambda: (not self._waiting and not self._running) or self._stopping, timeout
            )

    def stop(self) -> None:
        """Drop what waits and wake the worker, which then ends after its running request."""
        with self._lock:
            self._stopping = True
            self._waiting.clear()
            self._lock.notify_all()


def serve(queue: LatestQueue, handle: Callable[[Hashable, int, Any], None]) -> None:
    """A worker thread's loop: handle each request in turn until the queue is stopped."""
    while (taken := queue.take()) is not None:
        try:
            handle(*taken)
        finally:
            queue.finished()
