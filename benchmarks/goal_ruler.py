"""What the fidelity goal (self-retrieval top-1 30%, mean rank 5 on the 60 held-out real faces)
asks of a reconstruction, with no model at all: each face changed by a known amount and scored
exactly as `benchmarks.retrieval` scores a reconstruction (chamfer distance on evenly resampled
points, ranked against all 60 originals). Two kinds of change, each at growing sizes:

- **strokes moved**: every stroke shifted and rescaled on its own (eyes placed a little
  elsewhere, a mouth wider), the kind of slip a decoder makes;
- **smooth warp**: the whole face bent by a low-frequency displacement field.

It also prints how far each face is from its nearest other face: a reconstruction nearer its
own drawing than that is sure to be picked out. Read a model's mean chamfer distance
(`benchmarks.retrieval`) against these rows: at the same distance, a model whose errors pull
every face towards the typical one is picked out less often than random changes are.

    python -m benchmarks.goal_ruler [--json]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

import numpy as np

from benchmarks.errors import run_main
from core.base.resources import sample_faces_path
from core.drawings.formats import read_dataset
from core.drawings.metrics import chamfer, resample, retrieval_ranks
from core.drawings.strokes import Drawing, normalize
from core.training.batching import is_held_out

SIZES = (0.05, 0.1, 0.15, 0.2, 0.3)  # in the unit box every face is fitted into
SEEDS = 3


def strokes_moved(drawing: Drawing, size: float, rng: np.random.Generator) -> Drawing:
    """Each stroke rescaled about its centre by ~N(1, size) per axis and shifted by
    ~N(0, size / 2)."""
    strokes = []
    for s in drawing.strokes:
        s = np.asarray(s, np.float64)
        centre = s.mean(0)
        strokes.append(
            (s - centre) * (1 + rng.normal(0, size, 2)) + centre + rng.normal(0, size / 2, 2)
        )
    return drawing.with_strokes(strokes)


def smooth_warp(drawing: Drawing, size: float, rng: np.random.Generator) -> Drawing:
    """Every point moved by two random sine waves per axis of amplitude `size` / 2 each."""
    k, phase = rng.normal(0, 1, (2, 2, 2)), rng.uniform(0, 2 * np.pi, (2, 2))
    strokes = []
    for s in drawing.strokes:
        s = np.asarray(s, np.float64)
        moved = [
            sum(size / 2 * np.sin(np.pi * s @ k[axis, j] + phase[axis, j]) for j in range(2))
            for axis in range(2)
        ]
        strokes.append(s + np.stack(moved, 1))
    return drawing.with_strokes(strokes)


CHANGES: dict[str, Callable[[Drawing, float, np.random.Generator], Drawing]] = {
    "strokes moved": strokes_moved,
    "smooth warp": smooth_warp,
}


def run() -> dict:
    held = [
        normalize(d, 1.0) for d in read_dataset(sample_faces_path()).drawings() if is_held_out(d)
    ]
    points = [resample(d) for d in held]
    distances = np.array([[chamfer(a, b) for b in points] for a in points])
    np.fill_diagonal(distances, np.inf)
    nearest = distances.min(1)
    results: dict = {
        "faces": len(held),
        "nearest other face, mean / median chamfer": [
            round(float(nearest.mean()), 4),
            round(float(np.median(nearest)), 4),
        ],
    }
    for name, change in CHANGES.items():
        rows = []
        for size in SIZES:
            scores = []
            for seed in range(SEEDS):
                rng = np.random.default_rng(seed)
                ranks, own = retrieval_ranks(held, [change(d, size, rng) for d in held])
                scores.append(((ranks < 1).mean(), ranks.mean() + 1, own.mean()))
            top1, rank, own = np.mean(scores, 0)
            rows.append(
                {
                    "size": size,
                    "mean chamfer": round(float(own), 4),
                    "top1": round(float(top1), 3),
                    "mean rank": round(float(rank), 1),
                }
            )
        results[name] = rows
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run()
    if args.json:
        print(json.dumps(results))
        return
    print(
        f"nearest other face (mean / median chamfer): {results['nearest other face, mean / median chamfer']}"
    )
    for name in CHANGES:
        for row in results[name]:
            print(
                f"{name:<14} size {row['size']:<5} chamfer {row['mean chamfer']:.4f}  "
                f"top-1 {row['top1']:.1%}  mean rank {row['mean rank']}"
            )


if __name__ == "__main__":
    run_main(main)
