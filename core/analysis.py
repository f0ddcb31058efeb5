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
    complete: bool = True  # False: the reconstruction's first points, the decoder still going


def analyse(
    sketcher: Sketcher,
    index: LatentIndex,
    drawing: Drawing,
    neighbours: int = 6,
    should_stop: Callable[[], bool] | None = None,
    on_first_points: Callable[[Analysis], None] | None = None,
) -> Analysis:
    """Encode, reconstruct (exactly what `Sketcher.reconstruct` gives), cluster, place on the
    map and find the nearest dataset drawings. Raises BadDrawing for an empty drawing.

    Live use: `on_first_points` gets the whole analysis once, with the reconstruction's first
    few points, as soon as the decoder has drawn them (milliseconds after the encoder), so the
    window shows the cluster and the map marker and starts drawing without waiting for the
    decoder to end. `should_stop` makes it give up (Superseded) once a newer drawing waits."""
    mu_t, limits = sketcher.encode_for_reconstruction([drawing])
    mu = mu_t.cpu().numpy()
    assignment = index.assign(mu)[0]
    shared = {
        "z": mu[0],
        "cluster": assignment.cluster,
        "confidence": assignment.confidence,
        "probabilities": assignment.probabilities,
        "map_xy": index.to_map(mu)[0],
        "neighbours": index.nearest(mu, neighbours)[0],
    }
    first = None
    if on_first_points is not None:

        def first(faces: list[Drawing]) -> None:
            on_first_points(Analysis(reconstruction=faces[0], complete=False, **shared))

    (reconstruction,) = sketcher.reconstruct_from(
        mu_t, limits, should_stop=should_stop, on_first_points=first
    )
    return Analysis(reconstruction=reconstruction, **shared)
