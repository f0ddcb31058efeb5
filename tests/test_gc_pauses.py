"""The window's imports and first workspace are out of the garbage collector's sight, so a full
collection while drawing walks only what was made since (it walked all of them: ~250 ms)."""

from __future__ import annotations

import gc

from core.gc_pauses import freeze_long_lived


def test_the_window_moves_what_it_loaded_out_of_the_collectors_sight(window):
    assert gc.get_freeze_count() > 10_000  # torch, pyqtgraph, the dataset: all long-lived
    assert not freeze_long_lived()  # once per process: later loads are not frozen again
