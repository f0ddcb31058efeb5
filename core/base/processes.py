"""Processes beside the window: whether another running copy of the app owns something (a
training run, the drawing being autosaved), asked by process id; and how a background training
gives way to the window."""

from __future__ import annotations

import contextlib
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


def give_way(nice: int, idle: bool) -> None:
    """Lower this process's CPU priority: `nice` steps (Unix), and with `idle` run only on CPU
    time nothing else wants (Linux's SCHED_IDLE; elsewhere nice alone). Called before any
    worker thread starts: threads inherit it, and on Linux it is set per thread."""
    if nice > 0 and hasattr(os, "nice"):
        os.nice(min(nice, 19))
    if idle and hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):  # not allowed here: nice alone still gives way
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
