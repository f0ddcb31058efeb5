"""Quick, Draw! `.ndjson` (raw with timings, or simplified) streamed into packed chunks.

The file is read a line at a time (the raw face file is gigabytes; its text is never held),
each drawing's coordinates become one numpy array, and every few thousand drawings make one
`PackedDrawings` chunk, so a caller can simplify the raw points chunk by chunk. A broken line
is skipped and remembered (its number and why), never the end of the whole file: a download
with a few bad lines still opens, and says which ones it left out.

Measured before choosing: orjson parsed these lines no faster than the standard library's
json (the time is in building Python ints), so there is no extra parser dependency.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.drawings.ndjson_bulk import BulkLines, parse_block
from core.drawings.packed import PackedDrawings, concat, label_columns, offsets

MAX_LINE_BYTES = 16 << 20  # one drawing per line; a 16 MB line is not a drawing
MAX_JSON_DEPTH = 8


@dataclass
class Skipped:
    """Lines left out of a file, by number (1-based) and reason; the first few are kept."""

    count: int = 0
    lines: list[tuple[int, str]] = field(default_factory=list)
    keep: int = 20

    def add(self, lineno: int, why: str) -> None:
        self.count += 1
        if len(self.lines) < self.keep:
            self.lines.append((lineno, why))

    def sentence(self, name: str) -> str:
        """One line for a notice: how many, and which."""
        shown = ", ".join(str(n) for n, _ in self.lines[:8])
        more = ", ..." if self.count > 8 else ""
        first = self.lines[0][1] if self.lines else ""
        return f"{name}: skipped {self.count} broken line(s) ({shown}{more}; first: {first})"


def check_depth(text: bytes) -> None:
    """json.loads recurses per nesting level; a '[[[[...' bomb must not reach it."""
    head = text[:4096]
    depth = deepest = 0
    for ch in head:
        if ch in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif ch in (0x5D, 0x7D):
            depth -= 1
    if deepest > MAX_JSON_DEPTH:
        raise ValueError(f"nested {deepest} levels deep, a drawing needs at most 4")


def record_points(record: object) -> tuple[np.ndarray, list[int], bool]:
    """(points (n, 2), points per stroke, had timings) of one Quick, Draw! record, or
    ValueError saying what is wrong with it. Empty strokes are dropped."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    strokes = record.get("drawing")
    if not isinstance(strokes, list):
        raise ValueError("no 'drawing' list")
    xs: list = []
    ys: list = []
    lengths = []
    timed = False
    for s in strokes:
        if not isinstance(s, list) or len(s) < 2:
            raise ValueError("a stroke is not [[x...], [y...]]")
        x, y = s[0], s[1]
        if not isinstance(x, list) or not isinstance(y, list) or len(x) != len(y):
            raise ValueError("a stroke is not [[x...], [y...]]")
        timed = timed or len(s) >= 3
        if x:
            xs += x
            ys += y
            lengths.append(len(x))
    try:
        points = np.array([xs, ys], np.float32).T
    except (TypeError, ValueError):
        raise ValueError("a coordinate is not a number") from None
    if not np.isfinite(points).all():
        raise ValueError("a coordinate is not a finite number")
    return points, lengths, timed


@dataclass
class Chunk:
    drawings: PackedDrawings
    timed: bool


BLOCK_BYTES = 2 << 20  # lines are parsed a block at a time (about 4,000 faces)


def read_chunks(
    path: Path,
    skipped: Skipped,
    block_bytes: int = BLOCK_BYTES,
    read: Callable[[int], None] = lambda total_bytes: None,
) -> Iterator[Chunk]:
    """The file's drawings a block of lines at a time; broken lines go to `skipped`, and
    `read` hears how many bytes have been read so far. Each block is parsed by `ndjson_bulk`;
    the lines it leaves are read one by one with json."""
    done = 0
    for block, lineno, too_long in _blocks(path, block_bytes):
        done += len(block)
        read(done)
        for n in too_long:
            skipped.add(n, f"over {MAX_LINE_BYTES >> 20} MB")
        chunk = _parse(block, lineno, path.stem, skipped)
        if chunk is not None:
            yield chunk


