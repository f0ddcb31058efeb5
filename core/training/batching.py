"""Training data as the model eats it: scaled stroke-3 sequences, held-back validation slices,
length-bucketed batches in an order fixed by (seed, epoch), and sketch-rnn's augmentation."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.base.errors import BadRequest
from core.drawings.formats import Dataset
from core.drawings.model_input import canonical_pack, model_sequences, usable_pack
from core.drawings.packed import PackedDrawings
from core.drawings.strokes import (
    Drawing,
    offset_scale,
    pad_stroke5,
    stroke3_to_stroke5,
    stroke5_to_stroke3,
)
from core.training.train_data import TrainData

HOLDOUT_FRACTION = 0.1


def is_held_out(drawing: Drawing, fraction: float = HOLDOUT_FRACTION) -> bool:
    """A stable choice by key, so the same drawings stay out of training run after run."""
    return is_held_key(drawing.key, fraction)


def is_held_key(key: str, fraction: float = HOLDOUT_FRACTION) -> bool:
    digest = hashlib.sha1(key.encode()).digest()
    return int.from_bytes(digest[:4], "little") / 2**32 < fraction


def train_valid_split(
    dataset: Dataset, max_valid: int = 500
) -> tuple[Sequence[Drawing], Sequence[Drawing]]:
    """The file's own train/valid splits, or else a held-back slice chosen by key."""
    if "train" in dataset.splits:
        return dataset.splits["train"], dataset.splits.get("valid", [])[:max_valid]
    packed = dataset.drawings()
    if isinstance(packed, PackedDrawings):  # by key alone: no drawing is built
        keys = packed.keys.tolist()
        held = [i for i, key in enumerate(keys) if is_held_key(key)][:max_valid]
        rest = np.setdiff1d(np.arange(len(packed)), held)
        return packed.subset(rest), packed.subset(np.array(held, np.int64))
    drawings = list(packed)
    held = [i for i, d in enumerate(drawings) if is_held_out(d)][:max_valid]
    chosen = set(held)
    return [d for i, d in enumerate(drawings) if i not in chosen], [drawings[i] for i in held]


def to_sequences(drawings: Sequence[Drawing], max_len: int) -> list[np.ndarray]:
    """Unscaled stroke-3 of every usable drawing (empty or broken drawings are skipped), the
    whole set brought into canonical form at once (a 160,000-face file in seconds)."""
    canonical = canonical_pack(usable_pack(drawings))
    return [stroke5_to_stroke3(s) for s in model_sequences(canonical, 1.0, max_len)]


