"""Everything the live view shows about one drawing, from one call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.latent import LatentIndex
from core.strokes import Drawing

if TYPE_CHECKING:  # torch loads only when a model does, not when the window opens
    from core.sketcher import Sketcher


@dataclass
class Analysis:
    z: np.ndarray  # mu of the drawing
    reconstruction: Drawing
    cluster: int
    confidence: float
    probabilities: np.ndarray
    map_xy: np.ndarray  # (2,)
    neighbours: np.ndarray  # dataset indices, nearest first


def analyse(
    sketcher: Sketcher,
    index: LatentIndex,
    drawing: Drawing,
    neighbours: int = 6,
    should_stop: Callable[[], bool] | None = None,
) -> Analysis:
    """Encode, reconstruct (exactly what `Sketcher.reconstruct` gives), cluster, place on the
    map and find the nearest dataset drawings. Raises BadDrawing for an empty drawing, and
    Superseded as soon as `should_stop` says a newer drawing is waiting (the live view asks
    after every stroke, and a stale answer would only delay the next one)."""
    mu, (reconstruction,) = sketcher.encode_and_reconstruct([drawing], should_stop=should_stop)
    assignment = index.assign(mu)[0]
    return Analysis(
        z=mu[0],
        reconstruction=reconstruction,
        cluster=assignment.cluster,
        confidence=assignment.confidence,
        probabilities=assignment.probabilities,
        map_xy=index.to_map(mu)[0],
        neighbours=index.nearest(mu, neighbours)[0],
    )