def _blocks(path: Path, block_bytes: int) -> Iterator[tuple[bytes, int, list[int]]]:
    """(complete lines, the first one's number, numbers of lines skipped as too long)."""
    lineno = 1
    rest = b""
    too_long: list[int] = []
    with open(path, "rb") as f:
        while True:
            data = f.read(block_bytes)
            if not data:
                if rest.strip():
                    yield rest + b"\n", lineno, too_long
                elif too_long:
                    yield b"", lineno, too_long
                return
            data = rest + data
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # no line end in the whole block
                if len(data) > MAX_LINE_BYTES:
                    too_long.append(lineno)
                    lineno += 1
                    _skip_line(f)
                    rest = b""
                else:
                    rest = data
                continue
            block, rest = data[:cut], data[cut:]
            yield block, lineno, too_long
            too_long = []
            lineno += block.count(b"\n")


def _skip_line(f) -> None:
    """Read past the end of an over-long line without holding it."""
    while True:
        piece = f.read(1 << 20)
        if not piece:
            return
        at = piece.find(b"\n")
        if at >= 0:
            f.seek(at + 1 - len(piece), 1)
            return


def _parse(block: bytes, first_lineno: int, stem: str, skipped: Skipped) -> Chunk | None:
    if not block:
        return None
    ends = np.flatnonzero(np.frombuffer(block, np.uint8) == 0x0A)
    starts = np.r_[0, ends[:-1] + 1]
    bulk = parse_block(block, starts, ends)
    order, packs = [], []
    keys, labels = [], []
    kept_fast = []
    for j, (i, head) in enumerate(zip(bulk.good, bulk.heads, strict=True)):
        try:
            record = json.loads(head)
            if not isinstance(record, dict):
                raise ValueError
        except (ValueError, RecursionError):
            continue  # the careful reader below says what is wrong with it
        kept_fast.append(j)
        keys.append(str(record.get("key_id", f"{stem}#{first_lineno + i - 1}")))
        labels.append({k: v for k, v in record.items() if k not in ("drawing", "key_id")})
    fast = _fast_pack(bulk, kept_fast, keys, labels)
    order.append(bulk.good[kept_fast])
    packs.append(fast)
    careful = sorted(
        set(bulk.left.tolist()) | (set(bulk.good.tolist()) - set(bulk.good[kept_fast].tolist()))
    )
    timed = bulk.timed
    if careful:
        slow, slow_lines, slow_timed = _careful(
            block, starts, ends, careful, first_lineno, stem, skipped
        )
        timed = timed or slow_timed
        if len(slow):
            order.append(np.array(slow_lines, np.int64))
            packs.append(slow)
    every = np.concatenate(order)
    if not len(every):
        return None
    merged = concat(packs)
    if len(packs) > 1:
        merged = merged.subset(np.argsort(every, kind="stable"))
    return Chunk(merged, timed)


def _fast_pack(
    bulk: BulkLines, kept: list[int], keys: list[str], labels: list[dict]
) -> PackedDrawings:
    """The fast path's drawings whose key and labels also parsed (`kept`), as one pack."""
    every = PackedDrawings(
        bulk.points,
        offsets(bulk.stroke_lengths),
        offsets(bulk.strokes_per_line),
        np.array(keys, str) if len(kept) == len(bulk.good) else np.zeros(len(bulk.good), str),
        {},
    )
    if len(kept) < len(bulk.good):
        every = every.subset(np.array(kept, np.int64))
    return PackedDrawings(
        every.points,
        every.stroke_starts,
        every.drawing_starts,
        np.array(keys, str),
        label_columns(labels),
    )


def _careful(
    block: bytes,
    starts: np.ndarray,
    ends: np.ndarray,
    lines: list[int],
    first_lineno: int,
    stem: str,
    skipped: Skipped,
) -> tuple[PackedDrawings, list[int], bool]:
    """The json reader for the lines the fast path left: (pack, their line indices, timed)."""
    points, stroke_lengths, stroke_counts, keys, labels, kept = [], [], [], [], [], []
    timed = False
    for i in lines:
        lineno = first_lineno + i
        raw = block[starts[i] : ends[i]]
        if not raw.strip():
            continue
        try:
            check_depth(raw)
            record = json.loads(raw)
            xy, lengths, had_t = record_points(record)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            skipped.add(lineno, str(exc) or type(exc).__name__)
            continue
        timed = timed or had_t
        points.append(xy)
        stroke_lengths += lengths
        stroke_counts.append(len(lengths))
        keys.append(str(record.get("key_id", f"{stem}#{lineno - 1}")))
        labels.append({k: v for k, v in record.items() if k not in ("drawing", "key_id")})
        kept.append(i)
    pack_ = PackedDrawings(
        np.concatenate(points) if points else np.zeros((0, 2), np.float32),
        offsets(stroke_lengths),
        offsets(stroke_counts),
        np.array(keys, str),
        label_columns(labels),
    )
    return pack_, kept, timed
