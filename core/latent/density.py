"""A map of many faces as one picture: each pixel coloured by the cluster most of its faces are
in, and as opaque as it is crowded (on a log scale, so a lone face still shows).

At 160,000 faces one dot per face is one overplotted blob in which clusters cannot be told
apart, and repainting it costs a frame many times over; one image of the density costs one.
"""

from __future__ import annotations

import numpy as np

from core.latent.palette import cluster_colour

LONE_FACE_ALPHA = 0.3  # the opacity of a pixel holding a single face


def density_rgba(
    xy: np.ndarray,
    labels: np.ndarray,
    k: int,
    rect: tuple[float, float, float, float],
    shape: tuple[int, int],
) -> np.ndarray:
    """(width, height, 4) uint8 image of the points inside rect = (x0, y0, width, height),
    indexed [x, y] with y growing upwards as on the map."""
    x0, y0, w, h = rect
    nx, ny = shape
    ix = np.floor((xy[:, 0] - x0) / max(w, 1e-12) * nx).astype(np.int64)
    iy = np.floor((xy[:, 1] - y0) / max(h, 1e-12) * ny).astype(np.int64)
    inside = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
    flat = (labels[inside].astype(np.int64) * nx + ix[inside]) * ny + iy[inside]
    counts = np.bincount(flat, minlength=k * nx * ny).reshape(k, nx, ny)
    total = counts.sum(0)
    colours = np.array([cluster_colour(c) for c in range(k)], np.uint8)
    image = np.zeros((nx, ny, 4), np.uint8)
    image[..., :3] = colours[counts.argmax(0)]
    if total.max() > 0:
        crowd = np.log1p(total) / np.log1p(total.max())
        alpha = np.where(total > 0, LONE_FACE_ALPHA + (1 - LONE_FACE_ALPHA) * crowd, 0)
        image[..., 3] = np.round(alpha * 255).astype(np.uint8)
    return image
