"""Every face format people have, read into one `Dataset`, and written back out.

Read: sketch-rnn `.npz` (train/valid/test object arrays of int16 stroke-3), Quick, Draw!
`.ndjson` raw (x, y, t) and simplified (x, y), Quick, Draw! `.bin`, and the person's own
collection (simplified ndjson with extra keys). Written: ndjson and sketch-rnn `.npz`.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.atomic import atomic_open
from core.errors import BadFile
from core.safe_npz import load_npz
from core.strokes import Drawing, from_stroke3, to_stroke3

SPLITS = ("train", "valid", "test")
MAX_LINE_BYTES = 16 << 20  # one drawing per line; a 16 MB line is not a drawing
MAX_JSON_DEPTH = 8


@dataclass
class Dataset:
    """Drawings by split. Formats without splits put everything under "all"."""

    splits: dict[str, list[Drawing]]
    format: str
    path: str = ""
    # already fitted to 0..255 and RDP-simplified at 2 (sketch-rnn and Quick, Draw! simplified
    # data): the model's preprocessing can skip the costly simplification
    simplified: bool = False

    def drawings(self, split: str | None = None) -> list[Drawing]:
        """One split, or every drawing in split order when `split` is None."""
        if split is not None:
            return self.splits.get(split, [])
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
            return _read_ndjson(path)
        return _read_bin(path)
    except BadFile:
        raise
    except (OSError, UnicodeDecodeError, struct.error, ValueError, TypeError, KeyError) as exc:
        raise BadFile(f"{path.name} could not be read: {exc}") from None


# ----------------------------------------------------------------------------- .npz


def _read_npz(path: Path) -> Dataset:
    arrays = load_npz(path)
    splits: dict[str, list[Drawing]] = {}
    for name in SPLITS:
        if name not in arrays:
            continue
        items = arrays[name]
        if items.dtype != object and items.ndim == 3:  # equal-length sketches, stored flat
            items = list(items)
        drawings = []
        for i, rows in enumerate(items):
            rows = np.asarray(rows)
            if rows.ndim != 2 or rows.shape[1] != 3 or not np.issubdtype(rows.dtype, np.number):
                raise BadFile(f"{path.name}: {name}[{i}] is not a stroke-3 array")
            drawings.append(from_stroke3(rows.astype(np.float32), key=f"{name}#{i}"))
        splits[name] = drawings
    if not splits:
        raise BadFile(f"{path.name} has none of the arrays train, valid, test")
    return Dataset(splits, "sketch-rnn npz", str(path), simplified=True)


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


def _check_depth(text: str) -> None:
    """json.loads recurses per nesting level; a '[[[[...' bomb must not reach it."""
    depth = 0
    deepest = 0
    for ch in text[:4096]:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    if deepest > MAX_JSON_DEPTH:
        raise ValueError(f"nested {deepest} levels deep, a drawing needs at most 4")


def drawing_from_record(record: dict, fallback_key: str) -> tuple[Drawing, bool]:
    """A Quick, Draw! record (raw or simplified) as a Drawing; also says whether it had times."""
    strokes_in = record.get("drawing")
    if not isinstance(strokes_in, list):
        raise ValueError("no 'drawing' list")
    strokes = []
    timed = False
    for s in strokes_in:
        if not isinstance(s, list) or len(s) < 2 or len(s[0]) != len(s[1]):
            raise ValueError("a stroke is not [[x...], [y...]]")
        timed = timed or len(s) >= 3
        strokes.append(np.stack([np.asarray(s[0], np.float32), np.asarray(s[1], np.float32)], 1))
    labels = {k: v for k, v in record.items() if k not in ("drawing", "key_id")}
    key = str(record.get("key_id", fallback_key))
    return Drawing(strokes, key=key, labels=labels), timed


def _read_ndjson(path: Path) -> Dataset:
    drawings = []
    timed = False
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            if len(raw) > MAX_LINE_BYTES:
                raise BadFile(f"{path.name} line {lineno} is over {MAX_LINE_BYTES >> 20} MB")
            text = raw.decode("utf-8").strip()
            if not text:
                continue
            try:
                _check_depth(text)
                record = json.loads(text)
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
                drawing, had_t = drawing_from_record(record, f"{path.stem}#{lineno - 1}")
            except ValueError as exc:
                raise BadFile(f"{path.name} line {lineno} is not a drawing ({exc})") from None
            timed = timed or had_t
            drawings.append(drawing)
    if not drawings:
        raise BadFile(f"{path.name} holds no drawings")
    fmt = "quickdraw ndjson (raw)" if timed else "quickdraw ndjson (simplified)"
    return Dataset(
        {"all": drawings}, fmt, str(path)
    )  # RDP not assumed: some "simplified" sets are resampled


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


def _read_bin(path: Path) -> Dataset:
    data = path.read_bytes()
    drawings = []
    pos = 0
    while pos < len(data):
        if pos + _BIN_HEAD.size > len(data):
            raise BadFile(f"{path.name} is truncated (drawing {len(drawings) + 1})")
        key_id, country, recognized, timestamp, n_strokes = _BIN_HEAD.unpack_from(data, pos)
        pos += _BIN_HEAD.size
        strokes = []
        for _ in range(n_strokes):
            if pos + 2 > len(data):
                raise BadFile(f"{path.name} is truncated (drawing {len(drawings) + 1})")
            (n,) = struct.unpack_from("<H", data, pos)
            pos += 2
            if pos + 2 * n > len(data):
                raise BadFile(f"{path.name} is truncated (drawing {len(drawings) + 1})")
            xy = np.frombuffer(data, np.uint8, 2 * n, pos).astype(np.float32)
            pos += 2 * n
            strokes.append(np.stack([xy[:n], xy[n:]], 1))
        labels = {
            "countrycode": country.decode("latin1"),
            "recognized": bool(recognized),
            "timestamp": int(timestamp),
        }
        drawings.append(Drawing(strokes, key=str(key_id), labels=labels))
    if not drawings:
        raise BadFile(f"{path.name} holds no drawings")
    return Dataset({"all": drawings}, "quickdraw bin", str(path), simplified=True)


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
