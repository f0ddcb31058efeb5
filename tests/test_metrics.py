"""The likeness measure behind the self-retrieval figure."""

from __future__ import annotations

import numpy as np

from core.drawings.faces import generate_faces
from core.drawings.metrics import chamfer, nearest_try, resample, self_retrieval


def test_resampling_spreads_points_along_the_ink_in_a_unit_box():
    face = generate_faces(1, seed=2)[0]
    pts = resample(face, 80)
    assert pts.shape == (80, 2)
    assert pts.min() >= -1e-6 and pts.max() <= 1 + 1e-6


def test_a_drawing_is_nearest_to_itself_and_scale_does_not_matter():
    faces = generate_faces(12, seed=3)
    bigger = [f.with_strokes([s * 3 + 40 for s in f.strokes]) for f in faces]
    assert self_retrieval(faces, bigger) == 1.0
    assert chamfer(resample(faces[0]), resample(bigger[0])) < 1e-4


def test_shuffled_reconstructions_are_not_retrieved():
    faces = generate_faces(12, seed=4)
    shuffled = faces[1:] + faces[:1]
    assert self_retrieval(faces, shuffled) == 0.0
    assert self_retrieval(faces, shuffled, top=12) == 1.0
    assert np.isinf(chamfer(np.zeros((0, 2)), resample(faces[0])))


def test_the_nearest_try_is_the_one_most_like_the_drawing_and_never_an_empty_one():
    face, other = generate_faces(2, seed=6)
    nudged = face.with_strokes([s + 1.5 for s in face.strokes])
    empty = face.with_strokes([])
    assert nearest_try(face, [other, empty, nudged, other], [True] * 4) == 2
    assert nearest_try(face, [empty, other], [True, True]) == 1


def test_a_try_that_never_ended_is_chosen_only_if_none_did():
    face, other = generate_faces(2, seed=6)
    assert nearest_try(face, [other, face], [True, False]) == 0
    assert nearest_try(face, [other, face], [False, False]) == 1
