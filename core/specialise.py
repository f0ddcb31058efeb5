"""Retraining on one cluster: the drawings of cluster K of a dataset under a model's index, and
the short, gentle fine-tune that makes the model draw more faces like those while keeping what
it knew of faces (lower learning rate, KL term at full weight from the start)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.errors import BadRequest
from core.formats import Dataset
from core.sketcher import Sketcher
from core.workspace import load_workspace

MIN_CLUSTER_DRAWINGS = 12


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
    return Dataset({"all": drawings}, f"cluster {cluster} of {Path(data).name}"), described
