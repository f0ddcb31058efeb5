"""Many drawings as a few flat arrays: what a 160,000-face file becomes in memory and on disk.

One Python object per drawing and one numpy array per stroke cost seconds to build and a
gigabyte to hold at Quick, Draw!'s full size; flat arrays with offsets cost one read. A
`PackedDrawings` is a read-only sequence of `Drawing`s, each one built only when it is asked
for (a thumbnail, a cluster's members), and whole-set work (normalising, simplifying, the
model's stroke-5 rows) runs over the flat arrays at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np

from core.drawings.strokes import Drawing

LABEL_PREFIX = "label:"  # how a label column is named inside a saved pack
# marks a label cell held as JSON (numpy strips trailing NULs, so not "\x00")
CELL = "\x1f"


@dataclass(frozen=True, eq=False)
class PackedDrawings(Sequence[Drawing]):
    """`points` (P, 2) absolute x, y, drawing after drawing; stroke j is
    points[stroke_starts[j]:stroke_starts[j + 1]], drawing i is strokes
    drawing_starts[i]..drawing_starts[i + 1]. Labels are columns, one value per drawing."""

    points: np.ndarray
    stroke_starts: np.ndarray
    drawing_starts: np.ndarray
    keys: np.ndarray
    labels: dict[str, np.ndarray] = field(default_factory=dict)
    # in the model's canonical form already (fitted into 0..255, simplified): see core.latent.prepared
    canonical: bool = False

    def __len__(self) -> int:
        return len(self.drawing_starts) - 1

    @overload
    def __getitem__(self, i: int) -> Drawing: ...
    @overload
    def __getitem__(self, i: slice) -> list[Drawing]: ...
    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(f"drawing {i} of {len(self)}")
        first, last = self.drawing_starts[i], self.drawing_starts[i + 1]
        bounds = self.stroke_starts[first : last + 1]
        strokes = [self.points[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        labels = {name: _plain(column[i]) for name, column in self.labels.items()}
        labels = {k: v for k, v in labels.items() if v is not None}
        return Drawing(strokes, key=str(self.keys[i]), labels=labels)

    def __iter__(self) -> Iterator[Drawing]:
        return (self[i] for i in range(len(self)))

    # ------------------------------------------------------------------ whole-set views
    @property
    def point_starts(self) -> np.ndarray:
        """(D + 1,) offsets of each drawing's first point."""
        return self.stroke_starts[self.drawing_starts]

    def drawing_of_point(self) -> np.ndarray:
        """(P,) which drawing every point belongs to."""
        return np.repeat(np.arange(len(self)), np.diff(self.point_starts))

    def stroke3(self) -> np.ndarray:
        """(P, 3) stroke-3 rows of every drawing back to back (see `strokes.to_stroke3`):
        each drawing's first row holds its first point, a pen lift ends every stroke."""
        rows = np.zeros((len(self.points), 3), np.float32)
        rows[1:, :2] = np.diff(self.points, axis=0)
        firsts = self.point_starts[:-1]
        firsts = firsts[firsts < len(self.points)]
        rows[firsts, :2] = self.points[firsts]
        rows[self.stroke_starts[1:] - 1, 2] = 1.0
        return rows

    def with_points(
        self, points: np.ndarray, stroke_starts: np.ndarray, canonical: bool = False
    ) -> PackedDrawings:
        return PackedDrawings(
            points, stroke_starts, self.drawing_starts, self.keys, self.labels, canonical
        )

    def subset(self, chosen: Sequence[int] | np.ndarray) -> PackedDrawings:
        """The drawings at `chosen`, in that order, as a new pack (gathered, not rebuilt)."""
        chosen = np.asarray(chosen, np.int64)
        ds, ss = self.drawing_starts, self.stroke_starts
        stroke_counts = ds[chosen + 1] - ds[chosen]
        strokes = runs(ds[chosen], stroke_counts)
        point_counts = ss[strokes + 1] - ss[strokes]
        return PackedDrawings(
            self.points[runs(ss[strokes], point_counts)],
            offsets(point_counts),
            offsets(stroke_counts),
            self.keys[chosen],
            {name: column[chosen] for name, column in self.labels.items()},
            self.canonical,
        )

    def point_counts(self) -> np.ndarray:
        return np.diff(self.point_starts)

    def nonempty(self) -> PackedDrawings:
        """The drawings that have points (this pack itself when all do)."""
        counts = self.point_counts()
        return self if counts.all() else self.subset(np.flatnonzero(counts))

    # ------------------------------------------------------------------ storage
    def arrays(self) -> dict[str, np.ndarray]:
        """Plain arrays (no objects) for an `.npz` read with allow_pickle off."""
        out = {
            "points": self.points,
            "stroke_starts": self.stroke_starts,
            "drawing_starts": self.drawing_starts,
            "keys": self.keys,
            "canonical": np.array(self.canonical),
        }
        out.update({LABEL_PREFIX + name: column for name, column in self.labels.items()})
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> PackedDrawings:
        """The inverse of `arrays`; raises ValueError when they do not describe drawings."""
        packed = cls(
            np.asarray(arrays["points"], np.float32).reshape(-1, 2),
            np.asarray(arrays["stroke_starts"], np.int64),
            np.asarray(arrays["drawing_starts"], np.int64),
            np.asarray(arrays["keys"]),
            {k[len(LABEL_PREFIX) :]: v for k, v in arrays.items() if k.startswith(LABEL_PREFIX)},
            bool(arrays.get("canonical", False)),
        )
        packed.check()
        return packed

    def check(self) -> None:
        """Offsets that run forwards and end where the arrays end, or ValueError."""
        ss, ds = self.stroke_starts, self.drawing_starts
        if len(ds) < 1 or len(ss) < 1 or ds[0] != 0 or ss[0] != 0:
            raise ValueError("offsets do not start at 0")
        if ds[-1] != len(ss) - 1 or ss[-1] != len(self.points):
            raise ValueError("offsets do not end at the arrays' ends")
        if (np.diff(ds) < 0).any() or (np.diff(ss) < 0).any():
            raise ValueError("offsets run backwards")
        if len(self.keys) != len(self) or any(len(c) != len(self) for c in self.labels.values()):
            raise ValueError("keys or labels disagree with the number of drawings")


