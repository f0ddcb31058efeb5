"""Retraining on one cluster: the drawings of cluster K of a dataset under a model's index, and
the short, gentle fine-tune that makes the model draw more faces like those while keeping what
it knew of faces (lower learning rate, KL term at full weight from the start).

Before the fine-tune the latent space is re-centred on the cluster: the cluster's Gaussian
N(m, L L^T) in the base model's latent space becomes the new model's prior N(0, I). z enters
the decoder only through linear layers, so this is exact for generation (the new model's random
faces are the base model's "more like this cluster" faces) and costs no training; the fine-tune
on the cluster's drawings then teaches the decoder the cluster's own style.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import torch

from core.base.errors import BadRequest
from core.drawings.formats import Dataset
from core.drawings.strokes import Drawing
from core.latent.index import LatentIndex
from core.latent.workspace import load_workspace
from core.model.network import SketchRNN
from core.model.sampling_gaussian import SamplingGaussian
from core.model.sketcher import Sketcher
from core.training.retrain_plan import MIN_CLUSTER_DRAWINGS

# the new prior covers as much of the cluster's spread as it can while its faces stay in the
# cluster: the widest of these whose random faces land in it often enough, at the app's
# sampling temperature and at the slider's warmer end, on the draw it chooses by
SPREADS = (1.0, 0.8, 0.6, 0.45, 0.3, 0.2)
TARGETS = {0.3: 0.92, 0.5: 0.8}  # temperature: share; a margin over the aim on fresh draws
SHARE_SAMPLES = 100
CHOOSE_SEED = 12345  # the draws the Gaussian, the spread and the kept model are chosen by
FRESH_SEED = 54321  # a draw nothing was chosen by: the figure that is reported
# the cluster's Gaussian is refitted on the vectors whose faces land in the cluster, this many
# rounds of this many samples (a cross-entropy-method step: where the decoder's round trip
# keeps the cluster, not only where its drawings' vectors are)
REFIT_ROUNDS = 2
REFIT_SAMPLES = 200
MIN_LANDED = 20


def cluster_dataset(
    sketcher: Sketcher, data: str | Path, cluster: int, clusters: int | str = "auto"
) -> tuple[Dataset, dict, LatentIndex]:
    """The drawings of one cluster (ids as `sketchbook index` and the app show them), and what
    the new model's card should say about them."""
    ws = load_workspace(data=data, k=clusters, sketcher=sketcher)
    members = ws.index.members(cluster)
    if len(members) < MIN_CLUSTER_DRAWINGS:
        raise BadRequest(
            f"cluster {cluster} has only {len(members)} drawings; at least {MIN_CLUSTER_DRAWINGS} are needed to train on"
        )
    drawings = [ws.drawings[i] for i in members]
    described = {
        "dataset": str(data),
        "cluster": cluster,
        "clusters": ws.index.k,
        "drawings": len(drawings),
    }
    dataset = Dataset({"all": drawings}, f"cluster {cluster} of {Path(data).name}")
    return dataset, described, ws.index


def cluster_share(
    model: Sketcher,
    base: Sketcher,
    index: LatentIndex,
    cluster: int,
    temperature: float = 0.3,
    seed: int = CHOOSE_SEED,
) -> float:
    """How often `model`'s random faces land in `cluster`, as the base model's index assigns
    them: the number the retrain is for, measured as the window and `sketchbook sample` draw
    them by default (the model's own Gaussian, the default spread)."""
    from core.latent.generate import sample_faces

    faces = sample_faces(model, SHARE_SAMPLES, temperature, seed=seed)
    return share_of(faces, base, index, cluster)


def shares(
    model: Sketcher, base: Sketcher, index: LatentIndex, cluster: int, seed: int = CHOOSE_SEED
) -> dict[float, float]:
    """The share at each temperature of TARGETS."""
    return {t: cluster_share(model, base, index, cluster, t, seed) for t in TARGETS}


def meets_targets(measured: dict[float, float]) -> bool:
    return all(measured[t] >= target for t, target in TARGETS.items())


def fresh_shares(model: Sketcher, base: Sketcher, index: LatentIndex, cluster: int) -> dict:
    """The shares on a draw that nothing was chosen by (what a person will see)."""
    measured = shares(model, base, index, cluster, FRESH_SEED)
    return {f"T={t}": round(v, 3) for t, v in measured.items()}


def share_of(faces: list[Drawing], base: Sketcher, index: LatentIndex, cluster: int) -> float:
    """The fraction of `faces` that the base model's index assigns to `cluster` (an empty face
    counts as a miss)."""
    return float((labels_of(faces, base, index) == cluster).mean()) if faces else 0.0


def labels_of(faces: list[Drawing], base: Sketcher, index: LatentIndex) -> np.ndarray:
    """The cluster the base model's index puts each face in (-1: an empty face)."""
    labels = np.full(len(faces), -1)
    drawn = [i for i, f in enumerate(faces) if not f.is_empty]
    if drawn:
        mu = base.encode_many([faces[i] for i in drawn])
        labels[drawn] = [a.cluster for a in index.assign(mu)]
    return labels


