"""A non-editable install finds what ships (model, sample faces) through the same function."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_an_installed_wheel_finds_its_resources_outside_the_checkout(tmp_path: Path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(wheels.glob("latent_sketchbook-*.whl"))
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    probe = (
        "import core, sys; from core.base.resources import default_model_path, sample_faces_path;"
        "from core.drawings.formats import read_dataset; from core.model.sketcher import Sketcher;"
        f"assert core.__file__.startswith({str(site)!r}), core.__file__;"
        "assert default_model_path().exists() and sample_faces_path().exists();"
        "print(len(read_dataset(sample_faces_path())), Sketcher.load().config.z_size)"
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    drawings, z_size = result.stdout.split()
    assert int(drawings) > 600 and int(z_size) > 0
