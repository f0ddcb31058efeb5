"""A model file's header without its weights: what the model library lists, read without
importing torch (the window shows its menus long before torch is loaded)."""

from __future__ import annotations

import json
from pathlib import Path

from core.base.errors import BadModel

FORMAT = "latent-sketchbook/1"


def read_model_info(path: str | Path) -> dict:
    """The training info of a model file from its header alone (cheap: no weights are read),
    for listing a library. A file that is not a readable model raises BadModel."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            header_len = int.from_bytes(f.read(8), "little")
            if not 0 < header_len < 1 << 24:
                raise ValueError("header size out of range")
            header = json.loads(f.read(header_len))
        metadata = header.get("__metadata__") or {}
        if metadata.get("format") != FORMAT:
            raise ValueError("not a Latent Sketchbook model")
        return json.loads(metadata.get("info", "{}"))
    except (OSError, ValueError, UnicodeDecodeError, AttributeError) as exc:
        raise BadModel(f"{path.name} is not a readable model ({exc})") from None
