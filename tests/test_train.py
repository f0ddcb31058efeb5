"""Training: it learns, it resumes exactly, bad batches never reach the weights, it scales out."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from core.base.errors import BadRequest
from core.drawings.formats import read_dataset
from core.model.modelfile import load_model
from core.model.network import PRESETS
from core.training.batching import build_train_data
from core.training.train import TrainSettings, train
from core.training.train_data import TrainData

TINY = PRESETS["tiny"]


def _data(path: Path) -> TrainData:
    return build_train_data([("procedural", read_dataset(path), 1)], TINY.max_len)


def _run(
    data: TrainData,
    out: Path,
    steps: int,
    resume: bool = False,
    keep: str = "best",
    average_from: int | None = None,
    average_decay: float | None = None,
) -> list[dict]:
    events: list[dict] = []
    settings = TrainSettings(
        steps=steps,
        batch_size=16,
        eval_every=10,
        checkpoint_every=10,
        keep=keep,
        average_from=average_from,
        average_decay=average_decay,
    )
    train(TINY, data, out, settings, torch.device("cpu"), events.append, resume=resume)
    return events


def _make_the_best_so_far_unbeatable(state_file: Path) -> None:
    """As if an earlier step had a validation loss no later step can beat."""
    state = json.loads(state_file.read_text())
    state["best"] = -1e9
    state_file.write_text(json.dumps(state))


def test_validation_loss_falls_as_it_trains(procedural_file, tmp_path):
    events = _run(_data(procedural_file), tmp_path / "m.safetensors", 60)
    losses = [e["valid_loss"] for e in events if e["event"] == "eval"]
    assert losses[-1] < losses[0] - 0.3


def test_a_resumed_run_ends_exactly_where_an_uninterrupted_one_does(procedural_file, tmp_path):
    data = _data(procedural_file)
    _run(data, tmp_path / "straight.safetensors", 30)
    _run(data, tmp_path / "split.safetensors", 10)
    events = _run(data, tmp_path / "split.safetensors", 30, resume=True)
    assert events[0] == {"event": "resumed", "step": 10}
    a = load_file(str(tmp_path / "straight.last.safetensors"))
    b = load_file(str(tmp_path / "split.last.safetensors"))
    for key in a:
        torch.testing.assert_close(a[key], b[key], atol=0, rtol=0)


def test_the_last_step_of_a_run_opens_as_a_model(procedural_file, tmp_path):
    """Lever work compares a run's last step with its best; both must open like any model."""
    _run(_data(procedural_file), tmp_path / "m.safetensors", 20)
    model, scale, _, info, _ = load_model(tmp_path / "m.last.safetensors")
    best, best_scale, _, _, _ = load_model(tmp_path / "m.safetensors")
    assert info["step"] == 20 and info["checkpoint"] is True
    assert scale == best_scale and model.config == best.config


def test_keep_last_makes_the_final_step_the_output_whatever_its_validation(
    procedural_file, tmp_path
):
    data, out = _data(procedural_file), tmp_path / "m.safetensors"
    _run(data, out, 20)
    _make_the_best_so_far_unbeatable(tmp_path / "m.state.json")  # "best" keeps step 20
    _run(data, out, 30, resume=True, keep="last")
    assert load_model(out)[3]["step"] == 30
    kept, last = load_file(str(out)), load_file(str(tmp_path / "m.last.safetensors"))
    assert all(torch.equal(kept[k], last[k]) for k in kept)


def test_keep_last_on_a_finished_run_writes_its_last_step_without_training(
    procedural_file, tmp_path
):
    """How a lever's planned end is kept after the fact: resume the finished run with keep last."""
    data, out = _data(procedural_file), tmp_path / "m.safetensors"
    _run(data, out, 10)
    _make_the_best_so_far_unbeatable(tmp_path / "m.state.json")  # "best" stays at step 10
    _run(data, out, 20, resume=True)
    assert load_model(out)[3]["step"] == 10
    events = _run(data, out, 20, resume=True, keep="last")
    assert not [e for e in events if e["event"] == "step"]
    assert [e["step"] for e in events if e["event"] == "eval"] == [20]
    assert load_model(out)[3]["step"] == 20


