"""`sketchbook bench`: the whole benchmark suite as one table beside the budgets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.base.errors import BadRequest


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="run every benchmark and print one table against the budgets")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quick", action="store_true", help="smaller runs and one cluster (minutes)")
    p.add_argument("--grid", default=None, help="also save the retrained models' faces as a PNG")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    checkout = Path(__file__).resolve().parents[2]  # core/cli/ -> the repository root
    if (checkout / "benchmarks" / "suite.py").exists() and str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))
    try:
        from benchmarks import suite
    except ImportError:
        raise BadRequest(
            "the benchmark suite runs from a source checkout (benchmarks/ is not installed)"
        ) from None
    argv = (["--json"] if args.json else []) + (["--quick"] if args.quick else [])
    return suite.main(argv + (["--grid", args.grid] if args.grid else []))