def _plain(value: Any) -> Any:
    """A label cell back as the plain Python value it was read as (None: the drawing had none)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str) and value.startswith(CELL):
        return json.loads(value[1:]) if len(value) > 1 else None
    return value


def label_columns(records: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """Per label name one array: bool, int, float or str when every drawing has that type,
    else each value as JSON behind the CELL mark (so a missing value and "" stay different)."""
    names: dict[str, None] = {}
    for r in records:
        names.update(dict.fromkeys(r))
    columns = {}
    for name in names:
        values = [r.get(name) for r in records]
        kinds = {type(v) for v in values}
        if kinds == {bool}:
            columns[name] = np.array(values, bool)
        elif kinds == {int} and all(-(2**63) <= v < 2**63 for v in values):
            columns[name] = np.array(values, np.int64)
        elif kinds == {float}:
            columns[name] = np.array(values, np.float64)
        elif kinds == {str} and not any(v.startswith(CELL) for v in values):
            columns[name] = np.array(values, str)
        else:
            cells = [CELL if v is None else CELL + json.dumps(v) for v in values]
            columns[name] = np.array(cells, str)
    return columns


def pack(drawings: Iterable[Drawing]) -> PackedDrawings:
    """Drawings already in memory, packed (a small set, a cluster, a test's faces)."""
    points, stroke_lengths, stroke_counts, keys, labels = [], [], [], [], []
    for d in drawings:
        points += d.strokes
        stroke_lengths += [len(s) for s in d.strokes]
        stroke_counts.append(len(d.strokes))
        keys.append(d.key)
        labels.append(d.labels)
    return PackedDrawings(
        np.concatenate(points).astype(np.float32) if points else np.zeros((0, 2), np.float32),
        offsets(stroke_lengths),
        offsets(stroke_counts),
        np.array(keys, str),
        label_columns(labels),
    )


def runs(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The indices starts[0]..starts[0]+counts[0]-1, then the next run, ... as one array."""
    total = int(counts.sum())
    return np.repeat(starts - offsets(counts)[:-1], counts) + np.arange(total)


def concat(packs: Sequence[PackedDrawings]) -> PackedDrawings:
    """Packs one after another (a file read in chunks)."""
    if len(packs) == 1:
        return packs[0]
    if not packs:
        return pack([])
    point_base = offsets([len(p.points) for p in packs])
    stroke_base = offsets([len(p.stroke_starts) - 1 for p in packs])
    names = list(dict.fromkeys(n for p in packs for n in p.labels))
    labels = {}
    for name in names:
        columns = [p.labels.get(name) for p in packs]
        kinds = {c.dtype.kind for c in columns if c is not None}
        if any(c is None for c in columns) or len(kinds) > 1:
            columns = [_as_cells(c, len(p)) for c, p in zip(columns, packs, strict=True)]
        labels[name] = np.concatenate(columns)
    return PackedDrawings(
        np.concatenate([p.points for p in packs]),
        np.concatenate(
            [p.stroke_starts[:-1] + b for p, b in zip(packs, point_base, strict=False)]
            + [point_base[-1:]]
        ),
        np.concatenate(
            [p.drawing_starts[:-1] + b for p, b in zip(packs, stroke_base, strict=False)]
            + [stroke_base[-1:]]
        ),
        np.concatenate([p.keys for p in packs]),
        labels,
        all(p.canonical for p in packs),
    )


def _as_cells(column: np.ndarray | None, n: int) -> np.ndarray:
    """A column in the JSON-cell form that any values fit (None: the chunk had none)."""
    if column is None:
        return np.full(n, CELL)
    if column.dtype.kind == "U" and all(str(v).startswith(CELL) for v in column[:1]):
        return column
    return np.array([CELL + json.dumps(_plain(v)) for v in column], str)


def offsets(lengths: Sequence[int] | np.ndarray) -> np.ndarray:
    """Start offsets (and the end) of consecutive runs of the given lengths."""
    out = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=out[1:])
    return out
