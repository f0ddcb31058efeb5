"""What a "retrain on a cluster" run is, without running it: the presets, the smallest cluster
worth training on, and the command line. Light on imports, so the window's dialog can use it
before torch is loaded."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MIN_CLUSTER_DRAWINGS = 12


@dataclass(frozen=True)
class FineTune:
    """A named length of fine-tuning (the app offers these as presets)."""

    steps: int
    batch_size: int
    lr: float


FINE_TUNES = {
    "quick": FineTune(steps=300, batch_size=50, lr=5e-4),
    "thorough": FineTune(steps=1500, batch_size=50, lr=3e-4),
}
DATASET_STEPS = {"short (2,000 steps)": 2000, "long (10,000 steps)": 10_000}


def dataset_training_arguments(base: str, data: str, out: Path, steps: int) -> list[str]:
    """The `sketchbook train` command line of "Train a model on this dataset": the open model
    fine-tuned on every face of the open file (its own held-back slice validates)."""
    arguments = ["train", "--init", base, "--data", data, "--out", str(out)]
    arguments += ["--steps", str(steps), "--eval-every", str(max(10, steps // 20))]
    return arguments + background_arguments()


def background_arguments() -> list[str]:
    """How the app's own training runs beside the window: one core fewer than there are (the
    window's model keeps one), a lower CPU priority, and only CPU time the window leaves
    (Linux: a pen-up's worker never waits for a core the training holds)."""
    threads = str(max(1, (os.cpu_count() or 1) - 1))
    return ["--threads", threads, "--nice", str(TRAINING_NICE), "--idle"]


TRAINING_NICE = 10


def retrain_arguments(
    base: str,
    data: str,
    cluster: int,
    clusters: int,
    out: Path,
    steps: int | None = None,
    scratch: bool = False,
) -> list[str]:
    """The `sketchbook train` command line the app runs for "Retrain on cluster" (the benchmark
    runs the same one)."""
    arguments = ["train", "--init", base, "--data", data, "--cluster", str(cluster)]
    arguments += ["--clusters", str(clusters), "--out", str(out)]
    steps = steps or FINE_TUNES["quick"].steps
    arguments += ["--steps", str(steps), "--eval-every", str(max(10, steps // 10))]
    arguments += background_arguments()
    return arguments + (["--scratch"] if scratch else [])
