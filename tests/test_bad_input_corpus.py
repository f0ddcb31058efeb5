"""A corpus of crafted and odd files run through every reader and command: nothing executes,
memory stays bounded, and each gives one clear line and exit code 2 (or just works)."""

from __future__ import annotations

import contextlib
import io
import json
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.base.errors import BadFile, BadModel, SketchbookError
from core.cli.main import main
from core.drawings.formats import read_dataset
from core.model.modelfile import load_model

RAN = []


class Payload:
    """Unpickling this would run code (append to RAN): the tests check it never does."""

    def __reduce__(self):
        return (RAN.append, ("payload ran",))


def ndjson_line(strokes) -> bytes:
    return (json.dumps({"word": "face", "drawing": strokes}) + "\n").encode()


def bad_data_files(folder: Path) -> dict[str, Path]:
    """Files that must be refused with one line each."""
    pickled = io.BytesIO()
    payload = np.empty(1, dtype=object)
    payload[0] = Payload()
    np.savez(pickled, train=payload, allow_pickle=True)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("train.npy", bytes(600 << 20))
    files = {
        "truncated.ndjson": ndjson_line([[[0, 10], [0, 10]]])[:-9],
        "empty.ndjson": b"",
        "junk.bin": bytes(range(256)) * 4,
        "png-behind.ndjson": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "png-behind.npz": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "pickle-payload.npz": pickled.getvalue(),
        "zip-bomb.npz": bomb.getvalue(),
        "json-bomb.ndjson": b'{"drawing": ' + b"[" * 50_000 + b"]" * 50_000 + b"}\n",
        "not-a-drawing.ndjson": b'{"drawing": {"x": 1}}\n',
        "truncated.bin": struct.pack("<QH", 5, 13) + b"f",
    }
    out = {}
    for name, content in files.items():
        (folder / name).write_bytes(content)
        out[name] = folder / name
    return out


def odd_but_fine_files(folder: Path) -> dict[str, Path]:
    """Files that are strange but real drawings: read, never refused, never frozen."""
    rng = np.random.default_rng(0)
    long_stroke = np.cumsum(rng.normal(0, 1, (2, 100_000)), 1).round(1).tolist()
    files = {
        "huge-coordinates.ndjson": ndjson_line([[[0, 1e30, -1e30], [0, 1e30, 5]]]),
        "100k-points.ndjson": ndjson_line([long_stroke]),
        "10k-strokes.ndjson": ndjson_line([[[i, i + 1], [0, 1]] for i in range(10_000)]),
        "visage é 😀.ndjson": ndjson_line([[[0, 50, 100], [0, 80, 0]]]),
    }
    out = {}
    for name, content in files.items():
        (folder / name).write_bytes(content)
        out[name] = folder / name
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return bad_data_files(folder), odd_but_fine_files(folder)


def test_every_reader_refuses_crafted_files_with_bad_file_and_runs_nothing(corpus):
    bad, _ = corpus
    for name, path in bad.items():
        with pytest.raises(BadFile):
            read_dataset(path)
        assert RAN == [], name


@pytest.mark.parametrize("command", ["inspect", "eval", "index", "reconstruct"])
def test_every_command_gives_one_line_and_exit_2_for_each_crafted_file(
    corpus, command, tiny_model, tmp_path, capsys
):
    bad, _ = corpus
    for name, path in bad.items():
        argv = {
            "inspect": ["inspect", str(path)],
            "eval": ["eval", "--model", str(tiny_model), "--data", str(path)],
            "index": ["index", "--model", str(tiny_model), "--data", str(path)],
            "reconstruct": [
                "reconstruct",
                "--model",
                str(tiny_model),
                "--data",
                str(path),
                "--out",
                str(tmp_path / "out.ndjson"),
            ],
        }[command]
        assert main(argv) == 2, name
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"sketchbook {command}: "), (name, err)
    assert RAN == []


def test_odd_but_real_drawings_are_read_and_encoded(corpus, sketcher):
    _, odd = corpus
    for name, path in odd.items():
        drawings = read_dataset(path).drawings()
        assert len(drawings) == 1, name
        mu, _ = sketcher.encode(drawings)
        assert np.isfinite(mu).all(), name


def test_crafted_model_files_are_refused_and_run_nothing(tmp_path, tiny_model):
    import torch

    pt = tmp_path / "model.pt"
    torch.save({"weights": Payload()}, pt)  # a zip with a pickle inside, as PyTorch writes it
    raw = tiny_model.read_bytes()
    header_len = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + header_len])
    name = next(k for k in header if k != "__metadata__")
    header[name]["data_offsets"] = [0, 1 << 40]  # a header that lies about where data ends
    lying = json.dumps(header).encode()
    crafted = {
        "model.pt": None,
        "lying-offsets.safetensors": len(lying).to_bytes(8, "little")
        + lying
        + raw[8 + header_len :],
        "huge-header.safetensors": (1 << 60).to_bytes(8, "little") + b"{}",
        "header-not-json.safetensors": (12).to_bytes(8, "little") + b"not json at all",
        "empty.safetensors": b"",
    }
    for file, content in crafted.items():
        if content is not None:
            (tmp_path / file).write_bytes(content)
        with pytest.raises(BadModel):
            load_model(tmp_path / file)
    assert RAN == []
    assert main(["eval", "--model", str(pt), "--data", str(tmp_path / "model.pt")]) == 2


def test_an_output_place_that_cannot_exist_gives_one_line(
    tiny_model, tmp_path, capsys, procedural_file
):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    argv = ["reconstruct", "--model", str(tiny_model), "--data", str(procedural_file)]
    assert main([*argv, "--limit", "2", "--out", str(a_file / "x.ndjson")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("sketchbook reconstruct: ")


def test_reconstruct_tries_out_of_range_gives_one_line_and_a_good_count_works(
    tiny_model, tmp_path, capsys, procedural_file
):
    from core.drawings.formats import read_dataset

    argv = ["reconstruct", "--model", str(tiny_model), "--data", str(procedural_file)]
    out = tmp_path / "redrawn.ndjson"
    for bad in ("0", "65"):
        assert main([*argv, "--tries", bad, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--tries must be 1 to 64" in err
    assert not out.exists()
    assert main([*argv, "--tries", "3", "--limit", "2", "--out", str(out)]) == 0
    assert len(read_dataset(out).drawings()) == 2


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.binary(max_size=4000), suffix=st.sampled_from([".ndjson", ".npz", ".bin", ".json"])
)
def test_fuzzed_bytes_never_escape_as_anything_but_bad_file(tmp_path_factory, content, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"f{suffix}"
    path.write_bytes(content)
    with contextlib.suppress(SketchbookError):
        read_dataset(path)
    assert RAN == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    strokes=st.lists(
        st.lists(
            st.tuples(
                st.floats(allow_nan=True, allow_infinity=True),
                st.floats(allow_nan=True, allow_infinity=True),
            ),
            max_size=30,
        ),
        max_size=8,
    )
)
def test_fuzzed_drawings_encode_or_raise_bad_drawing(sketcher, strokes):
    from core.drawings.strokes import Drawing

    with np.errstate(over="ignore"):  # floats beyond float32 become inf: also bad input
        drawing = Drawing([np.array(s, np.float32).reshape(-1, 2) for s in strokes])
    try:
        mu, _ = sketcher.encode([drawing])
    except SketchbookError:
        return
    assert np.isfinite(mu).all()
