"""After training, where the new model's random faces come from: the Gaussian of its thought
vectors of the faces it was made for, written into its file (`core.model.sampling_gaussian`
holds the format; fitting needs the latent index's estimate and a loaded model, so it lives
here, above both)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.latent import gaussians
from core.model.modelfile import store_gaussian
from core.model.sampling_gaussian import SamplingGaussian
from core.model.sketcher import Sketcher

# the drawings a Gaussian is fitted on, at most (a 128-d covariance is well fitted long before)
MAX_FIT_DRAWINGS = 5000


def gaussian_of(mu: np.ndarray) -> SamplingGaussian:
    """The Gaussian of these thought vectors, shrunk towards a diagonal as a cluster's is
    (the same estimate as "like the dataset's")."""
    if len(mu) < 2:
        raise ValueError("a Gaussian needs at least two thought vectors")
    return SamplingGaussian(*gaussians.gaussian_of(mu))


def fit_drawings(sketcher: Sketcher, drawings: Sequence, seed: int = 0) -> SamplingGaussian:
    """The Gaussian of `sketcher`'s thought vectors of these drawings (at most
    MAX_FIT_DRAWINGS of them, chosen at random; a big file is never walked whole)."""
    chosen = range(len(drawings))
    if len(drawings) > MAX_FIT_DRAWINGS:
        chosen = sorted(np.random.default_rng(seed).choice(len(drawings), MAX_FIT_DRAWINGS, False))
    drawn = [d for d in (drawings[i] for i in chosen) if not d.is_empty]
    return gaussian_of(sketcher.encode_many(drawn))


def store_own_gaussian(out: str | Path, drawings: Sequence | None, about: str) -> None:
    """Write into the model file at `out` where its random faces come from: the Gaussian of
    its thought vectors of `drawings`, or N(0, I) when `drawings` is None (a re-centred model,
    whose prior already is the cluster's Gaussian)."""
    sketcher = Sketcher.load(out, device="cpu")
    if drawings is None:
        gaussian = SamplingGaussian.standard(sketcher.config.z_size)
    else:
        gaussian = fit_drawings(sketcher, drawings)
    store_gaussian(out, gaussian, {"fitted_on": about})
