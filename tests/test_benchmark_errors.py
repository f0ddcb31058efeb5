"""A benchmark pointed at a file that is not a model says so in one line, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_a_benchmark_given_a_missing_model_says_so_in_one_line(tmp_path):
    not_a_model = tmp_path / "notes.safetensors"
    not_a_model.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.retrieval", "--model", str(not_a_model)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 2
    assert done.stderr.strip().startswith("retrieval: ")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
