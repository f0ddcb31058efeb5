"""Every face format people have, read into one `Dataset`, and written back out.

Read: sketch-rnn `.npz` (train/valid/test object arrays of int16 stroke-3), Quick, Draw!
`.ndjson` raw (x, y, t) and simplified (x, y), Quick, Draw! `.bin`, and the person's own
collection (simplified ndjson with extra keys). Written: ndjson and sketch-rnn `.npz`.
"""

from __future__ import annotations

import json
import struct
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.base.atomic import atomic_open
from core.base.errors import BadFile
from core.base.safe_npz import load_npz
from core.drawings.ndjson_reader import Skipped, read_chunks
from core.drawings.packed import PackedDrawings, concat, label_columns, offsets, pack, runs
from core.drawings.strokes import Drawing, to_stroke3

SPLITS = ("train", "valid", "test")


@dataclass
class Dataset:
    """Drawings by split. Formats without splits put everything under "all"."""

    splits: dict[str, Sequence[Drawing]]  # a list, or a PackedDrawings for a big file
    format: str
    path: str = ""
    # already fitted to 0..255 and RDP-simplified at 2 (sketch-rnn and Quick, Draw! simplified
    # data): the model's preprocessing can skip the costly simplification
    simplified: bool = False
    skipped: Skipped = field(default_factory=Skipped)  # broken lines left out

    def drawings(self, split: str | None = None) -> Sequence[Drawing]:
        """One split, or every drawing in split order when `split` is None."""
        if split is not None:
            return self.splits.get(split, [])
        if len(self.splits) == 1:
            return next(iter(self.splits.values()))
        return [d for s in self.splits.values() for d in s]

    def __len__(self) -> int:
        return sum(len(s) for s in self.splits.values())


def sniff_format(path: Path) -> str:
    """Decide by content first (a right suffix on a wrong file is common), then by suffix."""
    with open(path, "rb") as f:
        head = f.read(64)
    if not head:
        raise BadFile(f"{path.name} is empty")
    if head.startswith(b"PK"):
        return "npz"
    stripped = head.lstrip()
    if stripped.startswith(b"{"):
        return "ndjson"
    if path.suffix.lower() == ".bin":
        return "bin"
    raise BadFile(f"{path.name} is not a drawing file this app reads (.npz, .ndjson or .bin)")


def read_dataset(path: str | Path) -> Dataset:
    """Read any supported file. Raises BadFile with one readable sentence on any problem."""
    path = Path(path)
    if not path.exists():
        raise BadFile(f"{path} does not exist")
    if path.is_dir():
        raise BadFile(f"{path} is a folder, not a drawing file")
    try:
        fmt = sniff_format(path)
        if fmt == "npz":
            return _read_npz(path)
        if fmt == "ndjson":
            return read_ndjson(path)  # RDP not assumed: some "simplified" sets are resampled
        return _read_bin(path)
    except BadFile:
        raise
    except (OSError, UnicodeDecodeError, struct.error, ValueError, TypeError, KeyError) as exc:
        raise BadFile(f"{path.name} could not be read: {exc}") from None


# ----------------------------------------------------------------------------- .npz


def _read_npz(path: Path) -> Dataset:
    arrays = load_npz(path)
    splits: dict[str, Sequence[Drawing]] = {}
    for name in SPLITS:
        if name not in arrays:
            continue
        items = arrays[name]
        if items.dtype != object and items.ndim == 3:  # equal-length sketches, stored flat
            items = list(items)
        for i, rows in enumerate(items):
            rows = np.asarray(rows)
            if rows.ndim != 2 or rows.shape[1] != 3 or not np.issubdtype(rows.dtype, np.number):
                raise BadFile(f"{path.name}: {name}[{i}] is not a stroke-3 array")
        splits[name] = packed_stroke3([np.asarray(r) for r in items], name)
    if not splits:
        raise BadFile(f"{path.name} has none of the arrays train, valid, test")
    return Dataset(splits, "sketch-rnn npz", str(path), simplified=True)


def packed_stroke3(items: list[np.ndarray], name: str) -> PackedDrawings:
    """Many stroke-3 arrays as one pack (`strokes.from_stroke3` for all at once): offsets
    summed into points, a stroke ending at each pen lift and at each drawing's last row."""
    lengths = np.array([len(r) for r in items], np.int64)
    rows = np.concatenate(items).astype(np.float64) if len(items) else np.zeros((0, 3))
    draw_start = offsets(lengths)
    owner = np.repeat(np.arange(len(items)), lengths)
    summed = np.cumsum(rows[:, :2], axis=0)
    before = np.vstack([np.zeros((1, 2)), summed])[draw_start[:-1]]
    points = (summed - before[owner]).astype(np.float32)
    ends = rows[:, 2] > 0.5
    ends[draw_start[1:][lengths > 0] - 1] = True
    end_rows = np.flatnonzero(ends)
    stroke_lengths = np.diff(np.r_[0, end_rows + 1])
    strokes_per_drawing = np.bincount(owner[end_rows], minlength=len(items))
    return PackedDrawings(
        points,
        offsets(stroke_lengths),
        offsets(strokes_per_drawing),
        np.array([f"{name}#{i}" for i in range(len(items))], str),
    )


def write_npz(dataset_splits: dict[str, list[Drawing]], path: str | Path) -> None:
    """sketch-rnn's layout: per split an object array of int16 stroke-3 arrays."""
    arrays = {}
    for name, drawings in dataset_splits.items():
        items = np.empty(len(drawings), dtype=object)
        for i, d in enumerate(drawings):
            items[i] = np.round(to_stroke3(d)).astype(np.int16)
        arrays[name] = items
    with atomic_open(path, "wb") as f:
        np.savez_compressed(f, **arrays)


