"""Procedural faces: seeded, labelled, varied, and drawn in the order people draw."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np

from core.cli.main import main
from core.drawings.faces import EYES, HEADS, MOUTHS, NOSES, generate_faces


def test_same_seed_draws_the_same_faces_and_another_seed_does_not():
    a, b, c = generate_faces(20, seed=5), generate_faces(20, seed=5), generate_faces(20, seed=6)
    assert all(np.array_equal(x.points(), y.points()) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x.points(), y.points()) for x, y in zip(a, c, strict=True))


def test_every_kind_of_every_feature_appears_and_is_labelled():
    faces = generate_faces(1500, seed=0)
    for factor, kinds in (("head", HEADS), ("eyes", EYES), ("nose", NOSES), ("mouth", MOUTHS)):
        seen = Counter(f.labels[factor] for f in faces)
        assert set(seen) == set(kinds), factor
    assert any(f.labels["ears"] for f in faces) and not all(f.labels["ears"] for f in faces)


def test_the_head_outline_usually_comes_first_and_is_the_largest_stroke():
    faces = generate_faces(300, seed=1)

    def extent(s):
        return float(np.ptp(s[:, 0]) * np.ptp(s[:, 1]))

    first_is_largest = sum(extent(f.strokes[0]) == max(extent(s) for s in f.strokes) for f in faces)
    assert first_is_largest / len(faces) > 0.8


def test_faces_command_writes_collection_ndjson_with_labels(tmp_path):
    out = tmp_path / "faces.ndjson"
    assert main(["faces", "--n", "30", "--seed", "2", "--out", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 30
    assert {"head", "eyes", "nose", "mouth", "drawing"} <= set(records[0])
    xs = [x for r in records for s in r["drawing"] for x in s[0]]
    assert min(xs) >= 0 and max(xs) <= 255


def test_the_real_hand_draws_the_same_faces_closer_to_how_people_draw_them():
    """`--hand real` keeps every face's features (same seed, same labels and strokes) and moves
    its simplified point count toward the real sample's: more points, as real hands leave."""
    from core.base.resources import sample_faces_path
    from core.drawings.faces import REAL_HAND
    from core.drawings.formats import read_dataset
    from core.drawings.model_input import canonical

    default = generate_faces(300, seed=1)
    real_hand = generate_faces(300, seed=1, style=REAL_HAND)
    assert [f.labels for f in default] == [f.labels for f in real_hand]
    assert [len(f.strokes) for f in default] == [len(f.strokes) for f in real_hand]
    real = [canonical(d) for d in read_dataset(sample_faces_path()).drawings()]

    def points(faces):
        return np.median([canonical(f).num_points for f in faces])

    assert abs(points(real_hand) - points(real)) < abs(points(default) - points(real))


def test_faces_command_draws_with_the_hand_asked_for(tmp_path):
    default, real_hand = tmp_path / "default.ndjson", tmp_path / "real.ndjson"
    assert main(["faces", "--n", "20", "--seed", "3", "--out", str(default)]) == 0
    assert (
        main(["faces", "--n", "20", "--seed", "3", "--hand", "real", "--out", str(real_hand)]) == 0
    )
    a = [json.loads(line) for line in default.read_text().splitlines()]
    b = [json.loads(line) for line in real_hand.read_text().splitlines()]
    assert [r["mouth"] for r in a] == [r["mouth"] for r in b]
    assert sum(len(s[0]) for r in b for s in r["drawing"]) > sum(
        len(s[0]) for r in a for s in r["drawing"]
    )
