"""Procedural faces against the real Quick, Draw! sample: strokes and points per face after the
canonical simplification (0..255, RDP at 2), and a PNG grid of each for the README.

    python -m benchmarks.face_calibration [--n 5000] [--images docs/]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from core.faces import generate_faces
from core.formats import read_dataset
from core.render import save_grid
from core.resources import sample_faces_path
from core.strokes import Drawing, canonical


def stats(drawings: list[Drawing]) -> dict[str, float]:
    strokes = np.array([len(d.strokes) for d in drawings])
    points = np.array([d.num_points for d in drawings])
    return {
        "strokes_median": float(np.median(strokes)),
        "strokes_p90": float(np.percentile(strokes, 90)),
        "points_median": float(np.median(points)),
        "points_p90": float(np.percentile(points, 90)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument(
        "--images", default=None, help="folder for procedural_faces.png and real_faces.png"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    generated = generate_faces(args.n, seed=1)
    per_second = args.n / (time.perf_counter() - started)
    procedural = [canonical(d) for d in generated]
    real = [canonical(d) for d in read_dataset(sample_faces_path()).drawings()]
    print(f"generator: {per_second:,.0f} faces/s on one core (before simplification)")
    print("| set | faces | strokes median | strokes p90 | points median | points p90 |")
    print("|---|---|---|---|---|---|")
    for name, items in (("procedural (seed 1)", procedural), ("real Quick, Draw! sample", real)):
        s = stats(items)
        print(
            f"| {name} | {len(items)} | {s['strokes_median']:.0f} | {s['strokes_p90']:.0f} "
            f"| {s['points_median']:.0f} | {s['points_p90']:.0f} |"
        )
    if args.images:
        out = Path(args.images)
        save_grid(procedural[:40], out / "procedural_faces.png", columns=8)
        rng = np.random.default_rng(0)
        save_grid(
            [real[i] for i in rng.choice(len(real), 40, replace=False)],
            out / "real_faces.png",
            columns=8,
        )


if __name__ == "__main__":
    main()
