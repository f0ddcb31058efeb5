"""The background service: newest request wins, streams answer early and stop when overtaken,
and Cancel stops long work wherever it is."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Slot

from core.session.requests import Request
from desktop.inference import InferenceService

WAIT = 10_000


@dataclass(frozen=True, eq=False)
class Job(Request):
    """A request whose work is any function of the progress callback."""

    key: ClassVar[str] = "walk"
    priority: ClassVar[int] = 2
    work: Callable[[Any], Any]

    def run(self, report):
        return self.work(report)


@dataclass(frozen=True, eq=False)
class LongJob(Job):
    key: ClassVar[str] = "load"
    priority: ClassVar[int] = 0
    long: ClassVar[bool] = True


@dataclass(frozen=True, eq=False)
class LiveJob(Job):
    key: ClassVar[str] = "analyse"
    priority: ClassVar[int] = 1
    overtakable: ClassVar[bool] = True


class Receiver(QObject):
    """Collects what the service sends, on the GUI thread, as the window does."""

    def __init__(self, service: InferenceService):
        super().__init__()
        self.results: list[tuple[str, object]] = []
        self.early: list[tuple[str, object]] = []
        self.failures: list[tuple[str, str]] = []
        service.answered.connect(self.on_result)
        service.early.connect(self.on_early)
        service.failed.connect(self.on_failed)

    @Slot(int, object, object)
    def on_result(self, request_id: int, request: Request, result: object) -> None:
        self.results.append((request.key, result))

    @Slot(int, object, object)
    def on_early(self, request_id: int, request: Request, result: object) -> None:
        self.early.append((request.key, result))

    @Slot(int, object, str)
    def on_failed(self, request_id: int, request: Request, message: str) -> None:
        self.failures.append((request.key, message))


def long_work(started: threading.Event, steps: int = 10_000):
    def work(report):
        started.set()
        for step in range(steps):
            report("encoding", step, steps)
            threading.Event().wait(0.001)
        return "finished"

    return work


def test_cancel_stops_a_running_load_and_the_next_job_still_runs(qtbot):
    service = InferenceService()
    receiver = Receiver(service)
    started = threading.Event()
    service.submit(LongJob(long_work(started)))
    assert started.wait(5)
    service.cancel_running()
    qtbot.waitUntil(lambda: receiver.failures == [("load", "cancelled")], timeout=WAIT)
    service.submit(Job(lambda report: "faces"))
    qtbot.waitUntil(lambda: receiver.results == [("walk", "faces")], timeout=WAIT)
    service.stop()


def test_cancel_before_a_load_starts_drops_it(qtbot):
    service = InferenceService()
    receiver = Receiver(service)
    gate = threading.Event()
    service.submit(LiveJob(lambda report: gate.wait(5) and "analysis"))
    service.submit(LongJob(lambda report: "loaded"))
    service.cancel_running()  # the load is still waiting behind the analysis
    gate.set()
    qtbot.waitUntil(lambda: service.is_idle() and bool(receiver.results), timeout=WAIT)
    qtbot.wait(50)
    assert receiver.failures == [("load", "cancelled")]
    assert receiver.results == [("analyse", "analysis")]
    service.stop()


def test_cancel_leaves_live_work_alone(qtbot):
    service = InferenceService()
    receiver = Receiver(service)
    started = threading.Event()
    service.submit(Job(long_work(started, steps=300)))
    assert started.wait(5)
    service.cancel_running()
    qtbot.waitUntil(lambda: receiver.results == [("walk", "finished")], timeout=WAIT)
    assert receiver.failures == []
    service.stop()


def test_a_burst_of_requests_runs_only_the_newest(qtbot):
    service = InferenceService()
    receiver = Receiver(service)
    gate = threading.Event()
    service.submit(LongJob(lambda report: gate.wait(5) and "loaded"))
    for n in range(20):
        service.submit(Job(lambda report, n=n: n))
    gate.set()
    qtbot.waitUntil(lambda: service.is_idle() and len(receiver.results) == 2, timeout=WAIT)
    assert receiver.results == [("load", "loaded"), ("walk", 19)]
    assert service.dropped == 19
    service.stop()


def test_a_stream_answers_early_then_finally(qtbot):
    service = InferenceService()
    receiver = Receiver(service)

    def stream(report):
        yield "first points"
        yield None  # a chance to stop, nothing to show
        return "whole face"

    service.submit(Job(stream))
    qtbot.waitUntil(lambda: bool(receiver.results), timeout=WAIT)
    assert receiver.early == [("walk", "first points")]
    assert receiver.results == [("walk", "whole face")]
    service.stop()


def test_a_live_stream_overtaken_by_a_newer_one_stops_and_only_the_newest_answers(qtbot):
    """A pen-up while the previous stroke's analysis still runs: the old one stops between its
    steps (no answer, no error shown) and the new drawing's answer comes right after."""
    service = InferenceService()
    receiver = Receiver(service)
    started, steps_after = threading.Event(), []

    def stale(report):
        started.set()
        for _ in range(5000):  # 5 s if nobody overtakes it
            threading.Event().wait(0.001)
            steps_after.append(1)
            yield None
        return "stale"

    service.submit(LiveJob(stale))
    assert started.wait(5)
    service.submit(LiveJob(lambda report: "newest"))
    qtbot.waitUntil(lambda: service.is_idle() and bool(receiver.results), timeout=2000)
    qtbot.wait(50)
    assert receiver.results == [("analyse", "newest")]
    assert receiver.failures == []
    assert len(steps_after) < 5000
    service.stop()


def test_the_drawing_is_answered_while_a_long_load_runs_and_cancel_still_stops_it(qtbot):
    """Loading 160,000 faces takes a minute: what the person draws meanwhile is answered
    between the load's steps, not after it, and Cancel still reaches the load."""
    service = InferenceService()
    receiver = Receiver(service)
    started = threading.Event()

    def load(report):
        started.set()
        for step in range(100_000):
            report("encoding", step, 100_000)
            threading.Event().wait(0.001)
            yield None  # a moment for the person's requests

    service.submit(LongJob(load))
    assert started.wait(5)
    service.submit(LiveJob(lambda report: "analysis"))
    qtbot.waitUntil(lambda: receiver.results == [("analyse", "analysis")], timeout=WAIT)
    assert receiver.failures == []  # the load goes on
    assert service.queue.running()[2].key == "load"
    service.cancel_running()
    qtbot.waitUntil(lambda: receiver.failures == [("load", "cancelled")], timeout=WAIT)
    qtbot.waitUntil(service.is_idle, timeout=WAIT)
    service.stop()
