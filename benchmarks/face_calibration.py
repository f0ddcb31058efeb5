"""Procedural faces against the real Quick, Draw! sample, after the canonical simplification
(0..255, RDP at 2): strokes and points per face, and per feature of the hand (points in the
first stroke and the others, segment length, turning angle between segments, stroke length),
for the generator's default style (the shipped model's data) and its `REAL_HAND` style; PNG
grids of each for the README.

    python -m benchmarks.face_calibration [--n 5000] [--images docs/]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from core.base.resources import sample_faces_path
from core.drawings.faces import REAL_HAND, FaceStyle, generate_faces
from core.drawings.formats import read_dataset
from core.drawings.model_input import canonical
from core.drawings.render import save_grid
from core.drawings.strokes import Drawing

STYLES = {"procedural, default (seed 1)": FaceStyle(), "procedural, REAL_HAND (seed 1)": REAL_HAND}


def stats(drawings: list[Drawing]) -> dict[str, float]:
    """Medians and 90th percentiles of what differs between a generator's hand and a person's."""
    first, other, segments, turns, lengths = [], [], [], [], []
    for d in drawings:
        for i, s in enumerate(d.strokes):
            (first if i == 0 else other).append(len(s))
            steps = np.diff(s, axis=0)
            if len(steps):
                segment = np.hypot(*steps.T)
                segments.extend(segment)
                lengths.append(segment.sum())
            if len(steps) > 1:
                heading = np.arctan2(steps[:, 1], steps[:, 0])
                turns.extend(np.abs((np.diff(heading) + np.pi) % (2 * np.pi) - np.pi))
    per_face = {
        "strokes": [len(d.strokes) for d in drawings],
        "points": [d.num_points for d in drawings],
        "first stroke points": first,
        "other stroke points": other,
        "segment length": segments,
        "turn (degrees)": np.degrees(turns),
        "stroke length": lengths,
    }
    out = {}
    for name, values in per_face.items():
        out[f"{name} median"] = float(np.median(values))
        out[f"{name} p90"] = float(np.percentile(values, 90))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument(
        "--images",
        default=None,
        help="folder for procedural_faces.png, real_hand_faces.png and real_faces.png",
    )
    args = parser.parse_args()
    sets = {}
    for name, style in STYLES.items():
        started = time.perf_counter()
        generated = generate_faces(args.n, seed=1, style=style)
        per_second = args.n / (time.perf_counter() - started)
        print(f"{name}: {per_second:,.0f} faces/s on one core (before simplification)")
        sets[name] = [canonical(d) for d in generated]
    real = [canonical(d) for d in read_dataset(sample_faces_path()).drawings()]
    sets["real Quick, Draw! sample"] = real
    table = {name: stats(items) for name, items in sets.items()}
    print("| | " + " | ".join(f"{name} ({len(sets[name])})" for name in sets) + " |")
    print("|---" * (len(sets) + 1) + "|")
    for row in next(iter(table.values())):
        print(f"| {row} | " + " | ".join(f"{table[name][row]:.1f}" for name in sets) + " |")
    if args.images:
        out = Path(args.images)
        for name, file in zip(STYLES, ("procedural_faces.png", "real_hand_faces.png"), strict=True):
            save_grid(sets[name][:40], out / file, columns=8)
        rng = np.random.default_rng(0)
        save_grid(
            [real[i] for i in rng.choice(len(real), 40, replace=False)],
            out / "real_faces.png",
            columns=8,
        )


if __name__ == "__main__":
    main()
