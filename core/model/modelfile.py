"""Model files: safetensors weights with the config, scale factor and data description in the
metadata. Never a pickle, so opening a stranger's model cannot run their code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from core.base.atomic import atomic_write_bytes
from core.base.errors import BadModel
from core.model.modelheader import FORMAT, read_model_info
from core.model.network import ModelConfig, SketchRNN
from core.model.sampling_gaussian import SamplingGaussian, split

MAX_MODEL_BYTES = 1 << 30
__all__ = [
    "FORMAT",
    "LoadedModel",
    "load_model",
    "read_model_file",
    "read_model_info",
    "save_model",
    "store_gaussian",
]


class LoadedModel(NamedTuple):
    model: SketchRNN
    scale: float
    data: dict
    info: dict
    gaussian: SamplingGaussian | None  # where its random faces come from (None: not stored)


def save_model(
    model: SketchRNN,
    path: str | Path,
    scale: float,
    data: dict,
    extra: dict | None = None,
    gaussian: SamplingGaussian | None = None,
) -> None:
    """Write atomically: a reader sees the old file or the new one, never half of one."""
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    if gaussian is not None:
        tensors.update(gaussian.tensors())
    metadata = {
        "format": FORMAT,
        "config": json.dumps(model.config.to_dict()),
        "scale": repr(float(scale)),
        "data": json.dumps(data),
        "info": json.dumps(extra or {}),
    }
    atomic_write_bytes(path, save_safetensors(tensors, metadata=metadata))


def read_model_file(path: str | Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Tensors and metadata, with every way the file can be wrong turned into BadModel."""
    path = Path(path)
    if not path.exists():
        raise BadModel(f"model file {path} does not exist")
    if path.stat().st_size > MAX_MODEL_BYTES:
        raise BadModel(f"{path.name} is over 1 GB, too big to be a sketch model")
    raw = path.read_bytes()
    # torch.save writes a zip ("PK") or a bare pickle (protocol opcode 0x80, then 2..5); a
    # safetensors file starts with its header's length, whose first byte can be 0x80 too,
    # then its JSON header ("{")
    pickle_start = raw[:1] == b"\x80" and raw[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05")
    if raw[8:9] != b"{" and (raw[:2] == b"PK" or pickle_start):
        raise BadModel(
            f"{path.name} is a PyTorch pickle (.pt); pickles can run code when opened, so only "
            "safetensors models are accepted"
        )
    try:
        tensors = load_safetensors(raw)
        header_len = int.from_bytes(raw[:8], "little")
        header = json.loads(raw[8 : 8 + header_len])
    except (SafetensorError, ValueError, OverflowError, UnicodeDecodeError) as exc:
        raise BadModel(f"{path.name} is not a valid safetensors file ({exc})") from None
    metadata = header.get("__metadata__") or {}
    if metadata.get("format") != FORMAT:
        raise BadModel(f"{path.name} is a safetensors file, but not a Latent Sketchbook model")
    return tensors, metadata


def store_gaussian(path: str | Path, gaussian: SamplingGaussian, about: dict) -> None:
    """Rewrite a model file with this sampling Gaussian (weights and metadata kept; the
    card's `sampling` entry says what it was fitted on), atomically."""
    tensors, metadata = read_model_file(path)
    config = ModelConfig.from_dict(json.loads(metadata["config"]))
    weights, _ = split(tensors, config.z_size)
    info = {**json.loads(metadata.get("info", "{}")), "sampling": about}
    tensors = {**weights, **gaussian.tensors()}
    metadata = {**metadata, "info": json.dumps(info)}
    atomic_write_bytes(path, save_safetensors(tensors, metadata=metadata))


def load_model(path: str | Path, device: torch.device | str = "cpu") -> LoadedModel:
    """(model, scale factor, data description, training info, sampling Gaussian) from a
    model file."""
    tensors, metadata = read_model_file(path)
    try:
        config = ModelConfig.from_dict(json.loads(metadata["config"]))
        scale = float(metadata["scale"])
        data = json.loads(metadata.get("data", "{}"))
        info = json.loads(metadata.get("info", "{}"))
    except (KeyError, ValueError, TypeError) as exc:
        raise BadModel(f"{Path(path).name} has unreadable metadata ({exc})") from None
    model = SketchRNN(config)
    tensors, gaussian = split(tensors, config.z_size)
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()
        raise BadModel(
            f"{Path(path).name} does not fit its own config: {first[-1].strip()}"
        ) from None
    model.to(device).eval()
    return LoadedModel(model, scale, data, info, gaussian)
