"""Work that answers in two steps: a generator that yields early answers (or None, a mere
chance for its consumer to stop) and returns its final answer.

This is how a live reconstruction shows its first points before the decoder ends, and how a
request that was overtaken stops mid-decode: its consumer simply stops iterating. No callback
is handed down through the model code.
"""

from __future__ import annotations

from collections.abc import Generator
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
