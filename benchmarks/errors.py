"""A benchmark given a bad model or data file says so in one line on stderr and exits 2, as the
app's commands do, instead of a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from core.base.errors import SketchbookError


def run_main(main: Callable[[], None]) -> None:
    try:
        main()
    except (SketchbookError, OSError) as error:
        name = Path(sys.argv[0]).stem
        print(f"{name}: {error}", file=sys.stderr)
        sys.exit(2)
