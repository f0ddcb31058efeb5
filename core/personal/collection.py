"""The person's own collection: an ndjson file in the Quick, Draw! simplified shape. Every save
rewrites it atomically, so a crash mid-save leaves the previous collection whole."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from core.base.errors import BadDrawing, BadFile
from core.base.paths import collection_path
from core.drawings.formats import read_dataset, write_ndjson
from core.drawings.model_input import canonical
from core.drawings.strokes import Drawing


def load_collection(path: Path | None = None) -> list[Drawing]:
    path = path or collection_path()
    if not path.exists():
        return []
    return read_dataset(path).drawings()


def save_to_collection(
    drawing: Drawing, source: str = "drawn", path: Path | None = None, **labels: str
) -> Drawing:
    """Append a drawing (in the canonical 0..255 form) and return what was stored; `labels`
    say more about where it came from (the favourites name the model that drew it)."""
    if drawing.is_empty:
        raise BadDrawing("the drawing is empty: nothing to save")
    path = path or collection_path()
    try:
        existing = load_collection(path)
    except BadFile as exc:
        raise BadFile(
            f"your collection at {path} is unreadable ({exc}); nothing was overwritten"
        ) from None
    stored = canonical(drawing)
    stored.key = f"mine-{uuid.uuid4().hex[:12]}"
    saved = time.strftime("%Y-%m-%d %H:%M:%S")
    stored.labels = {"word": "face", "source": source, "saved": saved, **labels}
    write_ndjson([*existing, stored], path)
    return stored


def remove_from_collection(key: str, path: Path | None = None) -> None:
    """Take the drawing with this key out (atomically, like every save)."""
    path = path or collection_path()
    kept = [d for d in load_collection(path) if d.key != key]
    write_ndjson(kept, path)
