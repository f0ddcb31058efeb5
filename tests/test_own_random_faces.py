"""A model's random faces come from what it was made for: the Gaussian stored in its file, by
default, in the window and on the command line alike, whatever dataset is open."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from core.base.errors import BadRequest
from core.drawings.formats import read_dataset
from core.latent.generate import DATASET, MODEL, PRIOR, sample_faces, source_caption
from core.model.sketcher import Sketcher
from core.training.own_gaussian import gaussian_of


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core", *args], capture_output=True, text=True, timeout=300
    )


def same_faces(a: list, b: list) -> bool:
    return all(
        x.num_points == y.num_points and np.allclose(x.points(), y.points(), atol=1e-3)
        for x, y in zip(a, b, strict=True)
    )


@pytest.fixture
def model_with_own_faces(tiny_model, tmp_path, procedural_file):
    """A copy of the tiny model told its faces are those of a few procedural faces."""
    path = tmp_path / "own.safetensors"
    shutil.copy(tiny_model, path)
    few = tmp_path / "few.ndjson"
    few.write_text("".join(procedural_file.read_text().splitlines(True)[:40]))
    result = run_cli("sample-like", "--model", str(path), "--data", str(few))
    assert result.returncode == 0, result.stderr
    return path, few


def test_a_stored_gaussian_is_the_one_its_random_faces_come_from(model_with_own_faces):
    path, few = model_with_own_faces
    sketcher = Sketcher.load(path)
    mu = sketcher.encode_many([d for d in read_dataset(few).drawings() if not d.is_empty])
    fitted = gaussian_of(mu)
    np.testing.assert_allclose(sketcher.gaussian.mean, fitted.mean, atol=1e-5)
    np.testing.assert_allclose(sketcher.gaussian.chol, fitted.chol, atol=1e-5)
    assert sketcher.info["sampling"] == {"fitted_on": "few.ndjson"}
    own = sample_faces(sketcher, 4, seed=7)
    assert not same_faces(own, sample_faces(sketcher, 4, seed=7, source=PRIOR))
    assert source_caption(sketcher, MODEL) == "like the model's faces"


def test_the_command_lines_random_faces_are_the_models_own_by_default(
    model_with_own_faces, tmp_path
):
    path, _ = model_with_own_faces
    out = tmp_path / "faces.ndjson"
    result = run_cli("sample", "--model", str(path), "--n", "5", "--seed", "3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    expected = sample_faces(Sketcher.load(path), 5, seed=3)  # the window's defaults
    got = read_dataset(out).drawings()
    assert [d.num_points for d in got] == [d.num_points for d in expected]
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a.points(), b.points(), atol=1.0)  # ndjson rounds


def test_a_model_without_its_own_gaussian_samples_like_the_open_dataset(sketcher, faces_index):
    _, index = faces_index
    assert sketcher.gaussian is None  # trained by train() directly: nothing stored
    own = sample_faces(sketcher, 3, index=index, seed=2)
    assert same_faces(own, sample_faces(sketcher, 3, index=index, seed=2, source=DATASET))
    assert source_caption(sketcher, MODEL, index) == "like the dataset"
    assert source_caption(sketcher, MODEL) == "from the prior"


@pytest.mark.parametrize("bad", [dict(temperature=-1), dict(spread=-1), dict(spread=float("nan"))])
def test_sampling_settings_out_of_range_are_refused(sketcher, bad):
    with pytest.raises(BadRequest, match="must be between"):
        sample_faces(sketcher, 2, **bad)


def test_the_shipped_model_samples_like_its_real_training_faces():
    from core.base.resources import sample_faces_path

    shipped = Sketcher.load("default")
    assert shipped.gaussian is not None
    assert shipped.info["sampling"]["fitted_on"] == sample_faces_path().name


@pytest.mark.slow
def test_a_cluster_retrain_stores_its_recentred_prior_and_says_which_cluster(
    tiny_model, procedural_file, tmp_path
):
    """After "Retrain on cluster K", the default random faces are the re-centred prior's: the
    faces the retrain chose for landing in K, not the open dataset's, which span every
    cluster."""
    from core.latent.workspace import load_workspace
    from core.training.retrain_plan import retrain_arguments

    out = tmp_path / "cluster.safetensors"
    args = retrain_arguments(str(tiny_model), str(procedural_file), 1, 3, out, steps=4)
    result = run_cli(*args, "--json-progress")
    assert result.returncode == 0, result.stderr
    tuned = Sketcher.load(out)
    np.testing.assert_array_equal(tuned.gaussian.mean, 0)
    np.testing.assert_array_equal(tuned.gaussian.chol, np.eye(len(tuned.gaussian.mean)))
    assert "cluster 1" in tuned.info["sampling"]["fitted_on"]
    assert source_caption(tuned, MODEL) == "like cluster 1"
    opened = load_workspace(str(out), str(procedural_file), 3)  # the window, after the retrain
    own = sample_faces(tuned, 8, seed=11, index=opened.index)  # the defaults
    recentred_prior = sample_faces(tuned, 8, seed=11, source=PRIOR)
    dataset = sample_faces(tuned, 8, seed=11, index=opened.index, source=DATASET)
    assert same_faces(own, recentred_prior)
    assert not same_faces(own, dataset)
    said = next(json.loads(x) for x in result.stdout.splitlines() if '"specialised"' in x)
    assert said["share_fresh"]["T=0.3"] >= 0  # reported as the person gets them
