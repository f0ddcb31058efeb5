"""The command line: subcommands listed, every format inspected, bad input is one line, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core.base.resources import sample_faces_path
from core.cli.main import main
from core.drawings.formats import write_bin, write_npz
from core.drawings.strokes import Drawing


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core", *args], capture_output=True, text=True, timeout=120
    )


def test_help_lists_the_subcommands_and_version_prints():
    result = run_cli("--help")
    assert result.returncode == 0
    for name in ("app", "inspect", "faces", "train", "eval", "reconstruct"):
        assert name in result.stdout
    assert run_cli("--version").stdout.startswith("sketchbook 0.")


def test_inspect_reads_the_shipped_faces_as_json(capsys):
    assert main(["inspect", str(sample_faces_path()), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == "quickdraw ndjson (simplified)"
    stats = report["splits"]["all"]
    assert stats["drawings"] > 600 and 30 < stats["points"]["median"] < 80


def test_inspect_reads_npz_splits_and_bin(tmp_path, capsys):
    d = Drawing([[[0, 0], [10, 5], [20, 20]], [[3, 3], [4, 4]]], key="12")
    write_npz({"train": [d] * 3, "valid": [d], "test": [d, d]}, tmp_path / "f.npz")
    write_bin([d] * 2, tmp_path / "f.bin")
    assert main(["inspect", str(tmp_path / "f.npz")]) == 0
    out = capsys.readouterr().out
    assert "sketch-rnn npz" in out and "train" in out and "valid" in out
    assert main(["inspect", str(tmp_path / "f.bin"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["splits"]["all"]["drawings"] == 2


@pytest.mark.parametrize("content", [b"", b"garbage\x00\x01", b'{"drawing": 5}\n'])
def test_bad_files_give_one_line_on_stderr_and_exit_2(tmp_path, content):
    path = tmp_path / "face.ndjson"
    path.write_bytes(content)
    result = run_cli("inspect", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("sketchbook inspect: ")


def test_missing_file_exits_2():
    result = run_cli("inspect", "/no/such/file.npz")
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_the_bench_table_says_plainly_which_budgets_are_missed():
    from benchmarks.suite import Row, table

    text = table(
        [
            Row("pen-up to painted", "40 ms", "p95 <= 33 ms", False),
            Row("dragging", "79", ">= 30", True),
            Row("training", "475", "-", None),
        ]
    )
    lines = text.splitlines()
    assert lines[0].startswith("Machine: ") and "cores" in lines[0]
    assert "| pen-up to painted | 40 ms | p95 <= 33 ms | **missed** |" in lines
    assert "| dragging | 79 | >= 30 | met |" in lines
    assert "| training | 475 | - |  |" in lines


@pytest.mark.parametrize(
    "args",
    [
        ("sample", "--temperature", "-1"),
        ("sample", "--temperature", "nan"),
        ("sample", "--spread", "-1"),
        ("sample", "--spread", "9"),
        ("sample", "--n", "0"),
        ("sample", "--seed", "-3"),
        ("sample", "--cluster", "-1"),
        ("sample", "--clusters", "0"),
        ("complete", "--partial", "x.ndjson", "--n", "0"),
        ("complete", "--partial", "x.ndjson", "--temperature", "5"),
        ("interpolate", "--a", "x", "--b", "y", "--steps", "1"),
        ("reconstruct", "--data", "x", "--tries", "0"),
        ("reconstruct", "--data", "x", "--limit", "0"),
        ("train", "--data", "x", "--steps", "-5"),
        ("train", "--data", "x", "--batch", "0"),
        ("train", "--data", "x", "--lr", "0"),
        ("train", "--data", "x", "--threads", "0"),
        ("train", "--data", "x", "--eval-every", "0"),
        ("train", "--data", "x", "--repeat", "0"),
        ("train", "--data", "x", "--kl-tolerance", "-1"),
        ("arithmetic", "--a", "x", "--b", "y", "--c", "z", "--strength", "50"),
        ("average", "--indices", "-2"),
        ("faces", "--n", "0"),
        ("average-models", "default", "default", "--weights", "-1", "1"),
    ],
)
def test_a_number_out_of_its_range_is_refused_in_one_line(tmp_path, args):
    out = tmp_path / "out.ndjson"
    result = run_cli(*args, "--out", str(out))
    assert result.returncode == 2, result.stdout
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "must be" in result.stderr or "--clusters" in result.stderr
    assert not out.exists()
