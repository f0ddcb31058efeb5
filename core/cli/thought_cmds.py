"""Commands that hold thought vectors: `average` and `arithmetic`."""

from __future__ import annotations

import argparse

import numpy as np

from core.base import limits
from core.base.errors import BadRequest
from core.cli.latent_cmds import common, load_context, load_drawing

CLUSTER_PREFIX = "cluster:"


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("average", help="the face the average thought vector of a selection draws")
    common(p)
    chosen = p.add_mutually_exclusive_group()
    chosen.add_argument(
        "--indices", type=limits.DRAWING_INDEX.arg, nargs="+", help="these drawings of --data"
    )
    chosen.add_argument("--cluster", type=limits.CLUSTER.arg, help="every drawing of this cluster")
    p.add_argument(
        "--out",
        required=True,
        help=".png (the average first, then the most typical members), .ndjson or .svg",
    )
    p.set_defaults(run=average_cmd)

    p = sub.add_parser("arithmetic", help="face arithmetic: A - B + C on thought vectors")
    common(p)
    for name in ("a", "b", "c"):
        p.add_argument(
            f"--{name}",
            required=True,
            help="a drawing file, DATAFILE#index, or cluster:K (the centre of cluster K of --data)",
        )
    p.add_argument(
        "--strength",
        type=limits.STRENGTH.arg,
        default=1.0,
        help="A + strength * (C - B), -1 to 3; 1 is A - B + C",
    )
    p.add_argument("--out", required=True, help=".ndjson, .png or .svg")
    p.set_defaults(run=arithmetic_cmd)


def average_cmd(args: argparse.Namespace) -> int:
    from core.drawings.output import write_drawings
    from core.latent.thoughts import average_face

    sketcher, drawings, index = load_context(args)
    if args.cluster is not None:
        positions = index.members(args.cluster)
    elif args.indices:
        positions = np.array(args.indices)
        if positions.min() < 0 or positions.max() >= len(drawings):
            raise BadRequest(f"--indices must be between 0 and {len(drawings) - 1}")
    else:
        positions = np.arange(len(drawings))
    average = average_face(sketcher, index.mu[positions])
    members = [drawings[positions[i]] for i in average.members]
    faces = [average.face] + members if args.out.lower().endswith(".png") else [average.face]
    write_drawings(faces, args.out, columns=len(faces) if len(faces) <= 13 else 8)
    print(f"averaged {average.count} faces into {args.out}")
    return 0


def arithmetic_cmd(args: argparse.Namespace) -> int:
    from core.drawings.output import write_drawings
    from core.latent.thoughts import arithmetic_face

    refs = (args.a, args.b, args.c)
    if any(r.startswith(CLUSTER_PREFIX) for r in refs):
        sketcher, _, index = load_context(args)
    else:
        from core.model.sketcher import Sketcher

        sketcher, index = Sketcher.load(args.model, device=args.device), None
    vectors = [_vector(ref, sketcher, index) for ref in refs]
    face = arithmetic_face(sketcher, *vectors, strength=args.strength)
    write_drawings([face], args.out)
    print(f"wrote A - B + C (strength {args.strength:g}) to {args.out}")
    return 0


def _vector(ref: str, sketcher, index) -> np.ndarray:
    """The thought vector `ref` names: a cluster's centre, or a drawing's mu."""
    if ref.startswith(CLUSTER_PREFIX):
        try:
            cluster = int(ref[len(CLUSTER_PREFIX) :])
        except ValueError:
            raise BadRequest(f"{ref}: write cluster:K with K a number") from None
        index.members(cluster)  # says which clusters there are
        return index.centroids[cluster]
    return sketcher.encode([load_drawing(ref)])[0][0]
