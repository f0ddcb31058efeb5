"""The training-only pulls on z (picture and identity losses) and who chooses the try shown."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from core.drawings.formats import read_dataset
from core.drawings.strokes import Drawing, pad_stroke5, stroke3_to_stroke5
from core.model.aux_losses import PICTURE_SIZE, identity_loss, picture_loss, raster_targets
from core.model.network import PRESETS, SketchRNN
from core.model.sketcher import Sketcher
from core.model.try_choice import choose_tries
from core.training.batching import build_train_data
from core.training.train import TrainSettings, train

TINY = PRESETS["tiny"]


def _raster(rows: np.ndarray) -> np.ndarray:
    batch, lengths = pad_stroke5([stroke3_to_stroke5(rows.astype(np.float32))])
    ink = raster_targets(torch.from_numpy(batch)[:, 1:], torch.from_numpy(lengths))
    return ink.view(PICTURE_SIZE, PICTURE_SIZE).numpy()


def test_the_picture_target_is_the_drawing_fitted_to_the_box_with_its_lines_unbroken():
    square = np.array([[0, 0, 0], [10, 0, 0], [0, 10, 0], [-10, 0, 0], [0, -10, 1]])
    ink = _raster(square)
    assert ink[0].all() and ink[-1].all() and ink[:, 0].all() and ink[:, -1].all()
    assert not ink[4:-4, 4:-4].any()  # the inside stays blank
    bigger = square * np.array([7, 7, 1])  # the size on the page is not the face
    np.testing.assert_array_equal(_raster(bigger), ink)
    lifted = square.copy()
    lifted[1, 2] = 1  # the pen lifts after the top edge: the right edge is not drawn
    assert not _raster(lifted)[8:-8, -1].any()


def test_the_identity_loss_is_low_when_each_face_is_nearest_its_other_view():
    a = torch.eye(4) * 5
    assert float(identity_loss(a, a)) < 0.01
    assert float(identity_loss(a, a.roll(1, dims=0))) > 5


def test_the_pulls_train_only_and_leave_generation_and_old_files_alone(procedural_file, tmp_path):
    """A run with both pulls starts from a model without a picture head, the head travels in
    its file, the pulls fall as it trains, and evaluation never sees them."""
    data = build_train_data([("procedural", read_dataset(procedural_file), 1)], TINY.max_len)
    plain = tmp_path / "plain.safetensors"
    quick = TrainSettings(steps=10, batch_size=16, eval_every=10, checkpoint_every=10)
    train(TINY, data, plain, quick, torch.device("cpu"))
    pulled = dataclasses.replace(
        TINY, picture_loss=1.0, identity_loss=0.5, stroke_order_shuffle=0.5
    )
    events: list[dict] = []
    out = tmp_path / "pulled.safetensors"
    longer = TrainSettings(steps=80, batch_size=16, eval_every=40, checkpoint_every=40, lr=3e-3)
    base = Sketcher.load(plain).model
    train(pulled, data, out, longer, torch.device("cpu"), events.append, init=base)
    steps = [e for e in events if e["event"] == "step"]
    assert {"picture", "identity"} <= set(steps[0])
    evals = [e for e in events if e["event"] == "eval"]
    assert all(set(e["valid"]["procedural"]) == {"offsets", "pen", "kl", "recon"} for e in evals)
    again = Sketcher.load(out)
    assert again.model.picture is not None and again.config.picture_loss == 1.0
    # its head predicts the drawings' pictures from their z better than an untrained one
    batch, lengths = again.batch(read_dataset(procedural_file).drawings()[:64])
    with torch.no_grad():
        mu, _ = again.model.encode(batch[:, 1:], lengths)
        target = raster_targets(batch[:, 1:], lengths)
        learnt = picture_loss(again.model.picture(mu), target)
        fresh = picture_loss(SketchRNN(pulled).picture(mu), target)
    assert float(learnt) < float(fresh) - 0.1
    z = np.zeros((2, TINY.z_size), np.float32)
    assert len(again.decode(z)) == 2  # it still draws


def test_the_identity_loss_is_refused_without_a_second_view(procedural_file, tmp_path):
    cmd = [sys.executable, "-m", "core", "train", "--data", str(procedural_file)]
    cmd += ["--out", str(tmp_path / "m.safetensors"), "--preset", "tiny", "--steps", "2"]
    refused = subprocess.run([*cmd, "--identity-loss", "0.1"], capture_output=True, text=True)
    assert refused.returncode == 2 and "--order-shuffle" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    done = subprocess.run(
        [*cmd, "--identity-loss", "0.1", "--order-shuffle", "0.5", "--picture-loss", "0.5"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    card = Sketcher.load(tmp_path / "m.safetensors").config
    assert (card.identity_loss, card.picture_loss) == (0.1, 0.5)
    assert json.loads(json.dumps(card.to_dict()))["picture_loss"] == 0.5


SHAPES = {  # four drawings the chamfer ruler tells apart; the first x names each for the encoder
    0: [[0, 0], [10, 0]],
    10: [[10, 0], [15, 10], [20, 0]],
    20: [[20, 0], [30, 0], [30, 10], [20, 10], [20, 0]],
    30: [[30, 0], [32, 10], [34, 0], [36, 10], [38, 0]],
}


def _dot(x: int, points: int | None = None) -> Drawing:
    return Drawing([np.array(SHAPES[x][:points], np.float32)])


def test_the_models_pick_is_the_try_it_encodes_nearest_z_whatever_the_drawing():
    tries = [_dot(0), _dot(10), _dot(20), _dot(30)]
    codes = {0: [5.0, 5.0], 10: [1.0, 0.0], 20: [0.1, 0.0], 30: [9.0, 9.0]}

    def encode(drawings: list[Drawing]) -> torch.Tensor:
        return torch.tensor([codes[int(d.strokes[0][0, 0])] for d in drawings])

    mu = torch.zeros(1, 2)
    limits = [100]
    for drawing in (_dot(0), _dot(30)):  # the drawing itself is never consulted
        (kept,) = choose_tries("model", mu, [drawing], [tries], limits, encode)
        assert kept is tries[2]
    (nearest,) = choose_tries("drawing", mu, [_dot(30)], [tries], limits, encode)
    assert nearest is tries[3]
    # a try that ran to its length limit is kept only if none ended
    (kept,) = choose_tries("model", mu, [_dot(0)], [tries], [2], encode)
    assert kept is tries[2]  # all ran to the limit: the nearest still wins
    circling = [_dot(20, points=4), _dot(10, points=2)]
    (kept,) = choose_tries("model", mu, [_dot(0)], [circling], [4], encode)
    assert kept is circling[1]
    with pytest.raises(ValueError):
        choose_tries("nearest", mu, [_dot(0)], [tries], limits, encode)


def test_the_app_shows_the_try_the_model_encodes_nearest_the_drawings_z(sketcher):
    """The default reconstruction is one of the tries, the one whose own thought vector lies
    nearest the drawing's (among those that ended), found without the drawing's pixels."""
    from core.drawings.metrics import DEFAULT_PICK

    assert DEFAULT_PICK == "model"
    faces = read_faces(4)
    mu = sketcher.encode(faces)[0]
    shown = sketcher.reconstruct(faces, temperature=0.5, tries=8)
    limits = sketcher.reconstruction_limits(faces)
    for z, face_tries, kept, limit in zip(
        mu, sketcher.decode_tries(mu, 8, 0.5, 0), shown, limits, strict=True
    ):
        same = [np.array_equal(kept.points(), t.points()) for t in face_tries]
        assert any(same)
        ended = [t for t in face_tries if t.num_points < limit and not t.is_empty]
        gaps = np.linalg.norm(sketcher.encode(ended)[0] - z, axis=1)
        kept_gap = np.linalg.norm(sketcher.encode([kept])[0][0] - z)
        assert kept_gap <= gaps.min() + 1e-4


def read_faces(n: int) -> list[Drawing]:
    from core.drawings.faces import generate_faces

    return generate_faces(n, seed=21)
