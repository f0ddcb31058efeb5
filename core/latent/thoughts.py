"""Holding thought vectors: the average face of a selection, and face arithmetic (A - B + C).

An RNN autoencoder turns each drawing into one vector, and vectors can be averaged and mixed
where drawings cannot; the decoder turns the result back into a face.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.base import limits
from core.base.errors import BadRequest
from core.drawings.strokes import Drawing
from core.latent.generate import average_z

if TYPE_CHECKING:  # torch loads only when a model does, not when the window opens
    from core.model.sketcher import Sketcher

THOUGHT_TEMPERATURE = 0.05  # as the map walk: the face a vector stands for, nearly deterministic
MEMBERS_SHOWN = 12


@dataclass
class Average:
    face: Drawing  # what the average thought vector draws
    z: np.ndarray
    members: list[int]  # positions in the selection, the most typical first
    count: int  # how many faces were averaged


def average_face(sketcher: Sketcher, vectors: np.ndarray, shown: int = MEMBERS_SHOWN) -> Average:
    """Decode the mean of `vectors`; `members` are the selection's faces nearest to it."""
    vectors = np.atleast_2d(np.asarray(vectors, np.float32))
    z = average_z(vectors)
    face = sketcher.decode(z, temperature=THOUGHT_TEMPERATURE, seed=0)[0]
    order = np.argsort(np.linalg.norm(vectors - z, axis=1), kind="stable")[:shown]
    return Average(face, z, [int(i) for i in order], len(vectors))


def arithmetic_z(a: np.ndarray, b: np.ndarray, c: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """A - B + C with the difference scaled: A + strength * (C - B). At strength 1, "my face,
    minus the frowning cluster's centre, plus the smiling one's"; at 0, A itself."""
    limits.STRENGTH.check("the strength of face arithmetic", strength)
    a, b, c = (np.asarray(v, np.float32).reshape(-1) for v in (a, b, c))
    if not a.shape == b.shape == c.shape:
        raise BadRequest("face arithmetic needs three vectors of the same model")
    return (a + strength * (c - b)).astype(np.float32)


def arithmetic_face(
    sketcher: Sketcher, a: np.ndarray, b: np.ndarray, c: np.ndarray, strength: float = 1.0
) -> Drawing:
    return sketcher.decode(
        arithmetic_z(a, b, c, strength), temperature=THOUGHT_TEMPERATURE, seed=0
    )[0]
