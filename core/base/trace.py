"""Timestamps along the pen-up path, for the benchmark's breakdown table (where the
milliseconds between a pen-up and its answer on screen go, worker and GUI thread alike).

Off unless a benchmark turns it on: `mark` is then one global lookup and a branch. Marks come
from two threads; `list.append` is atomic under the GIL, so no lock is needed.
"""

from __future__ import annotations

import time

_events: list[tuple[str, float]] | None = None


def start() -> None:
    """Begin recording (again, from nothing)."""
    global _events
    _events = []


def stop() -> None:
    global _events
    _events = None


def mark(name: str) -> None:
    """Note that the pen-up path reached `name` now."""
    if _events is not None:
        _events.append((name, time.perf_counter()))


def take() -> list[tuple[str, float]]:
    """The marks since the last take, oldest first; recording goes on."""
    global _events
    if _events is None:
        return []
    taken, _events = _events, []
    return taken
