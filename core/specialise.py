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

from core.errors import BadRequest
from core.formats import Dataset
from core.latent import LatentIndex
from core.model import SketchRNN
from core.retrain_plan import MIN_CLUSTER_DRAWINGS
from core.sketcher import Sketcher
from core.strokes import Drawing
from core.workspace import load_workspace

# the new prior covers as much of the cluster's spread as it can while its faces stay in the
# cluster: the widest of these whose random faces land in it TARGET_SHARE of the time
SPREADS = (1.0, 0.8, 0.6, 0.45, 0.3)
TARGET_SHARE = 0.85  # 0.8 on 100 samples came out at 68% on a fresh 100 once
SHARE_SAMPLES = 100


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


def cluster_share(model: Sketcher, base: Sketcher, index: LatentIndex, cluster: int) -> float:
    """How often `model`'s random faces (the app's sampling temperature) land in `cluster`, as
    the base model's index assigns them: the number the retrain is for."""
    from core.generate import DEFAULT_SAMPLE_TEMPERATURE, sample_faces

    faces = sample_faces(model, SHARE_SAMPLES, DEFAULT_SAMPLE_TEMPERATURE, seed=12345)
    return share_of(faces, base, index, cluster)


def share_of(faces: list[Drawing], base: Sketcher, index: LatentIndex, cluster: int) -> float:
    """The fraction of `faces` that the base model's index assigns to `cluster` (an empty face
    counts as a miss)."""
    drawn = [f for f in faces if not f.is_empty]
    if not drawn:
        return 0.0
    labels = np.array([a.cluster for a in index.assign(base.encode_many(drawn))])
    return float((labels == cluster).sum() / len(faces))


def recentred(base: Sketcher, index: LatentIndex, cluster: int, spread: float) -> Sketcher:
    """A copy of `base` whose prior is the cluster's Gaussian, `spread` times as wide."""
    model = copy.deepcopy(base.model)
    recentre(model, index.cluster_means[cluster], spread * index.cluster_chol[cluster])
    return Sketcher(model, base.scale, base.data, base.info, path=base.path, device="cpu")


def choose_start(base: Sketcher, index: LatentIndex, cluster: int) -> tuple[Sketcher, dict]:
    """The re-centred model to fine-tune from: the widest spread that meets TARGET_SHARE (or
    the most specialised one tried), and what was measured on the way."""
    tried = []
    for spread in SPREADS:
        start = recentred(base, index, cluster, spread)
        tried.append((cluster_share(start, base, index, cluster), spread, start))
        if tried[-1][0] >= TARGET_SHARE:
            break
    share, spread, start = (
        max(tried, key=lambda t: t[0]) if tried[-1][0] < TARGET_SHARE else tried[-1]
    )
    return start, {"spread": spread, "share": round(share, 3)}


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
    re-centred start's did; else write the start instead (a fine-tune can drift on a cluster
    whose look the decoder cannot hold). Returns the event that says which was kept."""
    from core.modelfile import save_model

    start_share = info["recentred"]["share"]
    tuned_share = round(cluster_share(Sketcher.load(out, device="cpu"), base, index, cluster), 3)
    kept = "fine-tuned" if tuned_share >= start_share else "re-centred"
    if kept == "re-centred":
        save_model(
            start.model, out, data.scale, data.description, {**info, "kept": "re-centred start"}
        )
    return {
        "event": "specialised",
        "kept": kept,
        "share_fine_tuned": tuned_share,
        "share_recentred": start_share,
    }
