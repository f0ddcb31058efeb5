"""Opening a file a second time: its prepared drawings and its index come from the cache, a
changed or damaged cache is never trusted, and a file with a few broken lines still opens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import core.latent.prepared as prepared_module
from core.base.errors import BadFile
from core.drawings.faces import generate_faces
from core.drawings.formats import read_dataset, write_ndjson
from core.drawings.model_input import canonical
from core.latent.prepared import prepare_file


@pytest.fixture
def faces_file(tmp_path: Path) -> Path:
    path = tmp_path / "faces.ndjson"
    write_ndjson(generate_faces(60, seed=5), path)
    return path


def test_an_unchanged_file_is_not_parsed_again(faces_file: Path, tmp_path: Path, monkeypatch):
    first = prepare_file(faces_file, tmp_path / "cache")
    assert len(first.drawings) == 60
    written = read_dataset(faces_file).drawings()[3]
    assert np.allclose(first.drawings[3].points(), canonical(written).points(), atol=1e-3)

    def no_parsing(*args, **kwargs):
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(prepared_module, "read_ndjson", no_parsing)
    again = prepare_file(faces_file, tmp_path / "cache")
    assert np.array_equal(again.drawings.points, first.drawings.points)
    assert list(again.drawings.keys) == list(first.drawings.keys)


def test_a_changed_file_is_read_again(faces_file: Path, tmp_path: Path):
    prepare_file(faces_file, tmp_path / "cache")
    write_ndjson(generate_faces(25, seed=6), faces_file)
    assert len(prepare_file(faces_file, tmp_path / "cache").drawings) == 25


def test_a_damaged_cache_is_rebuilt_and_said(faces_file: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    prepare_file(faces_file, cache)
    (cached,) = cache.glob("prepared-*.npz")
    cached.write_bytes(cached.read_bytes()[:500])
    notices: list[str] = []
    again = prepare_file(faces_file, cache, notice=notices.append)
    assert len(again.drawings) == 60
    assert any("unreadable" in n for n in notices)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_cache_that_cannot_be_written_only_costs_time(faces_file: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o500)
    notices: list[str] = []
    assert len(prepare_file(faces_file, cache, notice=notices.append).drawings) == 60
    assert any("could not be kept" in n for n in notices)


def test_a_cache_on_a_full_disk_only_costs_time(faces_file: Path, tmp_path: Path, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(prepared_module, "save_prepared", disk_full)
    notices: list[str] = []
    assert len(prepare_file(faces_file, tmp_path / "c", notice=notices.append).drawings) == 60
    assert any("No space left" in n for n in notices)


def test_broken_lines_are_skipped_and_named_every_time_the_file_opens(tmp_path: Path):
    path = tmp_path / "download.ndjson"
    write_ndjson(generate_faces(10, seed=2), path)
    lines = path.read_text().splitlines()
    lines[2] = lines[2][: len(lines[2]) // 2]  # a line cut short
    lines[6] = "garbage"
    path.write_text("\n".join(lines) + "\n")
    for _ in range(2):  # read, then from the cache: the notice is the same
        notices: list[str] = []
        prepared = prepare_file(path, tmp_path / "cache", notice=notices.append)
        assert len(prepared.drawings) == 8
        assert len(notices) == 1 and "skipped 2 broken line(s) (3, 7" in notices[0]


def test_a_file_that_changes_while_it_is_read_is_refused(faces_file: Path, tmp_path: Path):
    appended: list[int] = []

    def grows(stage: str, done: int, total: int) -> None:
        if done and stage == "reading dataset" and not appended:
            appended.append(done)  # the download goes on once, mid-read
            with open(faces_file, "a") as f:
                f.write('{"drawing": [[[1, 2], [3, 4]]]}\n')

    with pytest.raises(BadFile, match="changed while it was being read"):
        prepare_file(faces_file, tmp_path / "cache", progress=grows)
    assert not list((tmp_path / "cache").glob("prepared-*"))


def test_an_index_already_cached_answers_without_loading_torch(tmp_path: Path, faces_file: Path):
    """`sketchbook index` of an unchanged file reads the cache only (no model, no parsing)."""
    env = {**os.environ, "SKETCHBOOK_HOME": str(tmp_path / "home")}
    args = ["index", "--data", str(faces_file), "--clusters", "3", "--json"]
    probe = (
        "import sys, json; from core.cli.main import main; code = main(sys.argv[1:]); "
        "print(json.dumps({'torch': 'torch' in sys.modules, 'code': code}))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        for _ in range(2)
    ]
    first, second = (r.stdout.strip().splitlines() for r in runs)
    assert first[0] == second[0]  # the same clusters, sizes and medoids
    assert '"torch": true' in first[-1] and '"torch": false' in second[-1]