def test_averaging_writes_the_mean_of_the_weights_of_every_step_from_its_first(
    procedural_file, tmp_path
):
    """`--average-from 15` on 20 steps: the model written is the plain mean of the weights after
    steps 15 to 20 of the same run, which itself trains exactly as it would without the mean."""
    data, plain = _data(procedural_file), tmp_path / "plain.safetensors"
    _run(data, plain, 15)
    weights = []
    for step in range(15, 21):
        _run(data, plain, step, resume=True)
        weights.append(load_file(str(tmp_path / "plain.last.safetensors")))
    out = tmp_path / "mean.safetensors"
    events = _run(data, out, 20, keep="last", average_from=15)
    assert [e["averaged_steps"] for e in events if e["event"] == "eval"] == [0, 6]
    written, info = load_file(str(out)), load_model(out)[3]
    assert info["averaged_steps"] == 6 and info["step"] == 20
    for key in written:
        mean = torch.stack([w[key] for w in weights]).mean(0)
        torch.testing.assert_close(written[key], mean, atol=1e-6, rtol=1e-5)
    last = load_file(str(tmp_path / "mean.last.safetensors"))
    assert all(torch.equal(last[k], weights[-1][k]) for k in last)
    assert not torch.equal(written["head.weight"], last["head.weight"])
    ema = tmp_path / "ema.safetensors"  # with a decay: recent steps weigh more than early ones
    _run(data, ema, 20, keep="last", average_from=15, average_decay=0.5)
    moving = dict(weights[0])
    for w in weights[1:]:
        moving = {k: 0.5 * moving[k] + 0.5 * w[k] for k in moving}
    for key, value in load_file(str(ema)).items():
        torch.testing.assert_close(value, moving[key], atol=1e-6, rtol=1e-5)


def test_a_resumed_averaging_run_keeps_its_mean(procedural_file, tmp_path):
    data = _data(procedural_file)
    _run(data, tmp_path / "straight.safetensors", 30, keep="last", average_from=5)
    _run(data, tmp_path / "split.safetensors", 20, keep="last", average_from=5)
    _run(data, tmp_path / "split.safetensors", 30, resume=True, keep="last", average_from=5)
    a = load_file(str(tmp_path / "straight.safetensors"))
    b = load_file(str(tmp_path / "split.safetensors"))
    for key in a:
        torch.testing.assert_close(a[key], b[key], atol=1e-7, rtol=0)
    (tmp_path / "split.average.safetensors").unlink()
    with pytest.raises(BadRequest, match="mean is lost"):
        _run(data, tmp_path / "split.safetensors", 40, resume=True, average_from=5)


def test_a_nan_batch_is_skipped_and_never_reaches_the_weights(procedural_file, tmp_path):
    data = _data(procedural_file)
    poisoned = data.train[0].copy()
    poisoned[1, 0] = np.nan
    data.train = [poisoned] * len(data.train)  # every batch is poisoned
    events = _run(data, tmp_path / "m.safetensors", 5)
    warnings = [e for e in events if e["event"] == "warning"]
    assert len(warnings) == 5 and "skipped" in warnings[0]["message"]
    weights = load_file(str(tmp_path / "m.last.safetensors"))
    assert all(torch.isfinite(w).all() for w in weights.values())


