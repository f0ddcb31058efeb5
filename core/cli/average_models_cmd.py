"""`sketchbook average-models`: one model from the mean of several models' weights."""

from __future__ import annotations

import argparse
import shlex

from core.base import limits
from core.base.errors import BadRequest


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "average-models",
        help="one model from the mean of several models' weights (runs from one ancestor)",
    )
    p.add_argument(
        "models",
        nargs="+",
        help="model files of one architecture and scale (default: the shipped model)",
    )
    p.add_argument("--out", required=True, help="where the mean is written (.safetensors)")
    p.add_argument(
        "--weights",
        nargs="+",
        type=limits.WEIGHT.arg,
        default=None,
        help="one per model (default equal)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.model.modelfile import save_model
    from core.training.model_average import average_models

    if not str(args.out).endswith(".safetensors"):
        raise BadRequest("--out must end in .safetensors (models are never pickles)")
    model, scale, data, info = average_models(args.models, args.weights)
    weights = ["--weights", *map(str, args.weights)] if args.weights else []
    info["command"] = shlex.join(
        ["sketchbook", "average-models", *args.models, *weights, "--out", args.out]
    )
    save_model(model, args.out, scale, data, info)
    print(f"the mean of {len(args.models)} models written to {args.out}")
    return 0
