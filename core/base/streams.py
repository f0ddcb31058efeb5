"""Work that answers in two steps: a generator that yields early answers (or None, a mere
chance for its consumer to stop) and returns its final answer.

This is how a live reconstruction shows its first points before the decoder ends, and how a
request that was overtaken stops mid-decode: its consumer simply stops iterating. No callback
is handed down through the model code.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TypeVar

Early = TypeVar("Early")
Final = TypeVar("Final")
Stream = Generator[Early | None, None, Final]


def run_to_end(stream: Generator[object, None, Final]) -> Final:
    """The final answer of a stream, ignoring its early ones."""
    while True:
        try:
            next(stream)
        except StopIteration as stop:
            return stop.value


def map_early(stream: Stream[Early, Final], change: Callable[[Early], object]) -> Stream:
    """The same stream with each early answer (not the None pauses) passed through `change`:
    one layer turning a lower layer's early answers into its own."""
    while True:
        try:
            early = next(stream)
        except StopIteration as stop:
            return stop.value
        yield None if early is None else change(early)


def collect(stream: Stream[Early, Final]) -> tuple[list[Early], Final]:
    """Every early answer (the None pauses left out) and the final one."""
    early: list[Early] = []
    while True:
        try:
            answer = next(stream)
        except StopIteration as stop:
            return early, stop.value
        if answer is not None:
            early.append(answer)
