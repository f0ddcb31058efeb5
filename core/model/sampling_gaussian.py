"""Where a model's own random faces come from: a Gaussian in its latent space, stored in the
model file beside the weights. A model is made for some faces (the shipped one for real Quick,
Draw! faces, a retrained one for one cluster, "my favourites" for those); its random faces by
default come from there, whatever dataset happens to be open in the window.

Two tensors, `sampling.mean` (z) and `sampling.chol` (z x z, a Cholesky factor); a file
without them (one made before they existed, or an average of models) falls back to the open
dataset's Gaussian, then to the prior.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

MEAN_KEY, CHOL_KEY = "sampling.mean", "sampling.chol"
KEYS = (MEAN_KEY, CHOL_KEY)


@dataclass(frozen=True)
class SamplingGaussian:
    """N(mean, chol chol^T) in a model's latent space, and what it was fitted on (for cards)."""

    mean: np.ndarray
    chol: np.ndarray

    @classmethod
    def standard(cls, z_size: int) -> SamplingGaussian:
        """N(0, I): a re-centred model's prior already is its cluster's Gaussian."""
        return cls(np.zeros(z_size, np.float32), np.eye(z_size, dtype=np.float32))

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
