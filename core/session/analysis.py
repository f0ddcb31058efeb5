"""Everything the live view shows about one drawing, from one call."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from core.base import trace
from core.base.streams import Stream, map_early, run_to_end
from core.drawings.metrics import DEFAULT_PICK, DEFAULT_TRIES
from core.drawings.strokes import Drawing
from core.latent.index import LatentIndex

if TYPE_CHECKING:  # torch loads only when a model does, not when the window opens
    from core.model.sketcher import Sketcher

NEIGHBOURS_SHOWN = 6  # the nearest dataset faces the window shows beside the cluster


@dataclass
class Analysis:
    z: np.ndarray  # mu of the drawing
    reconstruction: Drawing
    cluster: int
    confidence: float
    probabilities: np.ndarray
    map_xy: np.ndarray  # (2,)
    # dataset indices, nearest first; empty in the first early answer (they follow: a scan of
    # 160,000 vectors is 3-4 ms the first paint need not wait for)
    neighbours: np.ndarray
    complete: bool = True  # False: the reconstruction's first points, the decoder still going
    drawing: Drawing | None = None  # what was analysed
    tries: int = DEFAULT_TRIES  # the reconstruction is one of this many decodes
    pick: str = DEFAULT_PICK  # ... chosen by the model, or by nearness to the drawing


def analyse_stream(
    sketcher: Sketcher,
    index: LatentIndex,
    drawing: Drawing,
    neighbours: int = NEIGHBOURS_SHOWN,
    tries: int = DEFAULT_TRIES,
    pick: str = DEFAULT_PICK,
) -> Stream[Analysis, Analysis]:
    """Encode, reconstruct (exactly what `Sketcher.reconstruct` gives), cluster, place on the
    map and find the nearest dataset drawings. Raises BadDrawing for an empty drawing.

    Yields the whole analysis once with the reconstruction's first few points, as soon as the
    decoder has drawn them (milliseconds after the encoder), so a window shows the cluster and
    the map marker and starts drawing without waiting for the decoder (the nearest faces come
    with the final answer); then None between chunks
    of decoding (where a consumer whose answer is out of date stops); returns the complete one.
    """
    trace.mark("worker: started")
    mu_t, limits = sketcher.encode_for_reconstruction([drawing])
    mu = mu_t.cpu().numpy()
    trace.mark("worker: encoded")
    assignment = index.assign(mu)[0]
    shared = {
        "z": mu[0],
        "cluster": assignment.cluster,
        "confidence": assignment.confidence,
        "probabilities": assignment.probabilities,
        "map_xy": index.to_map(mu)[0],
        "neighbours": np.zeros(0, int),
        "drawing": drawing,
        "tries": max(1, tries),
        "pick": pick,
    }
    trace.mark("worker: cluster, map")
    stream = sketcher.reconstruct_stream(mu_t, limits, [drawing], tries=tries, pick=pick)
    while True:
        try:
            first = next(stream)
        except StopIteration as done:
            (reconstruction,) = done.value
            break
        if first is not None:
            trace.mark("worker: first points decoded")
        yield None if first is None else Analysis(reconstruction=first[0], complete=False, **shared)
        if not len(shared["neighbours"]):  # once the first points are on their way
            shared["neighbours"] = index.nearest(mu, neighbours)[0]
    if not len(shared["neighbours"]):
        shared["neighbours"] = index.nearest(mu, neighbours)[0]
    return Analysis(reconstruction=reconstruction, **shared)


def more_tries_stream(sketcher: Sketcher, analysis: Analysis, tries: int) -> Stream[None, Analysis]:
    """The analysis with its reconstruction carried from `analysis.tries` decodes to `tries`:
    the answer `analyse_stream(tries=tries)` gives, a moment later (`Sketcher.more_tries_stream`).
    Yields only None (chances to stop: a newer drawing overtakes it)."""
    if analysis.drawing is None or tries <= analysis.tries:
        return analysis
    import torch

    mu = torch.as_tensor(analysis.z[None], device=sketcher.device)  # no second encoder pass
    limits = sketcher.reconstruction_limits([analysis.drawing])
    stream = sketcher.more_tries_stream(
        mu,
        limits,
        [analysis.drawing],
        [analysis.reconstruction],
        analysis.tries,
        tries,
        pick=analysis.pick,
    )
    (reconstruction,) = yield from map_early(stream, lambda _: None)
    return replace(analysis, reconstruction=reconstruction, tries=tries)


def analyse(
    sketcher: Sketcher,
    index: LatentIndex,
    drawing: Drawing,
    neighbours: int = NEIGHBOURS_SHOWN,
    tries: int = DEFAULT_TRIES,
    pick: str = DEFAULT_PICK,
) -> Analysis:
    """`analyse_stream`'s final answer."""
    return run_to_end(analyse_stream(sketcher, index, drawing, neighbours, tries, pick))
