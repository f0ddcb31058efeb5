"""The window's imports and first workspace are out of the garbage collector's sight, so a full
collection while drawing walks only what was made since (it walked all of them: ~250 ms)."""

from __future__ import annotations

import gc

from core.base.gc_pauses import freeze_long_lived


def test_the_window_moves_what_it_loaded_out_of_the_collectors_sight(window):
    assert gc.get_freeze_count() > 10_000  # torch, pyqtgraph, the dataset: all long-lived
    assert not freeze_long_lived()  # once per process: later loads are not frozen again


def test_garbage_made_on_a_worker_thread_is_collected_on_the_gui_thread(window, qtbot):
    """A dead object in a reference cycle (as a dead Qt widget can be) is never freed by a
    collection that a worker thread's allocations set off: it waits for the GUI thread."""
    import threading

    freed_on: list[threading.Thread] = []

    class InACycle:
        def __del__(self):
            freed_on.append(threading.current_thread())

    def work_like_the_inference_thread():
        doomed = InACycle()
        doomed.me = doomed  # only the cyclic collector can free it
        del doomed
        churn = [[i] for i in range(300_000)]  # crosses every collection threshold many times
        del churn

    assert not gc.isenabled()  # the app collects on a timer of the GUI thread instead
    worker = threading.Thread(target=work_like_the_inference_thread)
    worker.start()
    worker.join()
    assert freed_on == []  # not on the worker
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)
    assert freed_on == [threading.main_thread()]
