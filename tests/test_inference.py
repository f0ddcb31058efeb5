"""The background service: newest request wins, and Cancel stops long work wherever it is."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Slot

from desktop.inference import InferenceService

WAIT = 10_000


class Receiver(QObject):
    """Collects what the service sends, on the GUI thread, as the window does."""

    def __init__(self, service: InferenceService):
        super().__init__()
        self.results: list[tuple[str, object]] = []
        self.failures: list[tuple[str, str]] = []
        service.resultReady.connect(self.on_result)
        service.failed.connect(self.on_failed)

    @Slot(str, int, object)
    def on_result(self, kind: str, request: int, result: object) -> None:
        self.results.append((kind, result))

    @Slot(str, int, str)
    def on_failed(self, kind: str, request: int, message: str) -> None:
        self.failures.append((kind, message))


def long_job(service: InferenceService, started: threading.Event, steps: int = 10_000):
    def job():
        started.set()
        for step in range(steps):
            service.report("encoding", step, steps)
            threading.Event().wait(0.001)
        return "finished"

    return job


def test_cancel_stops_a_running_load_and_the_next_job_still_runs(qtbot):
    service = InferenceService()
    receiver = Receiver(service)
    started = threading.Event()
    service.submit("load", long_job(service, started))
    assert started.wait(5)
    service.cancel_running()
    qtbot.waitUntil(lambda: receiver.failures == [("load", "cancelled")], timeout=WAIT)
    service.submit("samples", lambda: "faces")
    qtbot.waitUntil(lambda: receiver.results == [("samples", "faces")], timeout=WAIT)
    service.stop()


def test_cancel_before_a_load_starts_drops_it(qtbot):
    service = InferenceService()
    receiver = Receiver(service)
    gate = threading.Event()
    service.submit("analyse", lambda: gate.wait(5) and "analysis")
    service.submit("load", lambda: "loaded")
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
    service.submit("walk", long_job(service, started, steps=300))
    assert started.wait(5)
    service.cancel_running()
    qtbot.waitUntil(lambda: receiver.results == [("walk", "finished")], timeout=WAIT)
    assert receiver.failures == []
    service.stop()


def test_a_burst_of_requests_runs_only_the_newest(qtbot):
    service = InferenceService()
    receiver = Receiver(service)
    gate = threading.Event()
    service.submit("load", lambda: gate.wait(5) and "loaded")
    for n in range(20):
        service.submit("walk", lambda n=n: n)
    gate.set()
    qtbot.waitUntil(lambda: service.is_idle() and len(receiver.results) == 2, timeout=WAIT)
    assert receiver.results == [("load", "loaded"), ("walk", 19)]
    assert service.dropped == 19
    service.stop()


def test_a_live_job_overtaken_by_a_newer_one_stops_and_only_the_newest_answers(qtbot):
    """A pen-up while the previous stroke's analysis still runs: the old one stops at its next
    check (no result, no error shown) and the new drawing's answer comes right after."""
    from core.errors import Superseded

    service = InferenceService()
    receiver = Receiver(service)
    started = threading.Event()

    def stale_analysis():
        started.set()
        for _ in range(5000):  # 5 s if nobody overtakes it
            if service.is_waiting("analyse"):
                raise Superseded("newer drawing")
            threading.Event().wait(0.001)
        return "stale"

    service.submit("analyse", stale_analysis)
    assert started.wait(5)
    assert not service.is_waiting("analyse")
    service.submit("analyse", lambda: "newest")
    qtbot.waitUntil(lambda: service.is_idle() and bool(receiver.results), timeout=2000)
    qtbot.wait(50)
    assert receiver.results == [("analyse", "newest")]
    assert receiver.failures == []
    service.stop()
