"""Making new faces from thought vectors: random ones, ones from a cluster, the faces between
two vectors (slerp), averages, and completions of a half-drawn face."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from core.base import limits
from core.base.errors import BadRequest
from core.drawings.strokes import Drawing
from core.latent.index import LatentIndex

if TYPE_CHECKING:  # torch loads only when a model does, not when the window opens
    from core.model.sketcher import Sketcher

DEFAULT_SAMPLE_TEMPERATURE = 0.3
# where random faces' z come from. MODEL: the Gaussian stored in the model file, fitted on
# what it was made for (the shipped model: its real training faces; a model retrained on a
# cluster: that cluster, which its re-centred prior already is; see core.model.sampling_gaussian).
# DATASET: the Gaussian of the open dataset's thought vectors. PRIOR: N(0, I). The encoder puts
# faces in a small part of the prior (the shipped model's faces: mean norm 4.0 where the
# prior's is 8, spread 0.3 a dimension), so most prior samples are z no face has (README,
# "Random faces like the dataset's"); and the open dataset's Gaussian spans every cluster, so
# after a retrain on one it would give ~20% of that cluster where the model's own gives 85%+
MODEL, DATASET, PRIOR = "model", "dataset", "prior"
SOURCES = (MODEL, DATASET, PRIOR)
DEFAULT_SOURCE = MODEL
# random faces' z are drawn this close to the centre (1: the Gaussian itself); a narrower draw
# gives fewer scribbles and less variety (README, "Random faces like the dataset's")
DEFAULT_SAMPLE_SPREAD = 0.8


def prior_z(n: int, z_size: int, temperature: float = 1.0, seed: int = 0) -> np.ndarray:
    """z ~ N(0, I), scaled by `temperature` (the spread of the prior that is explored)."""
    return (np.random.default_rng(seed).standard_normal((n, z_size)) * temperature).astype(
        np.float32
    )


def gaussian_z(
    mean: np.ndarray, chol: np.ndarray, n: int, temperature: float = 1.0, seed: int = 0
) -> np.ndarray:
    """z from the Gaussian with this mean and Cholesky factor; `temperature` scales its spread."""
    eps = np.random.default_rng(seed).standard_normal((n, len(mean)))
    return (mean + temperature * eps @ chol.T).astype(np.float32)


def cluster_z(
    index: LatentIndex, cluster: int, n: int, temperature: float = 1.0, seed: int = 0
) -> np.ndarray:
    """z from one cluster's own Gaussian; `temperature` scales its spread."""
    index.members(cluster)  # validates the id
    return gaussian_z(
        index.cluster_means[cluster], index.cluster_chol[cluster], n, temperature, seed
    )


def slerp(a: np.ndarray, b: np.ndarray, steps: int) -> np.ndarray:
    """Spherical interpolation (as sketch-rnn does): stays at the norm typical of the prior,
    where a straight line between two vectors would pass through the unlikely middle."""
    if steps < 2:
        raise BadRequest("an interpolation needs at least 2 steps")
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    t = np.linspace(0.0, 1.0, steps)[:, None]
    cos = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12)
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if omega < 1e-6:
        return ((1 - t) * a + t * b).astype(np.float32)
    out = (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)
    return out.astype(np.float32)


def average_z(vectors: np.ndarray) -> np.ndarray:
    """The "average face" of a selection: the mean of its thought vectors."""
    vectors = np.atleast_2d(vectors)
    if len(vectors) == 0:
        raise BadRequest("nothing selected to average")
    return vectors.mean(0).astype(np.float32)


def sample_faces(
    sketcher: Sketcher,
    n: int,
    temperature: float = DEFAULT_SAMPLE_TEMPERATURE,
    index: LatentIndex | None = None,
    cluster: int | None = None,
    seed: int = 0,
    spread: float = DEFAULT_SAMPLE_SPREAD,
    source: str = DEFAULT_SOURCE,
) -> list[Drawing]:
    """Random faces: z from one cluster's Gaussian when `cluster` is given, else from the
    model's own (MODEL), the whole dataset's (DATASET) or the prior N(0, I) (PRIOR), scaled by
    `spread`; then decoded at the sampling `temperature`, each face with its own random numbers
    (independent draws, as a share measured on them assumes). The defaults are the window's."""
    if n < 1:
        raise BadRequest("ask for at least one face")
    limits.TEMPERATURE.check("temperature", temperature)
    limits.SPREAD.check("spread", spread)
    if source not in SOURCES:
        raise BadRequest(f"random faces come from {', '.join(SOURCES)}, not {source!r}")
    if (cluster is not None or source == DATASET) and index is None:
        raise BadRequest("sampling from a cluster or like a dataset needs a dataset index")
    if cluster is not None:
        z = cluster_z(index, cluster, n, temperature=spread, seed=seed)
    else:
        z = gaussian_z(*source_gaussian(sketcher, source, index), n, spread, seed)
    return sketcher.decode(z, temperature=temperature, seed=seed, independent=True)


def source_gaussian(
    sketcher: Sketcher, source: str, index: LatentIndex | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and Cholesky factor that `source`'s random faces come from. A model file without
    its own Gaussian (made before models stored one) samples like the open dataset, or from
    the prior when no dataset is open."""
    if source == MODEL and sketcher.gaussian is not None:
        return sketcher.gaussian.mean, sketcher.gaussian.chol
    if source in (MODEL, DATASET) and index is not None:
        return index.dataset_gaussian()
    if source == DATASET:
        raise BadRequest("sampling like a dataset needs a dataset index")
    z_size = sketcher.config.z_size
    return np.zeros(z_size, np.float32), np.eye(z_size, dtype=np.float32)


def source_caption(sketcher: Sketcher, source: str, index: LatentIndex | None = None) -> str:
    """What a grid of random faces from `source` is like, in a few words."""
    if source == MODEL and sketcher.gaussian is not None:
        trained_on = sketcher.info.get("trained_on") or {}
        if "cluster" in trained_on:
            return f"like cluster {trained_on['cluster']}"
        return "like the model's faces"
    if source in (MODEL, DATASET) and index is not None:
        return "like the dataset"
    return "from the prior"


def interpolate(sketcher: Sketcher, a: np.ndarray, b: np.ndarray, steps: int = 8) -> list[Drawing]:
    """The faces between two thought vectors, decoded as one batch (the same seed for every
    step, so the strip changes only as z does)."""
    return sketcher.decode(slerp(a, b, steps), temperature=0.05, seed=0)


def complete(
    sketcher: Sketcher, partial: Drawing, n: int = 4, temperature: float = 0.3, seed: int = 0
) -> list[Drawing]:
    """`n` different endings of a half-drawn face."""
    if partial.is_empty:
        raise BadRequest("draw part of a face first: there is nothing to complete")
    return sketcher.continue_drawing(partial, n=n, temperature=temperature, seed=seed)
