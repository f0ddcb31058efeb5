"""The Gaussian of a group of thought vectors: each cluster's (random faces like cluster K),
the whole dataset's, or a model's own faces'. One estimate everywhere: the covariance shrunk
towards its diagonal, so a small group still gives a usable Gaussian."""

from __future__ import annotations

import numpy as np

from core.base.streams import Stream, run_to_end


def gaussian_of(mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and Cholesky factor of these thought vectors, shrunk as a cluster's are."""
    means, chols = cluster_gaussians(np.asarray(mu, np.float32), np.zeros(len(mu), int), 1)
    return means[0], chols[0]


def cluster_gaussians(mu: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and Cholesky factor of each cluster's covariance (shrunk towards a diagonal, so
    small clusters still give a usable Gaussian)."""
    return run_to_end(cluster_gaussians_stream(mu, labels, k))


def cluster_gaussians_stream(
    mu: np.ndarray, labels: np.ndarray, k: int
) -> Stream[None, tuple[np.ndarray, np.ndarray]]:
    """`cluster_gaussians` with a pause after each cluster."""
    z = mu.shape[1]
    means = np.zeros((k, z), np.float32)
    chol = np.zeros((k, z, z), np.float32)
    for c in range(k):
        members = mu[labels == c]
        means[c] = members.mean(0)
        if len(members) > 1:
            cov = np.cov(members.T)
            shrink = min(1.0, z / len(members))
            cov = (1 - shrink) * cov + shrink * np.diag(np.diag(cov))
        else:
            cov = np.eye(z) * 0.01
        chol[c] = np.linalg.cholesky(cov + np.eye(z) * 1e-5)
        yield None
    return means, chol
