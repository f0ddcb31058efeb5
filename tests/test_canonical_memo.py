"""A pen-up's earlier strokes are simplified once: the remembered form is exactly the one
computed afresh, as a face grows stroke by stroke and when a stroke widens the drawing."""

from __future__ import annotations

import numpy as np

from core.drawings.faces import generate_faces
from core.drawings.model_input import CanonicalMemo, canonical_pack
from core.drawings.packed import pack
from core.drawings.strokes import Drawing


def _same(a, b) -> None:
    np.testing.assert_array_equal(a.points, b.points)
    np.testing.assert_array_equal(a.stroke_starts, b.stroke_starts)
    assert a.canonical and b.canonical


def test_a_face_drawn_stroke_by_stroke_gets_the_canonical_form_of_each_step():
    memo = CanonicalMemo()
    for face in generate_faces(5, seed=3):
        dense = [np.repeat(s, 3, axis=0) + np.random.default_rng(0).normal(0, 0.3, (3 * len(s), 2))
                 for s in face.strokes]  # fmt: skip
        for n in range(1, len(dense) + 1):
            drawing = Drawing(dense[:n])
            _same(memo.canonical(pack([drawing])), canonical_pack(pack([drawing])))
    assert memo.hits > 0  # earlier strokes were not simplified again


def test_a_stroke_that_widens_the_drawing_refits_the_ones_before():
    memo = CanonicalMemo()
    t = np.linspace(0, 2 * np.pi, 200)
    circle = np.stack([100 + 50 * np.cos(t), 100 + 50 * np.sin(t)], 1)
    first = memo.canonical(pack([Drawing([circle])]))
    wide = Drawing([circle, np.array([[0.0, 100.0], [300.0, 100.0]])])
    second = memo.canonical(pack([wide]))
    _same(second, canonical_pack(pack([wide])))
    circle_now = second.points[second.stroke_starts[0] : second.stroke_starts[1]]
    assert np.ptp(circle_now[:, 0]) < np.ptp(first.points[:, 0]) / 2  # the circle was refitted


def test_the_memo_stays_small():
    memo = CanonicalMemo(capacity=8)
    for i in range(20):
        memo.canonical(pack([Drawing([np.array([[0.0, 0.0], [i + 1.0, 5.0], [30.0, 2.0]])])]))
    assert len(memo._kept) <= 8
