"""Commands about drawings: `inspect` a file, generate procedural `faces`."""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from core.base import limits
from core.base.errors import BadDrawing
from core.drawings.faces import REAL_HAND, generate_faces
from core.drawings.formats import read_dataset, write_ndjson
from core.drawings.model_input import canonical
from core.drawings.output import write_drawings


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("inspect", help="what a drawing file holds")
    p.add_argument("path")
    p.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    p.set_defaults(run=inspect)

    p = sub.add_parser("faces", help="write procedural faces (collection ndjson, with labels)")
    p.add_argument("--n", type=limits.FACES.arg, default=1000)
    p.add_argument("--seed", type=limits.SEED.arg, default=0)
    p.add_argument(
        "--hand",
        choices=("default", "real"),
        default="default",
        help="default: the shipped model's data; real: a slow drift, bigger features, more "
        "points, nearer real faces (benchmarks.face_calibration)",
    )
    p.add_argument("--out", required=True, help=".ndjson, .png grid or .svg")
    p.set_defaults(run=faces)


def summarize(drawings: list) -> dict:
    """Counts after the canonical simplification (0..255, RDP at 2), as the model sees them."""
    points, strokes, unusable = [], [], 0
    for d in drawings:
        try:
            c = canonical(d)
        except BadDrawing:
            unusable += 1
            continue
        if c.is_empty:
            unusable += 1
            continue
        points.append(c.num_points)
        strokes.append(len(c.strokes))
    if not points:
        return {"drawings": len(drawings), "unusable": unusable}

    def stat(v: list[int]) -> dict:
        a = np.array(v)
        return {
            "median": float(np.median(a)),
            "p90": float(np.percentile(a, 90)),
            "max": int(a.max()),
        }

    return {
        "drawings": len(drawings),
        "unusable": unusable,
        "points": stat(points),
        "strokes": stat(strokes),
    }


def inspect(args: argparse.Namespace) -> int:
    ds = read_dataset(args.path)
    report = {
        "path": args.path,
        "format": ds.format,
        "splits": {name: summarize(items) for name, items in ds.splits.items()},
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{args.path}: {ds.format}, {len(ds)} drawings")
    print(f"{'split':<8}{'drawings':>9}{'unusable':>9}  points med/p90/max   strokes med/p90/max")
    for name, s in report["splits"].items():
        if "points" in s:
            p, k = s["points"], s["strokes"]
            cols = f"{p['median']:>6.0f}{p['p90']:>6.0f}{p['max']:>6d}   {k['median']:>6.0f}{k['p90']:>6.0f}{k['max']:>6d}"
        else:
            cols = "  (no usable drawing)"
        print(f"{name:<8}{s['drawings']:>9}{s['unusable']:>9}  {cols}")
    return 0


def faces(args: argparse.Namespace) -> int:
    from core.base.errors import BadRequest

    if args.n < 1:
        raise BadRequest("--n must be at least 1")
    started = time.perf_counter()
    style = REAL_HAND if args.hand == "real" else None
    drawings = [canonical(d) for d in generate_faces(args.n, seed=args.seed, style=style)]
    if args.out.lower().endswith(".ndjson"):
        write_ndjson(drawings, args.out)
    else:
        write_drawings(drawings, args.out)
    print(f"wrote {args.n} faces to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0
