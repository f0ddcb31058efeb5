"""Every format people have is read; nothing in a file can run code or exhaust memory."""

from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from core.base.errors import BadFile
from core.base.resources import sample_faces_path
from core.drawings.formats import read_dataset, write_bin, write_ndjson, write_npz
from core.drawings.strokes import Drawing


def _faces(n: int = 5) -> list[Drawing]:
    rng = np.random.default_rng(0)
    return [
        Drawing(
            [rng.integers(0, 255, (k + 2, 2)).astype(np.float32) for k in range(3)],
            key=str(1000 + i),
        )
        for i in range(n)
    ]


def test_shipped_real_faces_are_read_with_unique_keys():
    ds = read_dataset(sample_faces_path())
    keys = [d.key for d in ds.drawings()]
    assert len(keys) > 600 and len(set(keys)) == len(keys)


def test_sketch_rnn_npz_round_trips_through_the_safe_reader(tmp_path: Path):
    faces = _faces()
    path = tmp_path / "faces.npz"
    write_npz({"train": faces[:3], "valid": faces[3:4], "test": faces[4:]}, path)
    ds = read_dataset(path)
    assert ds.format == "sketch-rnn npz"
    assert [len(ds.splits[s]) for s in ("train", "valid", "test")] == [3, 1, 1]
    for a, b in zip(faces[:3], ds.splits["train"], strict=True):
        for sa, sb in zip(a.strokes, b.strokes, strict=True):
            np.testing.assert_array_equal(sa, sb)


def test_python2_latin1_pickled_npz_is_read(tmp_path: Path):
    """The published sketch-rnn files were pickled by Python 2 numpy: protocol 2, latin1 bytes."""
    items = np.empty(2, dtype=object)
    items[0] = np.array([[1, 2, 0], [3, 4, 1]], np.int16)
    items[1] = np.array([[5, 6, 1]], np.int16)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "|O", "fortran_order": False, "shape": (2,)}
    )
    path = tmp_path / "py2.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("train.npy", header.getvalue() + pickle.dumps(items, protocol=2))
    ds = read_dataset(path)
    assert len(ds.splits["train"]) == 2
    np.testing.assert_array_equal(ds.splits["train"][1].strokes[0], [[5, 6]])


class _Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_malicious_npz_is_refused_without_running_code(tmp_path: Path):
    marker = tmp_path / "pwned"
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "|O", "fortran_order": False, "shape": (1,)}
    )
    path = tmp_path / "evil.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("train.npy", header.getvalue() + pickle.dumps(_Payload(marker)))
    with pytest.raises(BadFile, match="refused"):
        read_dataset(path)
    assert not marker.exists()


def test_zip_bomb_npz_is_refused_before_decompressing(tmp_path: Path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<i2", "fortran_order": False, "shape": (300_000_000,)}
    )
    path = tmp_path / "bomb.npz"
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z,
        z.open("train.npy", "w", force_zip64=True) as f,
    ):
        f.write(header.getvalue())
        zeros = bytes(1 << 20)
        for _ in range(600):
            f.write(zeros)
    with pytest.raises(BadFile, match="expand"):
        read_dataset(path)


def test_raw_ndjson_with_timings_is_recognised(tmp_path: Path):
    path = tmp_path / "raw.ndjson"
    record = {"word": "face", "key_id": "7", "drawing": [[[10, 400], [20, 500], [0, 16]]]}
    path.write_text(json.dumps(record) + "\n")
    ds = read_dataset(path)
    assert ds.format == "quickdraw ndjson (raw)"
    np.testing.assert_array_equal(ds.drawings()[0].strokes[0], [[10, 20], [400, 500]])


def test_collection_ndjson_keeps_labels(tmp_path: Path):
    faces = _faces(2)
    faces[0].labels["mouth"] = "smile"
    path = tmp_path / "mine.ndjson"
    write_ndjson(faces, path)
    ds = read_dataset(path)
    assert ds.format == "quickdraw ndjson (simplified)"
    assert ds.drawings()[0].labels["mouth"] == "smile"
    assert ds.drawings()[1].key == faces[1].key


def test_quickdraw_bin_round_trips(tmp_path: Path):
    faces = _faces(4)
    path = tmp_path / "face.bin"
    write_bin(faces, path)
    ds = read_dataset(path)
    assert ds.format == "quickdraw bin" and len(ds) == 4
    np.testing.assert_array_equal(ds.drawings()[2].strokes[1], faces[2].strokes[1])
    assert ds.drawings()[2].key == faces[2].key


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.ndjson", b"", "empty"),
        ("junk.bin", b"\x01\x02\x03", "truncated"),
        ("notjson.ndjson", b"{this is not json\n", "line 1"),
        ("bomb.ndjson", b'{"drawing": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", "nested"),
        ("photo.npz", b"\x89PNG\r\n\x1a\n" + bytes(100), "not a drawing file"),
        ("wrong.npz", b"PK\x03\x04" + bytes(50), "not a readable"),
    ],
)
def test_broken_files_give_one_clear_error(tmp_path: Path, name: str, content: bytes, message: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadFile, match=message):
        read_dataset(path)


def test_missing_file_and_folder_are_named(tmp_path: Path):
    with pytest.raises(BadFile, match="does not exist"):
        read_dataset(tmp_path / "nope.ndjson")
    with pytest.raises(BadFile, match="folder"):
        read_dataset(tmp_path)
