"""Drawings as pixels: thumbnails, raster metrics and PNG grids (Pillow, no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from core.base.atomic import atomic_write_bytes
from core.drawings.strokes import Drawing, normalize


def draw_into(
    image: Image.Image, drawing: Drawing, box: tuple[int, int, int], width: int = 2, fill: int = 0
) -> None:
    """Draw `drawing` fitted into the square (left, top, size) of a greyscale image."""
    if drawing.is_empty:
        return
    left, top, size = box
    margin = max(2, size // 16)
    fitted = normalize(drawing, size - 2 * margin)
    x0, y0, x1, y1 = fitted.bbox()
    # centre the shorter side
    dx = left + margin + (size - 2 * margin - (x1 - x0)) / 2
    dy = top + margin + (size - 2 * margin - (y1 - y0)) / 2
    pen = ImageDraw.Draw(image)
    for s in fitted.strokes:
        pts = [(float(x + dx), float(y + dy)) for x, y in s]
        if len(pts) == 1:
            x, y = pts[0]
            r = width / 2
            pen.ellipse((x - r, y - r, x + r, y + r), fill=fill)
        else:
            pen.line(pts, fill=fill, width=width, joint="curve")


def raster(drawing: Drawing, size: int = 64, width: int = 2) -> np.ndarray:
    """A (size, size) float array, 1 where ink is, for comparing drawings by their pixels."""
    image = Image.new("L", (size, size), 255)
    draw_into(image, drawing, (0, 0, size), width=width)
    return 1.0 - np.asarray(image, np.float32) / 255.0


def grid_image(
    drawings: Sequence[Drawing | None], columns: int = 8, cell: int = 96, width: int = 2
) -> Image.Image:
    """Drawings laid out in a grid of cells with thin separators; None leaves a cell blank."""
    columns = max(1, min(columns, len(drawings) or 1))
    rows = max(1, -(-len(drawings) // columns))
    image = Image.new("L", (columns * cell, rows * cell), 255)
    pen = ImageDraw.Draw(image)
    for i, d in enumerate(drawings):
        left, top = (i % columns) * cell, (i // columns) * cell
        pen.rectangle((left, top, left + cell - 1, top + cell - 1), outline=220)
        if d is not None:
            draw_into(image, d, (left, top, cell), width=width)
    return image


def save_png(image: Image.Image, path: str | Path) -> None:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    atomic_write_bytes(path, buffer.getvalue())


def save_grid(
    drawings: Sequence[Drawing | None], path: str | Path, columns: int = 8, cell: int = 96
) -> None:
    save_png(grid_image(drawings, columns=columns, cell=cell), path)
