"""Training batches: the stroke-order augmentation changes only the order the encoder sees."""

from __future__ import annotations

import numpy as np

from core.drawings.faces import generate_faces
from core.drawings.model_input import model_sequence
from core.drawings.strokes import stroke5_to_stroke3
from core.training.batching import Batches, shuffle_strokes


def _strokes_as_placed(rows: np.ndarray) -> list[tuple]:
    """Each stroke's absolute points, as a set of hashable tuples (order of strokes ignored)."""
    absolute = np.cumsum(rows[:, :2], axis=0).round(3)
    ends = np.flatnonzero(rows[:, 2] == 1) + 1
    return sorted(tuple(map(tuple, p)) for p in np.split(absolute, ends[ends < len(rows)]))


def _face_rows(seed: int) -> np.ndarray:
    return stroke5_to_stroke3(model_sequence(generate_faces(1, seed=seed)[0], 1.0, 250))


def test_shuffled_strokes_keep_every_stroke_where_it_was_drawn():
    rows = _face_rows(3)
    rng = np.random.default_rng(0)
    shuffled = [shuffle_strokes(rows, rng) for _ in range(8)]
    assert all(len(s) == len(rows) for s in shuffled)
    assert all(_strokes_as_placed(s) == _strokes_as_placed(rows) for s in shuffled)
    assert any(not np.allclose(s, rows) for s in shuffled)  # some order did change


def test_a_single_stroke_has_no_other_order():
    line = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], np.float32)
    assert np.array_equal(shuffle_strokes(line, np.random.default_rng(0)), line)


def test_only_the_encoder_sees_strokes_reordered():
    seqs = [_face_rows(s) for s in range(12)]
    batches = Batches(seqs, batch_size=4, seed=0)
    plain, plain_lengths = batches.get(5, (0.15, 0.1))
    batch, lengths, view = batches.get_with_encoder_view(5, (0.15, 0.1), 1.0)
    assert np.array_equal(batch, plain) and np.array_equal(lengths, plain_lengths)
    assert view is not None and view.shape == batch.shape
    assert not np.array_equal(view, batch)
    for i, n in enumerate(lengths):  # the same points, placed alike, in another order
        drawn = stroke5_to_stroke3(batch[i, 1 : n + 1])
        seen = stroke5_to_stroke3(view[i, 1 : n + 1])
        assert _strokes_as_placed(seen) == _strokes_as_placed(drawn)
    assert batches.get_with_encoder_view(5, (0.15, 0.1), 0.0)[2] is None


def test_the_model_encodes_the_view_and_is_taught_the_drawing():
    """With a reordered view the loss changes (z comes from it); with the drawing itself as
    the view nothing changes (the decoder's targets stay the drawing)."""
    import torch

    from core.model.network import PRESETS, SketchRNN

    torch.manual_seed(0)
    model = SketchRNN(PRESETS["tiny"]).eval()
    batches = Batches([_face_rows(s) for s in range(8)], batch_size=4, seed=0)
    batch, lengths, view = (
        torch.from_numpy(a) for a in batches.get_with_encoder_view(0, None, 1.0)
    )
    plain = model(batch, lengths, sample=False)
    same = model(batch, lengths, sample=False, encoder_view=batch)
    reordered = model(batch, lengths, sample=False, encoder_view=view)
    assert torch.equal(plain["offsets"], same["offsets"])
    assert not torch.equal(plain["offsets"], reordered["offsets"])
    assert not torch.equal(plain["kl"], reordered["kl"])