# ----------------------------------------------------------------------------- .ndjson


CHUNKS_AHEAD = 2


def read_ndjson(
    path: Path,
    each_chunk: Callable[[PackedDrawings], PackedDrawings] = lambda chunk: chunk,
    read: Callable[[int], None] = lambda total_bytes: None,
) -> Dataset:
    """A Quick, Draw! ndjson file, streamed; `each_chunk` may shrink each few thousand
    drawings as they come (the raw file's points are then never all held at once), and
    `read` hears how many bytes are read."""
    skipped = Skipped()
    parts, pending, timed = [], deque(), False
    # `each_chunk` (simplifying a raw file's dense strokes) runs on a second thread while this
    # one parses the next block: both are mostly numpy, which lets go of the GIL. At most
    # CHUNKS_AHEAD wait, so a raw file's points are still never all held.
    with ThreadPoolExecutor(1, thread_name_prefix="chunk") as helper:
        for chunk in read_chunks(path, skipped, read=read):
            timed = timed or chunk.timed
            pending.append(helper.submit(each_chunk, chunk.drawings))
            while len(pending) > CHUNKS_AHEAD:
                parts.append(pending.popleft().result())
        parts += [future.result() for future in pending]
    drawings = concat(parts)
    if not len(drawings):
        why = f": line {skipped.lines[0][0]} is not a drawing ({skipped.lines[0][1]})"
        raise BadFile(f"{path.name} holds no drawings" + (why if skipped.lines else ""))
    fmt = "quickdraw ndjson (raw)" if timed else "quickdraw ndjson (simplified)"
    return Dataset({"all": drawings}, fmt, str(path), skipped=skipped)


def drawing_to_record(drawing: Drawing, decimals: int = 0) -> dict:
    """The collection's shape: Quick, Draw! simplified plus whatever labels the drawing has."""

    def coords(values: np.ndarray) -> list:
        rounded = np.round(values.astype(np.float64), decimals)
        return [int(v) for v in rounded] if decimals == 0 else rounded.tolist()

    record = {"key_id": drawing.key, **drawing.labels}
    record["drawing"] = [[coords(s[:, 0]), coords(s[:, 1])] for s in drawing.strokes]
    return record


def write_ndjson(drawings: list[Drawing], path: str | Path, decimals: int = 0) -> None:
    with atomic_open(path, "w") as f:
        for d in drawings:
            f.write(json.dumps(drawing_to_record(d, decimals), separators=(",", ":")) + "\n")


# ----------------------------------------------------------------------------- .bin

_BIN_HEAD = struct.Struct("<Q2sBIH")  # key_id, countrycode, recognized, timestamp, n_strokes
_BIN_POINTS = struct.Struct("<H")


def _read_bin(path: Path) -> Dataset:
    """One pass over the records noting where each stroke's bytes are, then every coordinate
    gathered at once into a `PackedDrawings` (no array or object per stroke)."""
    data = path.read_bytes()
    x_at, lengths, stroke_counts, keys, labels = [], [], [], [], []
    pos = 0
    while pos < len(data):
        if pos + _BIN_HEAD.size > len(data):
            raise BadFile(f"{path.name} is truncated (drawing {len(keys) + 1})")
        key_id, country, recognized, timestamp, n_strokes = _BIN_HEAD.unpack_from(data, pos)
        pos += _BIN_HEAD.size
        for _ in range(n_strokes):
            if pos + 2 > len(data):
                raise BadFile(f"{path.name} is truncated (drawing {len(keys) + 1})")
            (n,) = _BIN_POINTS.unpack_from(data, pos)
            if pos + 2 + 2 * n > len(data):
                raise BadFile(f"{path.name} is truncated (drawing {len(keys) + 1})")
            x_at.append(pos + 2)
            lengths.append(n)
            pos += 2 + 2 * n
        stroke_counts.append(n_strokes)
        keys.append(str(key_id))
        labels.append(
            {
                "countrycode": country.decode("latin1"),
                "recognized": bool(recognized),
                "timestamp": int(timestamp),
            }
        )
    if not keys:
        raise BadFile(f"{path.name} holds no drawings")
    raw = np.frombuffer(data, np.uint8)
    starts, counts = np.array(x_at, np.int64), np.array(lengths, np.int64)
    x = raw[runs(starts, counts)]
    y = raw[runs(starts + counts, counts)]
    packed = PackedDrawings(
        np.stack([x, y], 1).astype(np.float32),
        offsets(counts),
        offsets(stroke_counts),
        np.array(keys, str),
        label_columns(labels),
    )
    empty = counts == 0
    if empty.any():  # a zero-point stroke is no stroke (as Drawing drops it)
        packed = pack(packed)
    return Dataset({"all": packed}, "quickdraw bin", str(path), simplified=True)


def write_bin(drawings: list[Drawing], path: str | Path) -> None:
    """Quick, Draw!'s binary layout; coordinates are clipped into 0..255 as it requires."""
    out = bytearray()
    for i, d in enumerate(drawings):
        key = int(d.key) if str(d.key).isdigit() else i
        country = str(d.labels.get("countrycode", "ZZ")).encode("latin1")[:2].ljust(2, b"Z")
        recognized = int(bool(d.labels.get("recognized", True)))
        out += _BIN_HEAD.pack(
            key, country, recognized, int(d.labels.get("timestamp", 0)), len(d.strokes)
        )
        for s in d.strokes:
            xy = np.clip(np.round(s), 0, 255).astype(np.uint8)
            out += struct.pack("<H", len(s)) + xy[:, 0].tobytes() + xy[:, 1].tobytes()
    with atomic_open(path, "wb") as f:
        f.write(bytes(out))
