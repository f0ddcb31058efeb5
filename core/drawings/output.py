"""Drawings to a file chosen by its suffix: .ndjson, .svg (one, or a grid), .png (a grid)."""

from __future__ import annotations

from pathlib import Path

from core.base.atomic import atomic_write_text
from core.base.errors import BadRequest
from core.drawings.formats import write_ndjson
from core.drawings.render import save_grid
from core.drawings.strokes import Drawing, to_svg


def write_drawings(drawings: list[Drawing | None], out: str | Path, columns: int = 8) -> None:
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix == ".ndjson":
        write_ndjson([d for d in drawings if d is not None], path)
    elif suffix == ".png":
        save_grid(drawings, path, columns=columns)
    elif suffix == ".svg":
        real = [d for d in drawings if d is not None]
        if len(real) == 1:
            atomic_write_text(path, to_svg(real[0]))
        else:
            atomic_write_text(path, svg_grid(real, columns))
    else:
        raise BadRequest(f"cannot write {path.name}: use .ndjson, .png or .svg")


def svg_grid(drawings: list[Drawing], columns: int = 8, cell: int = 128) -> str:
    rows = max(1, -(-len(drawings) // columns))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{columns * cell}" height="{rows * cell}">'
    ]
    for i, d in enumerate(drawings):
        x, y = (i % columns) * cell, (i // columns) * cell
        inner = to_svg(d, size=cell).split("\n", 1)[1].rsplit("</svg>", 1)[0]
        parts.append(f'<g transform="translate({x},{y})">{inner}</g>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
