"""Drawings and their sequence forms: round trips are exact where they should be."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.base.errors import BadDrawing
from core.drawings.strokes import (
    Drawing,
    from_stroke3,
    normalize,
    pad_stroke5,
    stroke3_to_stroke5,
    stroke5_to_stroke3,
    to_stroke3,
    to_svg,
)

coords = st.integers(min_value=-1000, max_value=1000)
stroke = st.lists(st.tuples(coords, coords), min_size=1, max_size=30)
drawings = st.lists(stroke, min_size=1, max_size=8).map(
    lambda ss: Drawing([np.array(s, np.float32) for s in ss])
)


@given(drawings)
def test_absolute_strokes_survive_the_round_trip_through_stroke3(d: Drawing):
    back = from_stroke3(to_stroke3(d))
    assert len(back.strokes) == len(d.strokes)
    for a, b in zip(d.strokes, back.strokes, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-3)


@given(drawings)
def test_stroke5_round_trip_keeps_every_point_and_pen_lift(d: Drawing):
    s3 = to_stroke3(d)
    np.testing.assert_array_equal(stroke5_to_stroke3(stroke3_to_stroke5(s3)), s3)


@given(drawings)
@settings(max_examples=50)
def test_normalize_fits_the_longer_side_into_0_255_and_keeps_aspect(d: Drawing):
    x0, y0, x1, y1 = d.bbox()
    n = normalize(d)
    nx0, ny0, nx1, ny1 = n.bbox()
    assert nx0 == pytest.approx(0, abs=1e-3) and ny0 == pytest.approx(0, abs=1e-3)
    assert max(nx1, ny1) == pytest.approx(255, abs=1e-2) or (x1 == x0 and y1 == y0)
    if x1 > x0 and y1 > y0:
        assert (nx1 / ny1) == pytest.approx((x1 - x0) / (y1 - y0), rel=1e-3)


def test_batch_starts_with_the_start_token_and_pads_with_end_tokens():
    a = stroke3_to_stroke5(np.array([[1, 1, 0], [2, 2, 1]], np.float32))
    b = stroke3_to_stroke5(np.array([[3, 3, 1]], np.float32))
    batch, lengths = pad_stroke5([a, b])
    assert batch.shape == (2, 4, 5)
    np.testing.assert_array_equal(batch[:, 0], [[0, 0, 1, 0, 0]] * 2)
    np.testing.assert_array_equal(lengths, [2, 1])
    np.testing.assert_array_equal(batch[1, 2:], [[0, 0, 0, 0, 1]] * 2)
    np.testing.assert_array_equal(batch[0, 3], [0, 0, 0, 0, 1])


def test_empty_and_nan_drawings_are_refused_with_a_reason():
    with pytest.raises(BadDrawing, match="empty"):
        normalize(Drawing([]))
    with pytest.raises(BadDrawing, match="NaN"):
        normalize(Drawing([np.array([[0, 0], [np.nan, 1]])]))


def test_svg_has_one_polyline_per_stroke():
    d = Drawing([np.array([[0, 0], [10, 10]]), np.array([[5, 0], [5, 10], [0, 3]])])
    svg = to_svg(d)
    assert svg.startswith("<svg") and svg.count("<polyline") == 2
