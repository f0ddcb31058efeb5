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
