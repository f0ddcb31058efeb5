"""The valid range of every numeric setting a person gives, in one place: the command line
refuses a value outside it (exit 2, one line) and the window's sliders and spin boxes offer
exactly it, so the two never disagree about what a temperature of -1 means (nothing)."""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

from core.base.errors import BadRequest


@dataclass(frozen=True)
class Limit:
    """A range [low, high] of ints or floats, or [low, high) with `below_high` (NaN and
    infinities are never in it)."""

    low: float
    high: float
    kind: type = float
    below_high: bool = False

    def describe(self) -> str:
        if self.high == math.inf:
            return f"at least {self._show(self.low)}"
        if self.below_high:
            return f"at least {self._show(self.low)} and below {self._show(self.high)}"
        return f"between {self._show(self.low)} and {self._show(self.high)}"

    def _show(self, value: float) -> str:
        return f"{int(value):,}" if self.kind is int else f"{value:g}"

    def contains(self, value: float) -> bool:
        if not (math.isfinite(value) and self.low <= value <= self.high):
            return False
        return not (self.below_high and value == self.high)

    def check(self, name: str, value: float) -> float:
        """`value`, or BadRequest naming the setting and its range."""
        if not self.contains(value):
            raise BadRequest(f"{name} must be {self.describe()}, not {value:g}")
        return value

    def arg(self, text: str) -> float:
        """An argparse `type`: the value parsed and in range, or argparse's own error."""
        try:
            value = self.kind(text)
        except ValueError:
            noun = "a whole number" if self.kind is int else "a number"
            raise argparse.ArgumentTypeError(f"must be {noun}, not {text!r}") from None
        if not self.contains(value):
            raise argparse.ArgumentTypeError(f"must be {self.describe()}, not {text}")
        return value


TEMPERATURE = Limit(0.01, 1.0)  # the decoder's sampling temperature (sketch-rnn's 0..1)
SPREAD = Limit(0.1, 1.5)  # random faces' z around the centre of where they come from
SEED = Limit(0, 2**32 - 1, int)  # numpy's generators take no negative seed
FACES = Limit(1, 10_000_000, int)  # faces asked of one command (sample, procedural faces)
COMPLETIONS = Limit(1, 256, int)
INTERPOLATION_STEPS = Limit(2, 256, int)
STRENGTH = Limit(-3.0, 3.0)  # face arithmetic's A + strength * (C - B)
CLUSTER = Limit(0, math.inf, int)  # an id; whether the index has it is the index's to say
CLUSTERS = Limit(1, 1000, int)  # k of k-means (1: one cluster, as "train on my favourites")
DRAWING_INDEX = Limit(0, math.inf, int)
TRAIN_STEPS = Limit(1, 10_000_000, int)
BATCH = Limit(1, 10_000, int)
LEARNING_RATE = Limit(1e-7, 1.0)
EVAL_EVERY = Limit(1, 10_000_000, int)
THREADS = Limit(1, 1024, int)
NICE = Limit(0, 19, int)  # Unix niceness a process may add to itself
REPEAT = Limit(1, 1000, int)
LIMIT = Limit(1, math.inf, int)
WEIGHT = Limit(0.0, 1e6)  # a model's weight in an average
KL_TOLERANCE = Limit(0.0, 10.0, below_high=True)  # free nats per latent dimension
INPUT_SHARE = Limit(0.0, 1.0, below_high=True)  # of the decoder's inputs (all: nothing learnt)
SHARE = Limit(0.0, 1.0)
LOSS_WEIGHT = Limit(0.0, 100.0)  # of a training-only term beside the reconstruction
AVERAGE_FROM = Limit(0, math.inf, int)
AVERAGE_DECAY = Limit(0.0, 1.0, below_high=True)  # 0 is refused below: a mean of one step
