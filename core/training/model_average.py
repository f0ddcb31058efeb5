"""Weight averaging of model files ("model soup"): runs fine-tuned from one ancestor usually
stay in one basin of the loss, so the mean of their weights is a model too, often between them
or better than either (stage 5's lever run and its control, averaged, landed between them on
every figure: see the README). Pure weights, no training."""

from __future__ import annotations

import math
from pathlib import Path

import torch

from core.base.errors import BadRequest
from core.base.resources import default_model_path
from core.model.modelfile import load_model
from core.model.network import SketchRNN


def average_models(
    paths: list[str | Path], weights: list[float] | None = None
) -> tuple[SketchRNN, float, dict, dict]:
    """(model, scale, data, info) of the weighted mean of the models' weights ("default": the
    shipped model); the first model's config and data description are kept. Refuses models
    that cannot be averaged: another architecture (tensors of other shapes) or another scale
    factor (their offsets are in other units, so the mean would draw neither)."""
    if len(paths) < 2:
        raise BadRequest("averaging needs at least two models")
    weights = weights or [1.0] * len(paths)
    if len(weights) != len(paths):
        given = f"{len(weights)} weight" + ("" if len(weights) == 1 else "s")
        raise BadRequest(f"{given} for {len(paths)} models: give one per model")
    if any(not math.isfinite(w) or w < 0 for w in weights) or sum(weights) <= 0:
        raise BadRequest("weights must be non-negative numbers, not all zero")
    paths = [default_model_path() if p == "default" else Path(p) for p in paths]
    first, scale, data, first_info, _ = load_model(paths[0])
    total = {k: v.double() * weights[0] for k, v in first.state_dict().items()}
    sources = [_source(paths[0], weights[0], first_info)]
    for path, weight in zip(paths[1:], weights[1:], strict=True):
        model, other_scale, _, info, _ = load_model(path)
        tensors = model.state_dict()
        mismatch = [k for k in total if k not in tensors or tensors[k].shape != total[k].shape]
        if mismatch or len(tensors) != len(total):
            raise BadRequest(
                f"{path.name} has another architecture than {paths[0].name} "
                f"({(mismatch or ['a different set of tensors'])[0]}): they cannot be averaged"
            )
        if not math.isclose(other_scale, scale, rel_tol=1e-6):
            raise BadRequest(
                f"{path.name} was trained at scale {other_scale:.4g}, "
                f"{paths[0].name} at {scale:.4g}: their offsets are in other units"
            )
        for k, v in tensors.items():
            total[k] += v.double() * weight
        sources.append(_source(path, weight, info))
    norm = sum(weights)
    first.load_state_dict({k: (v / norm).to(torch.float32) for k, v in total.items()})
    return first, scale, data, {"averaged": sources}


def _source(path: Path, weight: float, info: dict) -> dict:
    return {"model": path.name, "weight": weight, "step": info.get("step")}