def test_cli_json_progress_is_one_object_per_line(procedural_file, tmp_path):
    out = tmp_path / "cli.safetensors"
    cmd = [
        sys.executable,
        "-m",
        "core",
        "train",
        "--data",
        str(procedural_file),
        "--out",
        str(out),
        "--preset",
        "tiny",
        "--steps",
        "20",
        "--batch",
        "16",
        "--eval-every",
        "10",
        "--json-progress",
        "--kl-tolerance",
        "0.45",
        "--decoder-dropout",
        "0.3",
        "--order-shuffle",
        "0.5",
        "--own-inputs",
        "0.25",
        "--average-from",
        "15",
        "--keep",
        "last",
        "--average-decay",
        "0.9",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    steps = [e for e in events if e["event"] == "step"]
    assert {"step", "loss", "offsets", "pen", "kl", "lr", "kl_weight", "sketches_per_s"} <= set(
        steps[0]
    )
    assert events[-1]["event"] == "done" and math.isfinite(events[-1]["best"])
    assert out.exists() and out.with_suffix("").with_name("cli.state.json").exists()
    from core.model.sketcher import Sketcher

    config = Sketcher.load(out).config  # the training choices travel in the file
    assert config.kl_tolerance == pytest.approx(0.45)
    assert config.decoder_input_dropout == pytest.approx(0.3)
    assert config.stroke_order_shuffle == pytest.approx(0.5)
    assert config.decoder_own_inputs == pytest.approx(0.25)
    assert Sketcher.load(out).info["averaged_steps"] == 6
    names = {
        "0.45": "--kl-tolerance",
        "0.3": "--decoder-dropout",
        "0.5": "--order-shuffle",
        "0.25": "--own-inputs",
        "15": "--average-from",
        "0.9": "--average-decay",
    }
    bad_values = (
        ("0.45", "-1"),
        ("0.3", "1.0"),
        ("0.5", "1.5"),
        ("0.25", "1"),
        ("15", "25"),
        ("0.9", "1"),
    )
    for option, bad in bad_values:
        wrong = [bad if a == option else a for a in cmd]
        refused = subprocess.run(wrong, capture_output=True, text=True, timeout=300)
        name = names[option]
        assert refused.returncode == 2 and name in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1


def test_decoder_input_dropout_blanks_inputs_only_while_training():
    """With the lever on, the training loss sees blanked previous points (it changes), while
    evaluation and every decode see the drawing as it is (unchanged)."""
    import dataclasses

    from core.drawings.strokes import pad_stroke5
    from core.model.network import PRESETS, SketchRNN

    rng = np.random.default_rng(0)
    seqs = [np.c_[rng.normal(0, 1, (30, 2)), np.eye(3)[[0] * 29 + [1]]].astype(np.float32)]
    batch, lengths = (torch.from_numpy(a) for a in pad_stroke5(seqs * 4))
    plain = SketchRNN(PRESETS["tiny"])
    dropped = SketchRNN(dataclasses.replace(PRESETS["tiny"], decoder_input_dropout=0.5))
    dropped.load_state_dict(plain.state_dict())
    for model in (plain, dropped):
        model.eval()
    with torch.no_grad():
        same = [float(m(batch, lengths, sample=False)["offsets"]) for m in (plain, dropped)]
    assert same[0] == same[1]
    dropped.train()
    plain.train()
    torch.manual_seed(1)
    a = float(plain(batch, lengths)["offsets"].detach())
    torch.manual_seed(1)
    b = float(dropped(batch, lengths)["offsets"].detach())
    assert a != b


def test_own_inputs_feed_the_decoder_its_own_guesses_only_while_training(monkeypatch):
    """Scheduled sampling: in training, about the chosen share of the decoder's inputs (never
    the start token) are its own likeliest guess at that point from a first teacher-forced
    pass; the rest are the drawing's. Evaluation sees the drawing alone, in one pass."""
    import dataclasses

    from core.drawings.strokes import pad_stroke5
    from core.model.network import PRESETS, SketchRNN, greedy_points

    rng = np.random.default_rng(0)
    seqs = [
        np.c_[rng.normal(0, 1, (60, 2)), np.eye(3)[[0] * 59 + [1]]].astype(np.float32)
        for _ in range(8)
    ]
    batch, lengths = (torch.from_numpy(a) for a in pad_stroke5(seqs))
    model = SketchRNN(dataclasses.replace(PRESETS["tiny"], decoder_own_inputs=0.4))
    seen: list[tuple[torch.Tensor, torch.Tensor]] = []
    real = model.decode_teacher_forced

    def recording(inputs, z):
        params = real(inputs, z)
        seen.append((inputs.detach().clone(), params.detach()))
        return params

    monkeypatch.setattr(model, "decode_teacher_forced", recording)
    model.eval()
    with torch.no_grad():
        model(batch, lengths, sample=False)
    assert len(seen) == 1 and torch.equal(seen[0][0], batch[:, :-1])
    seen.clear()
    model.train()
    torch.manual_seed(3)
    model(batch, lengths)
    (clean, first), (mixed, _) = seen
    assert torch.equal(clean, batch[:, :-1])
    guesses = torch.cat([clean[:, :1], greedy_points(first, model.config)[:, :-1]], dim=1)
    swapped = (mixed != clean).any(2)
    assert not swapped[:, 0].any()  # the start token says where a drawing begins
    assert torch.equal(mixed[swapped], guesses[swapped])
    assert torch.equal(mixed[~swapped], clean[~swapped])
    assert 0.3 < float(swapped[:, 1:].float().mean()) < 0.5


@pytest.mark.slow
def test_torchrun_trains_one_shared_model_on_two_processes(procedural_file, tmp_path):
    out = tmp_path / "ddp.safetensors"
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node",
        "2",
        "--master_port",
        "29517",
        "--log-dir",  # each rank's stderr in its own file, so a failure says which and why
        str(tmp_path / "ranks"),
        "--redirects",
        "2",
        "-m",
        "core",
        "train",
        "--data",
        str(procedural_file),
        "--out",
        str(out),
        "--preset",
        "tiny",
        "--steps",
        "10",
        "--batch",
        "8",
        "--eval-every",
        "10",
        "--json-progress",
        "--threads",
        "1",
        "--average-from",  # rank 0 alone keeps the mean; the ranks still train one model
        "5",
        "--keep",
        "last",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    ranks = {f.parent.name: f.read_text()[-1500:] for f in (tmp_path / "ranks").rglob("stderr.log")}
    assert result.returncode == 0, (result.stderr[-1000:], ranks)
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    start = next(e for e in events if e["event"] == "start")
    done = [e for e in events if e["event"] == "done"]
    assert start["world"] == 2
    assert len(done) == 1, "only rank 0 reports"
    assert done[0]["replicas_in_sync"] is True
    assert load_model(out)[3]["averaged_steps"] == 6


def test_training_on_one_cluster_uses_only_its_drawings_and_says_so(
    tiny_model, procedural_file, tmp_path
):
    from core.latent.indexing import build_index
    from core.model.modelfile import load_model
    from core.model.sketcher import Sketcher
    from core.training.specialise import SPREADS

    out = tmp_path / "cluster.safetensors"
    cmd = [
        sys.executable,
        "-m",
        "core",
        "train",
        "--init",
        str(tiny_model),
        "--data",
        str(procedural_file),
        "--cluster",
        "1",
        "--clusters",
        "3",
        "--steps",
        "6",
        "--eval-every",
        "3",
        "--out",
        str(out),
        "--json-progress",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    start = next(json.loads(line) for line in result.stdout.splitlines() if '"start"' in line)
    index = build_index(Sketcher.load(tiny_model), read_dataset(procedural_file).drawings(), k=3)
    size = int(index.cluster_sizes()[1])
    assert start["train"] + sum(start["valid"].values()) == size
    _, _, _, info, _ = load_model(out)
    assert info["trained_on"]["cluster"] == 1 and info["trained_on"]["drawings"] == size
    assert info["base"] == str(tiny_model)
    assert info["recentred"]["spread"] in SPREADS
    landed = info["recentred"]["landed_per_refit"]  # the Gaussian refitted where faces land
    assert 1 <= len(landed) <= 2 and all(0 <= v <= 1 for v in landed)
    said = [json.loads(line) for line in result.stdout.splitlines() if '"specialised"' in line]
    assert said and said[0]["kept"] in ("fine-tuned", "re-centred")
    fresh = said[0]["share_fresh"]  # reported from a draw nothing was chosen by
    assert set(fresh) == {"T=0.3", "T=0.5"} and all(0 <= v <= 1 for v in fresh.values())


def test_a_cluster_too_small_to_train_on_is_refused_with_its_size(
    tiny_model, procedural_file, tmp_path
):
    cmd = [
        sys.executable,
        "-m",
        "core",
        "train",
        "--init",
        str(tiny_model),
        "--data",
        str(procedural_file),
        "--cluster",
        "49",
        "--clusters",
        "50",
        "--out",
        str(tmp_path / "x.safetensors"),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "has only" in result.stderr and "at least 12" in result.stderr


def test_recentring_makes_the_cluster_the_new_prior(tiny_model, faces_index):
    """The re-centred model's random faces are exactly the base model's faces of that cluster."""
    from core.drawings.faces import generate_faces
    from core.model.sketcher import Sketcher
    from core.training.specialise import recentre

    base, moved = Sketcher.load(tiny_model), Sketcher.load(tiny_model)
    index = faces_index[1]
    mean, chol = index.cluster_means[0], index.cluster_chol[0]
    recentre(moved.model, mean, chol)
    z_new = np.random.default_rng(0).standard_normal((6, len(mean))).astype(np.float32)
    z_old = mean + z_new @ chol.T
    for a, b in zip(base.decode(z_old, greedy=True), moved.decode(z_new, greedy=True), strict=True):
        assert a.num_points == b.num_points
        np.testing.assert_allclose(np.concatenate(a.strokes), np.concatenate(b.strokes), atol=1e-3)
    faces = generate_faces(5, seed=40)
    mu_old, mu_new = base.encode_many(faces), moved.encode_many(faces)
    np.testing.assert_allclose(mu_new, np.linalg.solve(chol, (mu_old - mean).T).T, atol=1e-3)


def test_a_run_killed_with_sigkill_resumes_losing_at_most_one_checkpoint(procedural_file, tmp_path):
    import signal

    out = tmp_path / "killed.safetensors"
    cmd = [sys.executable, "-m", "core", "train", "--data", str(procedural_file), "--out"]
    cmd += [str(out), "--preset", "tiny", "--steps", "120", "--batch", "16", "--eval-every", "20"]
    child = subprocess.Popen([*cmd, "--json-progress"], stdout=subprocess.PIPE, text=True)
    last_seen = 0
    for line in child.stdout:
        event = json.loads(line)
        last_seen = event.get("step", last_seen)
        if event["event"] == "step" and event["step"] >= 70:
            child.send_signal(signal.SIGKILL)  # no chance to save anything
            break
    child.wait(30)
    assert child.returncode == -signal.SIGKILL
    result = subprocess.run(
        [*cmd, "--resume", "--json-progress"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    resumed = next(e for e in events if e["event"] == "resumed")["step"]
    assert last_seen - 20 <= resumed <= last_seen, "at most one checkpoint interval lost"
    assert events[-1]["event"] == "done" and events[-1]["step"] == 120
    from core.model.modelfile import load_model

    load_model(out)  # the model written is whole


def test_training_on_favourites_recentres_on_all_of_them(tiny_model, tmp_path):
    """ "Train on my favourites": the favourites file is its own one-cluster dataset, so the
    retrain path re-centres on the Gaussian of all of them and fine-tunes on them."""
    from core.drawings.faces import generate_faces
    from core.model.modelfile import load_model
    from core.personal.favourites import Favourites
    from core.training.retrain_plan import MIN_CLUSTER_DRAWINGS, retrain_arguments

    shelf = Favourites(tmp_path / "favourites.ndjson")
    for face in generate_faces(MIN_CLUSTER_DRAWINGS + 3, seed=80):
        shelf.add(face, "generated", model="tiny")
    out = tmp_path / "favourites.safetensors"
    args = retrain_arguments(str(tiny_model), str(shelf.path), 0, 1, out, steps=4)
    result = subprocess.run(
        [sys.executable, "-m", "core", *args, "--json-progress"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    _, _, _, info, _ = load_model(out)
    assert info["trained_on"]["drawings"] == MIN_CLUSTER_DRAWINGS + 3
    assert info["trained_on"]["clusters"] == 1


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
def test_the_apps_own_training_runs_only_on_cpu_time_the_window_leaves():
    code = (
        "import os\n"
        "from core.base.processes import give_way\n"
        "from core.training.retrain_plan import background_arguments\n"
        "args = background_arguments()\n"
        "give_way(int(args[args.index('--nice') + 1]), '--idle' in args)\n"
        "print(os.sched_getscheduler(0) == os.SCHED_IDLE, os.nice(0))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "10"]
