"""A dataset file's drawings as the model reads them, kept next to the index.

Reading Quick, Draw!'s 160,000-face file and fitting every drawing into 0..255 (and, for
data not known to be simplified, RDP at 2) is the slow half of opening it. The result is one
`PackedDrawings` of plain arrays, saved as an `.npz` keyed by the file's content hash and read
back with pickle off, so an unchanged file opens without being parsed again. A changed file
has another hash; an unreadable cache is rebuilt with a notice; a cache that cannot be
written (read-only or full disk) only costs time next run.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.base.atomic import atomic_open
from core.base.errors import BadFile
from core.drawings.formats import read_dataset, read_ndjson, sniff_format
from core.drawings.model_input import canonical_pack
from core.drawings.ndjson_reader import Skipped
from core.drawings.packed import PackedDrawings, concat, pack
from core.latent.index_cache import file_hash

PREPARED_VERSION = 1
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class Prepared:
    """Every usable drawing of a file in canonical form, and what reading it found."""

    drawings: PackedDrawings
    data_hash: str
    format: str
    skipped: Skipped

    @property
    def notices(self) -> list[str]:
        return [self.skipped.sentence("the file")] if self.skipped.count else []


def prepare_file(
    path: str | Path,
    cache_dir: Path,
    progress: Progress = lambda stage, done, total: None,
    notice: Callable[[str], None] = lambda message: None,
    data_hash: str | None = None,
) -> Prepared:
    """The file's prepared drawings, from the cache when it holds them."""
    path = Path(path)
    if not path.is_file():
        raise BadFile(f"{path} does not exist" if not path.exists() else f"{path} is not a file")
    before = _stamp(path)
    data_hash = data_hash or file_hash(path)
    cached = cache_dir / f"prepared-{data_hash[:32]}-v{PREPARED_VERSION}.npz"
    if cached.exists():
        try:
            prepared = load_prepared(cached, data_hash)
            progress("reading dataset", 1, 1)
            for message in prepared.notices:
                notice(message)
            return prepared
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
            notice(
                f"the prepared copy of {path.name} was unreadable ({exc}); reading the file again"
            )
            cached.unlink(missing_ok=True)
    prepared = _read_and_prepare(path, data_hash, progress)
    if _stamp(path) != before:
        raise BadFile(
            f"{path.name} changed while it was being read; open it again once it is complete"
        )
    for message in prepared.notices:
        notice(message)
    try:
        save_prepared(prepared, cached)
    except OSError as exc:
        notice(f"{path.name} could not be kept ready for next time ({exc.strerror or exc})")
    return prepared


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _read_and_prepare(path: Path, data_hash: str, progress: Progress) -> Prepared:
    size = max(1, path.stat().st_size)
    progress("reading dataset", 0, size)
    if sniff_format(path) == "ndjson":  # chunk by chunk: raw points are never all held
        dataset = read_ndjson(
            path,
            lambda chunk: canonical_pack(chunk.nonempty()),
            read=lambda done: progress("reading dataset", done, size),
        )
        return Prepared(dataset.drawings(), data_hash, dataset.format, dataset.skipped)
    dataset = read_dataset(path)
    splits = [s if isinstance(s, PackedDrawings) else pack(s) for s in dataset.splits.values()]
    packed = concat(splits).nonempty()
    fitted = canonical_pack(packed, dataset.simplified)
    return Prepared(fitted, data_hash, dataset.format, dataset.skipped)


def save_prepared(prepared: Prepared, path: Path) -> None:
    meta = {
        "version": PREPARED_VERSION,
        "data_hash": prepared.data_hash,
        "format": prepared.format,
        "skipped": prepared.skipped.count,
        "skipped_lines": prepared.skipped.lines,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path, "wb") as f:
        np.savez(f, meta=np.array(json.dumps(meta)), **prepared.drawings.arrays())


def load_prepared(path: Path, data_hash: str) -> Prepared:
    """Raises ValueError (or OSError, BadZipFile) on anything short of a sound copy."""
    with np.load(path, allow_pickle=False) as f:
        arrays = {name: f[name] for name in f.files}
    meta = json.loads(str(arrays.pop("meta")))
    if meta.get("version") != PREPARED_VERSION or meta.get("data_hash") != data_hash:
        raise ValueError("written for another file or version")
    drawings = PackedDrawings.from_arrays(arrays)
    skipped = Skipped(int(meta["skipped"]), [tuple(x) for x in meta["skipped_lines"]])
    return Prepared(drawings, data_hash, str(meta["format"]), skipped)