@dataclass
class Batches:
    """Length-bucketed batches of scaled stroke-3 sequences, reproducible from the seed."""

    sequences: list[np.ndarray]
    batch_size: int
    seed: int
    rank: int = 0
    world: int = 1

    def __post_init__(self) -> None:
        self.lengths = np.array([len(s) for s in self.sequences])
        self.per_epoch = max(1, len(self.sequences) // (self.batch_size * self.world))

    def epoch_order(self, epoch: int) -> list[np.ndarray]:
        """Shuffle, sort within chunks of 50 batches by length (little padding), shuffle batches."""
        rng = np.random.default_rng([self.seed, epoch])
        order = rng.permutation(len(self.sequences))
        chunk = self.batch_size * 50
        batches = []
        for start in range(0, len(order), chunk):
            part = order[start : start + chunk]
            part = part[np.argsort(self.lengths[part], kind="stable")]
            batches += [part[i : i + self.batch_size] for i in range(0, len(part), self.batch_size)]
        batches = [b for b in batches if len(b) == self.batch_size] or batches
        perm = rng.permutation(len(batches))
        return [batches[i] for i in perm]

    def indices(self, step: int) -> np.ndarray:
        """The drawings of global step `step` for this rank."""
        epoch, within = divmod(step, self.per_epoch)
        batches = self.epoch_order(epoch)
        return batches[(within * self.world + self.rank) % len(batches)]

    def get(self, step: int, augment: tuple[float, float] | None) -> tuple[np.ndarray, np.ndarray]:
        batch, lengths, _ = self.get_with_encoder_view(step, augment, 0.0)
        return batch, lengths

    def get_with_encoder_view(
        self, step: int, augment: tuple[float, float] | None, order_shuffle: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The batch, its lengths, and the encoder's view of it: each drawing's strokes
        reordered with probability `order_shuffle` (None when 0: the encoder sees the batch)."""
        rng = np.random.default_rng([self.seed, step, self.rank, 7])
        seqs = [self.sequences[i] for i in self.indices(step)]
        if augment:
            scale, drop = augment
            seqs = [augment_sequence(s, rng, scale, drop) for s in seqs]
        batch, lengths = pad_stroke5([stroke3_to_stroke5(s) for s in seqs])
        if order_shuffle <= 0:
            return batch, lengths, None
        order_rng = np.random.default_rng([self.seed, step, self.rank, 11])
        views = [
            shuffle_strokes(s, order_rng) if order_rng.random() < order_shuffle else s for s in seqs
        ]
        view, _ = pad_stroke5([stroke3_to_stroke5(s) for s in views], batch.shape[1] - 2)
        return batch, lengths, view


def augment_sequence(
    rows: np.ndarray, rng: np.random.Generator, scale: float, drop: float
) -> np.ndarray:
    """sketch-rnn's augmentation: stretch x and y independently, and merge some pen-down points
    into their successor (the same line drawn with fewer points)."""
    out = rows.copy()
    out[:, 0] *= rng.uniform(1 - scale, 1 + scale)
    out[:, 1] *= rng.uniform(1 - scale, 1 + scale)
    if drop <= 0 or len(out) < 3:
        return out
    # a point may go if it and the one before it are both mid-stroke
    candidates = np.flatnonzero((out[1:-1, 2] == 0) & (out[:-2, 2] == 0)) + 1
    dropped = candidates[rng.random(len(candidates)) < drop]
    if len(dropped) == 0:
        return out
    keep = np.ones(len(out), bool)
    for i in dropped:  # in order, so a run of drops accumulates into the survivor
        out[i + 1, :2] += out[i, :2]
    keep[dropped] = False
    return out[keep]


def shuffle_strokes(rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The same drawing with its strokes put down in a random order: every stroke keeps its
    points and place, only the jumps between strokes change (another hand's order)."""
    rows = rows.copy()
    rows[-1, 2] = 1  # the last stroke ends too, wherever it lands in the new order
    ends = np.flatnonzero(rows[:-1, 2] == 1) + 1  # where each stroke after the first starts
    pieces = np.split(np.cumsum(rows[:, :2], axis=0), ends)
    pens = np.split(rows[:, 2], ends)
    if len(pieces) < 2:
        return rows
    order = rng.permutation(len(pieces))
    absolute = np.concatenate([pieces[i] for i in order])
    out = np.empty_like(rows)
    out[:, :2] = np.diff(absolute, axis=0, prepend=np.zeros((1, 2), rows.dtype))
    out[:, 2] = np.concatenate([pens[i] for i in order])
    return out


def build_train_data(
    sources: list[tuple[str, Dataset, int]], max_len: int, scale: float | None = None
) -> TrainData:
    """Train on every source (each repeated `repeat` times), validate on each one's held-back
    slice separately. `scale` None computes it from the training sequences (a new model);
    fine-tuning passes the base model's, since its weights were learned at that scale."""
    train, valid, described = [], {}, []
    for name, dataset, repeat in sources:
        train_d, valid_d = train_valid_split(dataset)
        seqs = to_sequences(train_d, max_len)
        train += seqs * max(1, repeat)
        valid[name] = to_sequences(valid_d, max_len)
        described.append(
            {
                "name": name,
                "format": dataset.format,
                "train": len(seqs),
                "valid": len(valid[name]),
                "repeat": repeat,
            }
        )
    if not train:
        raise BadRequest("the data holds no usable drawings to train on")
    if scale is None:
        scale = offset_scale(train)
    train_scaled = [scaled(s, scale) for s in train]
    valid_scaled = {k: [scaled(s, scale) for s in v] for k, v in valid.items()}
    return TrainData(train_scaled, valid_scaled, scale, {"sources": described, "scale": scale})


def scaled(rows: np.ndarray, scale: float) -> np.ndarray:
    out = rows.copy()
    out[:, :2] /= scale
    return out
