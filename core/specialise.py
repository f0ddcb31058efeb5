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

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from core.errors import BadRequest
from core.formats import Dataset
from core.model import SketchRNN
from core.sketcher import Sketcher
from core.workspace import load_workspace

MIN_CLUSTER_DRAWINGS = 12
# the new prior covers the core of the cluster (this share of its spread), where its faces are
# most typical; the full spread reaches into the neighbouring clusters
RECENTRE_SPREAD = 0.6


@dataclass(frozen=True)
class FineTune:
    """A named length of fine-tuning (the app offers these as presets)."""

    steps: int
    batch_size: int
    lr: float


FINE_TUNES = {
    "quick": FineTune(steps=300, batch_size=50, lr=5e-4),
    "thorough": FineTune(steps=1500, batch_size=50, lr=3e-4),
}


def cluster_dataset(
    sketcher: Sketcher, data: str | Path, cluster: int, clusters: int | str = "auto"
) -> tuple[Dataset, dict]:
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
    gaussian = (ws.index.cluster_means[cluster], ws.index.cluster_chol[cluster])
    dataset = Dataset({"all": drawings}, f"cluster {cluster} of {Path(data).name}")
    return dataset, described, gaussian


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


def retrain_arguments(
    base: str,
    data: str,
    cluster: int,
    clusters: int,
    out: Path,
    steps: int | None = None,
    scratch: bool = False,
) -> list[str]:
    """The `sketchbook train` command line the app runs for "Retrain on cluster" (the benchmark
    runs the same one)."""
    arguments = ["train", "--init", base, "--data", data, "--cluster", str(cluster)]
    arguments += ["--clusters", str(clusters), "--out", str(out)]
    steps = steps or FINE_TUNES["quick"].steps
    arguments += ["--steps", str(steps), "--eval-every", str(max(10, steps // 10))]
    # leave a core to the window's own model, so drawing stays live while it trains
    arguments += ["--threads", str(max(1, (os.cpu_count() or 1) - 1))]
    return arguments + (["--scratch"] if scratch else [])
