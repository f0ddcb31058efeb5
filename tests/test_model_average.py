"""`sketchbook average-models`: the mean of runs' weights opens as a model, and models that cannot be
averaged are refused with one line, not a traceback or a model that draws nonsense."""

from __future__ import annotations

import torch

from core.cli.main import main
from core.model.modelfile import load_model, save_model
from core.model.network import PRESETS, SketchRNN


def _shifted(tiny_model, tmp_path, by: float, scale: float | None = None):
    model, own_scale, data, info, _ = load_model(tiny_model)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(by)
    path = tmp_path / f"shifted{by}.safetensors"
    save_model(model, path, own_scale if scale is None else scale, data, info)
    return path


def test_the_mean_of_two_models_is_their_weights_mean_and_opens_as_a_model(
    tiny_model, tmp_path, capsys
):
    a, b = _shifted(tiny_model, tmp_path, 0.0), _shifted(tiny_model, tmp_path, 0.3)
    out = tmp_path / "mean.safetensors"
    assert main(["average-models", str(a), str(b), "--weights", "3", "1", "--out", str(out)]) == 0
    assert "mean of 2 models" in capsys.readouterr().out
    mean, _, _, info, _ = load_model(out)
    original = load_model(tiny_model)[0].state_dict()
    for key, value in mean.state_dict().items():
        torch.testing.assert_close(value, original[key] + 0.075, atol=1e-5, rtol=0)
    assert [s["weight"] for s in info["averaged"]] == [3.0, 1.0]
    assert info["command"].startswith("sketchbook average-models")


def test_models_that_cannot_be_averaged_are_refused_in_one_line(tiny_model, tmp_path, capsys):
    other = tmp_path / "other.safetensors"
    bigger = SketchRNN(PRESETS["small"])
    save_model(bigger, other, load_model(tiny_model)[1], {}, {})
    rescaled = _shifted(tiny_model, tmp_path, 0.0, scale=99.0)
    out = tmp_path / "never.safetensors"
    cases = [
        ([str(tiny_model), str(other)], "another architecture"),
        ([str(tiny_model), str(rescaled)], "scale"),
        ([str(tiny_model)], "at least two"),
        ([str(tiny_model), str(tmp_path / "missing.safetensors")], "does not exist"),
    ]
    for models, reason in cases:
        assert main(["average-models", *models, "--out", str(out)]) == 2
        err = capsys.readouterr().err.strip()
        assert reason in err and len(err.splitlines()) == 1
    assert main(
        ["average-models", str(tiny_model), str(tiny_model), "--weights", "1", "--out", str(out)]
    )
    assert "one per model" in capsys.readouterr().err
    assert not out.exists()
    assert main(["average-models", "default", str(tiny_model), "--out", str(out)]) == 2
    assert "another architecture than default.safetensors" in capsys.readouterr().err
