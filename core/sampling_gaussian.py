"""Where a model's own random faces come from: a Gaussian in its latent space, stored in the
model file beside the weights. A model is made for some faces (the shipped one for real Quick,
Draw! faces, a retrained one for one cluster, "my favourites" for those); its random faces by
default come from there, whatever dataset happens to be open in the window.

Two tensors, `sampling.mean` (z) and `sampling.chol` (z x z, a Cholesky factor); a file
without them (one made before they existed, or an average of models) falls back to the open
dataset's Gaussian, then to the prior.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

MEAN_KEY, CHOL_KEY = "sampling.mean", "sampling.chol"
KEYS = (MEAN_KEY, CHOL_KEY)
# the drawings a Gaussian is fitted on, at most (a 128-d covariance is well fitted long before)
MAX_FIT_DRAWINGS = 5000


@dataclass(frozen=True)
class SamplingGaussian:
    """N(mean, chol chol^T) in a model's latent space, and what it was fitted on (for cards)."""

    mean: np.ndarray
    chol: np.ndarray

    @classmethod
    def standard(cls, z_size: int) -> SamplingGaussian:
        """N(0, I): a re-centred model's prior already is its cluster's Gaussian."""
        return cls(np.zeros(z_size, np.float32), np.eye(z_size, dtype=np.float32))

    @classmethod
    def fit(cls, mu: np.ndarray) -> SamplingGaussian:
        """The Gaussian of these thought vectors, shrunk towards a diagonal as a cluster's is
        (the same estimate as "like the dataset's")."""
        from core.indexing import cluster_gaussians

        if len(mu) < 2:
            raise ValueError("a Gaussian needs at least two thought vectors")
        means, chols = cluster_gaussians(np.asarray(mu, np.float32), np.zeros(len(mu), int), 1)
        return cls(means[0], chols[0])

    def tensors(self) -> dict[str, torch.Tensor]:
        import torch

        return {
            MEAN_KEY: torch.as_tensor(np.ascontiguousarray(self.mean, np.float32)),
            CHOL_KEY: torch.as_tensor(np.ascontiguousarray(self.chol, np.float32)),
        }


def split(
    tensors: dict[str, torch.Tensor], z_size: int
) -> tuple[dict[str, torch.Tensor], SamplingGaussian | None]:
    """The model's weights, and its sampling Gaussian if the file holds a well-formed one."""
    weights = {k: v for k, v in tensors.items() if k not in KEYS}
    mean, chol = tensors.get(MEAN_KEY), tensors.get(CHOL_KEY)
    if mean is None or chol is None:
        return weights, None
    mean, chol = mean.float().numpy(), chol.float().numpy()
    if mean.shape != (z_size,) or chol.shape != (z_size, z_size):
        return weights, None
    if not (np.isfinite(mean).all() and np.isfinite(chol).all()):
        return weights, None
    return weights, SamplingGaussian(mean, chol)


def fit_drawings(sketcher, drawings: Sequence, seed: int = 0) -> SamplingGaussian:
    """The Gaussian of `sketcher`'s thought vectors of these drawings (at most
    MAX_FIT_DRAWINGS of them, chosen at random; a big file is never walked whole)."""
    chosen = range(len(drawings))
    if len(drawings) > MAX_FIT_DRAWINGS:
        chosen = sorted(np.random.default_rng(seed).choice(len(drawings), MAX_FIT_DRAWINGS, False))
    drawn = [d for d in (drawings[i] for i in chosen) if not d.is_empty]
    return SamplingGaussian.fit(sketcher.encode_many(drawn))


def store_own_gaussian(out, drawings: Sequence | None, about: str) -> None:
    """After training: write into the model file at `out` where its random faces come from,
    the Gaussian of its thought vectors of `drawings`, or N(0, I) when `drawings` is None (a
    re-centred model, whose prior already is the cluster's Gaussian)."""
    from core.modelfile import store_gaussian
    from core.sketcher import Sketcher

    sketcher = Sketcher.load(out, device="cpu")
    if drawings is None:
        gaussian = SamplingGaussian.standard(sketcher.config.z_size)
    else:
        gaussian = fit_drawings(sketcher, drawings)
    store_gaussian(out, gaussian, {"fitted_on": about})
