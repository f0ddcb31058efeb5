"""The pictures a person looks at before choosing a cluster: per cluster its medoid, members
and samples; and the whole map coloured by cluster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from core.drawings.render import grid_image, save_png
from core.drawings.strokes import Drawing
from core.latent.generate import DEFAULT_SAMPLE_TEMPERATURE, sample_faces
from core.latent.index import LatentIndex
from core.latent.palette import cluster_colour
from core.model.sketcher import Sketcher


def cluster_sheet(
    sketcher: Sketcher, drawings: list[Drawing], index: LatentIndex, cluster: int
) -> Image.Image:
    members = index.members(cluster)
    rng = np.random.default_rng(cluster)
    shown = rng.choice(members, min(16, len(members)), replace=False)
    samples = sample_faces(sketcher, 16, DEFAULT_SAMPLE_TEMPERATURE, index, cluster, seed=cluster)
    medoid = grid_image([drawings[index.medoids[cluster]]], columns=1, cell=192)
    rows = [
        ("medoid", medoid),
        ("members", grid_image([drawings[i] for i in shown], 8)),
        ("samples from this cluster", grid_image(samples, 8)),
    ]
    width = max(img.width for _, img in rows)
    height = sum(img.height + 22 for _, img in rows) + 24
    sheet = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(sheet)
    pen.text((6, 4), f"cluster {cluster}: {len(members)} faces", fill=cluster_colour(cluster))
    y = 24
    for title, img in rows:
        pen.text((6, y + 4), title, fill=(60, 60, 60))
        sheet.paste(img.convert("RGB"), (0, y + 20))
        y += img.height + 22
    return sheet


def map_image(index: LatentIndex, size: int = 800) -> Image.Image:
    image = Image.new("RGB", (size, size), "white")
    pen = ImageDraw.Draw(image)
    lo, hi = index.map_xy.min(0), index.map_xy.max(0)
    span = np.maximum(hi - lo, 1e-9)
    xy = 20 + (index.map_xy - lo) / span * (size - 40)
    for (x, y), c in zip(xy, index.labels, strict=True):
        pen.ellipse((x - 2, size - y - 2, x + 2, size - y + 2), fill=cluster_colour(int(c)))
    for c in range(index.k):
        pen.rectangle((10, 10 + 16 * c, 20, 20 + 16 * c), fill=cluster_colour(c))
        pen.text((26, 9 + 16 * c), f"cluster {c}", fill=(0, 0, 0))
    return image


def write_report(
    sketcher: Sketcher, drawings: list[Drawing], index: LatentIndex, out: Path
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for c in range(index.k):
        path = out / f"cluster_{c}.png"
        save_png(cluster_sheet(sketcher, drawings, index, c), path)
        paths.append(path)
    save_png(map_image(index), out / "map.png")
    paths.append(out / "map.png")
    return paths
