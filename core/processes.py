"""Whether another running copy of the app owns something (a training run, the drawing being
autosaved): the one test both ask, by process id."""

from __future__ import annotations

import os


def process_alive(pid: int) -> bool:
    """A process other than this one is running under `pid` (this process never counts: what
    it owns it finds only after an earlier window of it let go)."""
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True
