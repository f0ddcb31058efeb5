"""`sketchbook app`: open the desktop window (Qt is imported only here, and only when asked)."""

from __future__ import annotations

import argparse


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="open the desktop app (the default with no subcommand)")
    p.add_argument("--model", default=None, help="model file (default: the shipped model)")
    p.add_argument("--data", default=None, help="dataset to map (default: the shipped real faces)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from desktop.app import main

    return main(model=args.model, data=args.data)