def landing_gaussian(
    base: Sketcher, index: LatentIndex, cluster: int
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """The cluster's Gaussian, refitted on the sampled vectors whose faces the index puts back
    in the cluster. A cluster's drawings can sit where the decoder draws faces of another
    cluster (cluster 2 of the shipped faces: 47% of its own Gaussian's faces land in it);
    this moves the prior to where they do land. Returns mean, Cholesky factor and the share
    that landed in each round."""
    from core.latent.gaussians import gaussian_of
    from core.latent.generate import DEFAULT_SAMPLE_TEMPERATURE

    mean, chol = index.cluster_means[cluster], index.cluster_chol[cluster]
    landed = []
    for round_ in range(REFIT_ROUNDS):
        seed = CHOOSE_SEED + 1 + round_
        eps = np.random.default_rng(seed).standard_normal((REFIT_SAMPLES, len(mean)))
        z = (mean + eps @ chol.T).astype(np.float32)
        faces = base.decode(z, DEFAULT_SAMPLE_TEMPERATURE, seed=seed, independent=True)
        hit = labels_of(faces, base, index) == cluster
        landed.append(round(float(hit.mean()), 3))
        if hit.sum() < MIN_LANDED:
            break
        mean, chol = gaussian_of(z[hit])
    return mean, chol, landed


def recentred(base: Sketcher, mean: np.ndarray, chol: np.ndarray, spread: float) -> Sketcher:
    """A copy of `base` whose prior is N(mean, chol chol^T) of its latent space, `spread` times
    as wide."""
    model = copy.deepcopy(base.model)
    recentre(model, mean, spread * chol)
    own = SamplingGaussian.standard(base.config.z_size)  # its random faces: the new prior's
    return Sketcher(model, base.scale, base.data, base.info, base.path, "cpu", own)


def choose_start(base: Sketcher, index: LatentIndex, cluster: int) -> tuple[Sketcher, dict]:
    """The re-centred model to fine-tune from: on the cluster's landing Gaussian, the widest
    spread that meets TARGETS (or the most specialised one tried), and what was measured on the
    way (on the choosing draws)."""
    mean, chol, landed = landing_gaussian(base, index, cluster)
    tried = []
    for spread in SPREADS:
        start = recentred(base, mean, chol, spread)
        tried.append((shares(start, base, index, cluster), spread, start))
        if meets_targets(tried[-1][0]):
            break
    measured, spread, start = (
        tried[-1] if meets_targets(tried[-1][0]) else max(tried, key=lambda t: min(t[0].values()))
    )
    return start, {
        "spread": spread,
        "share": round(measured[0.3], 3),
        "shares": measured,
        "landed_per_refit": landed,
    }


@torch.no_grad()
def recentre(model: SketchRNN, mean: np.ndarray, chol: np.ndarray) -> None:
    """Rewrite `model` in place so that its z' relates to the old z by z = mean + chol @ z'.

    Decoder (exact): every layer that reads z is linear, W z + b = (W chol) z' + (b + W mean).
    Encoder: mu' = chol^-1 (mu - mean) exactly; the log-variance moves by the log of each new
    axis's squared length (exact when chol is diagonal, close otherwise, and fine-tuned after).
    """
    m = torch.as_tensor(mean, dtype=torch.float32)
    L = torch.as_tensor(chol, dtype=torch.float32)
    L_inv = torch.linalg.inv(L)
    z_size = m.shape[0]
    init = model.to_init_state
    init.bias += init.weight @ m
    init.weight.copy_(init.weight @ L)
    w_z = model.decoder.weight_ih_l0[:, 5 : 5 + z_size]
    model.decoder.bias_ih_l0 += w_z @ m
    w_z.copy_(w_z @ L)
    model.to_mu.bias.copy_(L_inv @ (model.to_mu.bias - m))
    model.to_mu.weight.copy_(L_inv @ model.to_mu.weight)
    model.to_presig.bias += torch.log((L_inv**2).sum(1))


def keep_the_more_specialised(
    out: Path,
    start: Sketcher,
    base: Sketcher,
    index: LatentIndex,
    cluster: int,
    data,
    info: dict,
) -> dict:
    """After the fine-tune: keep it if its faces land in the cluster at least as often as the
    re-centred start's did (on the choosing draw); else write the start instead (a fine-tune
    can drift on a cluster whose look the decoder cannot hold). Then measure the kept model
    on a fresh draw: that, not the draw it was chosen by, is the figure reported. Returns the
    event that says which was kept and how specialised it is."""
    from core.model.modelfile import save_model

    start_share = info["recentred"]["share"]
    tuned = Sketcher.load(out, device="cpu")
    tuned.gaussian = SamplingGaussian.standard(tuned.config.z_size)  # as train stores it
    tuned_share = round(cluster_share(tuned, base, index, cluster), 3)
    kept = "fine-tuned" if tuned_share >= start_share else "re-centred"
    if kept == "re-centred":
        card = {**info, "kept": "re-centred start"}
        save_model(start.model, out, data.scale, data.description, card)
    fresh = fresh_shares(tuned if kept == "fine-tuned" else start, base, index, cluster)
    return {
        "event": "specialised",
        "kept": kept,
        "share_fine_tuned": tuned_share,
        "share_recentred": start_share,
        "share_fresh": fresh,
    }
