"""The face at a map place once the cursor rests there. While the cursor moves, each place is
decoded once (fast enough to follow a drag); at rest it is decoded sixteen times and the try
whose own encoding lands nearest the place's z is shown: the face the model itself would put
back where it came from. One try lands in its map region's cluster about 71% of the time with
the shipped model, the kept try about 80% (README, "A walked face the model would put back").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from core.drawings.strokes import Drawing

if TYPE_CHECKING:
    from core.model.sketcher import Sketcher

REST_TRIES = 16


def faces_at_rest(
    sketcher: Sketcher, z: np.ndarray, temperature: float, seed: int = 0, tries: int = REST_TRIES
) -> list[Drawing]:
    """For each row of z, the try whose encoding is nearest it (an empty try never, unless
    every try is empty)."""
    z = np.asarray(z, np.float32).reshape(-1, sketcher.config.z_size)
    chosen = []
    for place, faces in zip(z, sketcher.decode_tries(z, tries, temperature, seed), strict=True):
        drawn = [f for f in faces if not f.is_empty]
        if not drawn:
            chosen.append(faces[0])
            continue
        mu = sketcher.encode_many(drawn)
        chosen.append(drawn[int(((mu - place) ** 2).sum(1).argmin())])
    return chosen
