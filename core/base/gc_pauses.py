"""Python's full garbage collection walks every object the process holds: ~250 ms on this
machine once the window has torch, pyqtgraph and a dataset loaded, a freeze of the whole window
whenever one triggers. Those objects (functions, types and tables of the imports, mostly) live
as long as the process, so once the first workspace is up they are moved out of the collector's
sight (`gc.freeze`); later collections walk only what was made since. Once per process: cyclic
garbage that happens to exist at that moment is kept for good, so it is not repeated per load."""

from __future__ import annotations

import gc

_frozen = False


def freeze_long_lived() -> bool:
    """Move every object alive now out of the collector's sight; True the first time."""
    global _frozen
    if _frozen:
        return False
    gc.freeze()
    _frozen = True
    return True


# Who collects. Python's cyclic collector runs on whichever thread happens to allocate when a
# threshold is crossed: in the app, often the inference thread (a pen-up's 64 tries allocate a
# lot). A dead Qt object in a reference cycle collected there is deleted off the GUI thread,
# which Qt forbids (seen as a deadlock: Shiboken's deallocation on the worker waiting for the
# GIL, the GUI thread's deferred deletions waiting on a Qt mutex). So the app turns automatic
# collection off and collects from one thread of its choosing, as often as the automatic
# collector would have (its own thresholds, generation by generation).


def take_over_collection() -> bool:
    """Turn automatic collection off, so that only `collect_due` (called from the thread of
    the caller's choosing) collects; True if it was on."""
    was_on = gc.isenabled()
    gc.disable()
    return was_on


def collect_due() -> int | None:
    """A collection on the calling thread, made to be called on a timer: the young generation
    every time (its count is allocations minus frees, so garbage made and dropped in a burst
    on another thread leaves it low: a count threshold would miss it), older generations when
    the automatic collector's thresholds say (their counts are collections of the younger),
    but only once start-up's objects are frozen: before that, they are mostly what the imports
    and the first workspace make, which live for good (torch's import on the worker made a
    gen-1 collection walk them for 27-44 ms on the GUI thread, for nothing); the freeze then
    takes them out of sight. None when nothing was collected."""
    _, t1, t2 = gc.get_threshold()
    c0, c1, c2 = gc.get_count()
    generation = 0
    if c1 > t1 and _frozen:
        generation = 2 if c2 > t2 else 1
    if generation == 0 and c0 == 0:
        return None
    gc.collect(generation)
    return generation
