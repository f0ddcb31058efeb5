"""Big files as flat arrays: packing, whole-set preprocessing, and the bulk ndjson reader give
the same drawings as the one-at-a-time code they replace."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.base.resources import sample_faces_path
from core.drawings.faces import generate_faces
from core.drawings.formats import read_dataset
from core.drawings.model_input import canonical, canonical_pack
from core.drawings.ndjson_reader import Skipped, read_chunks
from core.drawings.packed import PackedDrawings, concat, pack
from core.drawings.strokes import Drawing


def same_drawing(a: Drawing, b: Drawing) -> bool:
    return (
        a.key == b.key
        and len(a.strokes) == len(b.strokes)
        and all(np.allclose(x, y, atol=1e-4) for x, y in zip(a.strokes, b.strokes, strict=True))
    )


def test_a_packed_set_gives_back_each_drawing_with_its_labels():
    faces = generate_faces(30, seed=4)
    packed = pack(faces)
    assert len(packed) == 30
    assert all(same_drawing(packed[i], faces[i]) for i in range(30))
    assert packed[5].labels == faces[5].labels
    assert same_drawing(packed[-1], faces[-1])
    chosen = packed.subset([7, 2, 2])
    assert [d.key for d in chosen] == [faces[7].key, faces[2].key, faces[2].key]
    assert same_drawing(chosen[0], faces[7])


def test_packed_sets_join_even_when_their_labels_differ():
    a = pack([Drawing([[[0, 0], [5, 5]]], key="a", labels={"n": 1, "word": "face"})])
    b = pack([Drawing([[[1, 1], [2, 9]]], key="b", labels={"n": "one"})])
    both = concat([a, b])
    assert both[0].labels == {"n": 1, "word": "face"}
    assert both[1].labels == {"n": "one"}  # no "word": the drawing had none
    assert same_drawing(both[1], b[0])


def test_a_saved_pack_reads_back_and_a_damaged_one_is_refused():
    packed = pack(generate_faces(10, seed=1))
    back = PackedDrawings.from_arrays(packed.arrays())
    assert all(same_drawing(back[i], packed[i]) for i in range(10))
    broken = packed.arrays()
    broken["stroke_starts"] = broken["stroke_starts"][:-3]
    with pytest.raises(ValueError):
        PackedDrawings.from_arrays(broken)


def test_whole_set_simplification_keeps_exactly_what_one_drawing_at_a_time_keeps():
    drawings = list(read_dataset(sample_faces_path()).drawings()) + generate_faces(200, seed=9)
    drawings = [d for d in drawings if not d.is_empty]
    at_once = canonical_pack(pack(drawings))
    assert all(same_drawing(at_once[i], canonical(d)) for i, d in enumerate(drawings))


def reference(path: Path) -> tuple[list[Drawing], list[int]]:
    """What json.loads line by line makes of a file: its drawings, and its broken lines."""
    drawings, broken = [], []
    for n, line in enumerate(path.read_bytes().splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            strokes = [np.array(s[:2], np.float32).T for s in record["drawing"]]
            if not all(len(s[0]) == len(s[1]) for s in record["drawing"]):
                raise ValueError
        except (ValueError, TypeError, KeyError, IndexError):
            broken.append(n)
            continue
        drawings.append(Drawing(strokes, key=str(record.get("key_id", f"{path.stem}#{n - 1}"))))
    return drawings, broken


def test_the_bulk_reader_reads_every_kind_of_line_as_json_does(tmp_path: Path):
    lines = [
        '{"key_id":"1","word":"face","drawing":[[[10,20,30],[5,6,7]],[[1],[2]]]}',
        '{"word": "face", "key_id": "2", "drawing": [[[355, -12, 0], [1, 2, 3], [0, 10, 20]]]}',
        '{"key_id":"3","drawing":[[[1.5,2.25],[3,4]]]}',  # floats: the careful reader's
        "this line is not json",
        '{"key_id":"5","drawing":[[[1,2,3],[4,5]]]}',  # x and y disagree
        "",
        '{"key_id":"7","drawing":[[[],[]],[[9,8],[7,6]]],"recognized":true}',
        '{"key_id":"8","drawing":[[["a",2],[3,4]]]}',
        '{"drawing":[[[1,2],[3,4]]]}',  # no key: its line gives one
        '{"key_id":"10","drawing":[[[-0,12345678],[1,2]]]}',
    ]
    path = tmp_path / "mixed.ndjson"
    path.write_text("\n".join(lines) + "\n")
    expected, broken = reference(path)
    for block_bytes in (1 << 20, 64):  # one block, and a block per line or two
        skipped = Skipped()
        got = concat([c.drawings for c in read_chunks(path, skipped, block_bytes)])
        assert [d.key for d in got] == [d.key for d in expected]
        assert all(same_drawing(got[i], d) for i, d in enumerate(expected))
        assert [n for n, _ in skipped.lines] == broken == [4, 5, 8]
    assert got[1].labels == {"word": "face"} and got[3].labels == {"recognized": True}
    assert got[4].key == "mixed#8"


def test_a_real_quickdraw_file_reads_the_same_through_the_bulk_reader(tmp_path: Path):
    shared = Path(__file__).parents[2] / "shared" / "data" / "quickdraw"
    files = sorted(shared.rglob("*.ndjson"))[:6] or [sample_faces_path()]
    for path in files:
        expected, broken = reference(path)
        skipped = Skipped()
        got = concat([c.drawings for c in read_chunks(path, skipped, 1 << 16)])
        assert not broken and skipped.count == 0
        assert len(got) == len(expected)
        assert all(same_drawing(got[i], d) for i, d in enumerate(expected))


def test_a_line_longer_than_any_drawing_is_skipped_and_the_rest_kept(tmp_path: Path, monkeypatch):
    import core.drawings.ndjson_reader as reader

    monkeypatch.setattr(reader, "MAX_LINE_BYTES", 200)
    good = '{"key_id":"k","drawing":[[[1,2],[3,4]]]}'
    long = '{"key_id":"long","drawing":[[[' + ",".join(["1"] * 400) + "],[1]]]}"
    path = tmp_path / "long.ndjson"
    path.write_text("\n".join([good, long, good]) + "\n")
    skipped = Skipped()
    got = concat([c.drawings for c in read_chunks(path, skipped, block_bytes=128)])
    assert len(got) == 2 and [n for n, _ in skipped.lines] == [2]


def test_decimals_and_negative_numbers_read_exactly_as_json_reads_them(tmp_path: Path):
    rng = np.random.default_rng(1)
    lines = []
    for i in range(200):
        strokes = []
        for _ in range(int(rng.integers(1, 4))):
            n = int(rng.integers(1, 20))
            xs = [round(float(v), int(rng.integers(0, 5))) for v in rng.normal(0, 300, n)]
            ys = [int(v) for v in rng.normal(0, 300, n)]
            strokes.append([xs, ys, list(range(n))])
        lines.append(json.dumps({"key_id": str(i), "drawing": strokes}))
    path = tmp_path / "raw.ndjson"
    path.write_text("\n".join(lines) + "\n")
    expected, broken = reference(path)
    got = concat([c.drawings for c in read_chunks(path, Skipped())])
    assert not broken and len(got) == 200
    assert all(np.array_equal(got[i].points(), d.points()) for i, d in enumerate(expected))


def test_training_data_from_a_packed_file_is_what_the_drawing_by_drawing_path_gives(
    tmp_path: Path,
):
    """A 160,000-face file becomes training data in seconds; the same sequences, the same
    held-back slice as building it a drawing at a time."""
    from core.drawings.formats import Dataset, write_ndjson
    from core.training.batching import to_sequences, train_valid_split

    path = tmp_path / "faces.ndjson"
    write_ndjson(generate_faces(300, seed=8), path)
    packed = read_dataset(path)
    one_by_one = Dataset({"all": list(packed.drawings())}, packed.format)
    (train_p, valid_p), (train_l, valid_l) = (
        train_valid_split(packed),
        train_valid_split(one_by_one),
    )
    assert [d.key for d in valid_p] == [d.key for d in valid_l] and len(valid_l) > 0
    assert [d.key for d in train_p] == [d.key for d in train_l]
    fast, slow = to_sequences(train_p, 100), to_sequences(train_l, 100)
    assert len(fast) == len(slow)
    assert all(
        a.shape == b.shape and np.allclose(a, b, atol=1e-4) for a, b in zip(fast, slow, strict=True)
    )
