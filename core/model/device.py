"""Where the model runs: CUDA when present, else Apple's MPS, else the CPU."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from core.base.errors import BadRequest

if TYPE_CHECKING:  # torch loads with the model (core.model.lazy_model), not with this module
    import torch


def pick_device(requested: str | None = None) -> torch.device:
    """`requested` ("cpu", "cuda", "cuda:1", "mps") overrides the automatic choice."""
    import torch

    if requested and requested != "auto":
        try:
            device = torch.device(requested)
        except RuntimeError:
            raise BadRequest(f"unknown device {requested!r}; use cpu, cuda or mps") from None
        if device.type == "cuda" and not torch.cuda.is_available():
            raise BadRequest("--device cuda was asked for, but no CUDA GPU is available")
        if device.type == "mps" and not torch.backends.mps.is_available():
            raise BadRequest("--device mps was asked for, but MPS is not available")
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe(device: torch.device) -> str:
    import torch

    if device.type == "cuda":
        return f"GPU ({torch.cuda.get_device_name(device)})"
    return "Apple GPU (MPS)" if device.type == "mps" else "CPU"


@contextlib.contextmanager
def all_cores() -> Iterator[None]:
    """Long batch jobs (indexing) use every core; live single drawings keep to one. Where
    torch is not loaded yet, nothing is set: it starts with every core."""
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(os.cpu_count() or 1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
