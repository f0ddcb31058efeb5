"""`sketchbook`: one command, many subcommands. Errors a person caused print one line on stderr
and exit with status 2; only bugs produce tracebacks."""

from __future__ import annotations

import argparse
import sys

from core import __version__
from core.base.errors import SketchbookError

EXIT_BAD_INPUT = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse whose refusals are one line on stderr (exit 2), as every other error here is;
    `--help` still prints the whole usage."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from core.cli import (
        app_cmd,
        average_models_cmd,
        bench_cmd,
        data_cmds,
        latent_cmds,
        model_cmds,
        thought_cmds,
    )

    parser = OneLineParser(
        prog="sketchbook",
        description="Draw faces and explore how a sketch-rnn VAE sees them.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands = (
        app_cmd,
        data_cmds,
        model_cmds,
        average_models_cmd,
        latent_cmds,
        thought_cmds,
        bench_cmd,
    )
    for module in commands:
        module.add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:  # a refused option is a status, as every other refusal (and --help a 0)
        args = parser.parse_args(argv)
        if args.command is None:
            args = parser.parse_args(["app", *(argv or sys.argv[1:])])
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return int(args.run(args) or 0)
    except SketchbookError as exc:
        print(f"sketchbook {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"sketchbook {args.command}: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # disk full, permission denied, read-only folder...
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"sketchbook {args.command}: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
