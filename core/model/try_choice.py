"""Which of several decodes of one z is shown: chosen by the model, or by the drawing.

A decode at T=0.1 is a sample, and tries differ. Keeping the try nearest the person's drawing
(chamfer) shows a face close to theirs, but that closeness is partly the choosing's, not z's:
64 random faces of the dataset, chosen the same way, come near too (README, "What z keeps").
The model's own pick asks the encoder instead: each try is encoded again, and the try whose
thought vector lies nearest the drawing's z is kept. The drawing's pixels are never consulted,
so what the window shows by default is what z itself carries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from core.drawings.metrics import PICKS, UNFINISHED, nearest_try
from core.drawings.strokes import Drawing

Encoder = Callable[[list[Drawing]], torch.Tensor]  # drawings -> their mu, one row each


def check_pick(pick: str) -> str:
    if pick not in PICKS:
        raise ValueError(f"unknown pick {pick!r}; choose from {', '.join(PICKS)}")
    return pick


def choose_tries(
    pick: str,
    mu: torch.Tensor,
    originals: Sequence[Drawing],
    groups: Sequence[list[Drawing]],
    limits: Sequence[int],
    encode: Encoder,
) -> list[Drawing]:
    """One try of each group: group b holds the decodes of row b of `mu`, and a try that ran
    to its length limit (it circled instead of ending) is kept only if none ended."""
    finished = [[t.num_points < limit for t in g] for g, limit in zip(groups, limits, strict=True)]
    if check_pick(pick) == "drawing":
        return [
            g[nearest_try(d, g, f)] for d, g, f in zip(originals, groups, finished, strict=True)
        ]
    flat = [t for g in groups for t in g]
    inked = [i for i, t in enumerate(flat) if not t.is_empty]
    distances = np.full(len(flat), np.inf)
    if inked:
        owners = np.repeat(np.arange(len(groups)), [len(g) for g in groups])[inked]
        again = encode([flat[i] for i in inked])
        gaps = torch.linalg.vector_norm(again - mu[torch.from_numpy(owners)].to(again), dim=1)
        distances[inked] = gaps.double().cpu().numpy()
    chosen, start = [], 0
    for g, f in zip(groups, finished, strict=True):
        mine = distances[start : start + len(g)] + UNFINISHED * ~np.asarray(f, bool)
        chosen.append(g[int(np.argmin(mine))] if np.isfinite(mine).any() else g[0])
        start += len(g)
    return chosen
