"""The model's input has one road: a single drawing is a pack of one, and what the model reads
of it is exactly what it reads of the same drawing among 160,000."""

from __future__ import annotations

import numpy as np
import pytest

from core.base.errors import BadDrawing
from core.drawings.faces import generate_faces
from core.drawings.model_input import (
    canonical,
    canonical_pack,
    checked_pack,
    model_sequence,
    model_sequences,
    simplified,
    usable_pack,
)
from core.drawings.packed import pack
from core.drawings.strokes import Drawing


def _simplified_stroke(points: np.ndarray, epsilon: float = 2.0) -> np.ndarray:
    return simplified(pack([Drawing([points])]), epsilon).points


def test_rdp_drops_points_on_a_straight_line_and_keeps_the_corner():
    line = np.array([[0, 0], [1, 0.1], [2, 0], [3, -0.1], [4, 0], [4, 4]], np.float32)
    np.testing.assert_array_equal(_simplified_stroke(line), [[0, 0], [4, 0], [4, 4]])


def test_rdp_handles_a_100k_point_stroke_without_recursing():
    t = np.linspace(0, 40 * np.pi, 100_000)
    spiral = np.stack([t * np.cos(t), t * np.sin(t)], 1).astype(np.float32)
    out = _simplified_stroke(spiral)
    assert 100 < len(out) < 100_000
    np.testing.assert_array_equal(out[0], spiral[0])
    np.testing.assert_array_equal(out[-1], spiral[-1])


def test_canonical_form_is_what_quickdraw_did_fit_then_simplify():
    circle = (
        np.stack([np.cos(np.linspace(0, 6.28, 500)), np.sin(np.linspace(0, 6.28, 500))], 1) * 1000
    )
    d = canonical(Drawing([circle]))
    assert d.num_points < 60
    assert max(d.bbox()[2:]) == pytest.approx(255, abs=0.5)


def test_a_drawing_alone_reads_exactly_as_it_does_among_others():
    faces = generate_faces(30, seed=5)
    together = model_sequences(canonical_pack(pack(faces)), 3.0, 250)
    for face, rows in zip(faces, together, strict=True):
        np.testing.assert_array_equal(model_sequence(face, 3.0, 250), rows)


def test_rows_start_at_the_origin_and_lift_the_pen_at_the_end():
    face = generate_faces(1, seed=2)[0]
    rows = model_sequence(face, 1.0, 250)
    np.testing.assert_array_equal(rows[0, :2], [0, 0])
    assert rows[-1, 3] == 1.0 and rows[-1, 2] == 0.0
    assert np.allclose(rows[:, 2] + rows[:, 3], 1.0)


def test_a_drawing_too_long_for_the_model_is_simplified_harder_not_cut_mid_face():
    t = np.linspace(0, 2 * np.pi, 2000)
    wobbly = np.stack([np.cos(t) * (100 + 30 * np.sin(40 * t)), np.sin(t) * 100], 1)
    rows = model_sequence(Drawing([wobbly]), 1.0, 60)
    assert len(rows) <= 60
    # the whole outline is still there: the offsets come back round to where it started
    assert np.abs(rows[1:, :2].sum(0)).max() < 30


def test_empty_and_broken_drawings_are_refused_with_a_reason_or_left_out_of_a_set():
    with pytest.raises(BadDrawing, match="empty"):
        checked_pack([Drawing([])])
    with pytest.raises(BadDrawing, match="NaN"):
        model_sequence(Drawing([np.array([[0, 0], [np.nan, 1]])]), 1.0, 250)
    good = generate_faces(2, seed=1)
    mixed = [good[0], Drawing([]), Drawing([np.array([[0, 0], [np.inf, 1]])]), good[1]]
    kept = usable_pack(mixed)
    assert len(kept) == 2 and list(kept.keys) == [good[0].key, good[1].key]
