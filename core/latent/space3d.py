"""The latent space in three dimensions: the three directions in which a dataset's thought
vectors vary most (PCA), and where any other vector falls in them. numpy only, so the window
can lay out the 3-D view without loading scikit-learn."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Space3D:
    mean: np.ndarray  # (z,)
    axes: np.ndarray  # (3, z): the principal directions, largest spread first
    scale: float  # makes the dataset's cloud about 2 units across

    @classmethod
    def fit(cls, mu: np.ndarray) -> Space3D:
        mu = np.asarray(mu, np.float64)
        mean = mu.mean(0)
        centred = mu - mean
        # the z x z covariance, not an SVD of every row: as fast for 160,000 faces as for 600
        cov = centred.T @ centred / max(1, len(mu) - 1)
        values, vectors = np.linalg.eigh(cov)
        order = np.argsort(values)[::-1][:3]
        axes = vectors[:, order].T
        if len(axes) < 3:  # fewer than three latent dimensions: pad with zeros
            axes = np.vstack([axes, np.zeros((3 - len(axes), mu.shape[1]))])
        spread = np.sqrt(np.maximum(values[order], 0)).max() if len(order) else 0.0
        return cls(mean, axes, 1.0 / (2.0 * spread) if spread > 0 else 1.0)

    def place(self, z: np.ndarray) -> np.ndarray:
        """(n, 3) places of vectors (n, z)."""
        return ((np.atleast_2d(z) - self.mean) @ self.axes.T * self.scale).astype(np.float32)
