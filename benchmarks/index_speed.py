"""Indexing a Quick, Draw!-sized face file as a person does it: `sketchbook index --data FILE`
in a fresh process, first with an empty cache (cold), then with nothing changed (unchanged),
on the file formats people download (simplified ndjson first; raw ndjson with timings,
sketch-rnn .npz and .bin at the smaller size). The encoder's arithmetic floor (DESIGN.md: the
shipped encoder's fused LSTM alone, fp32, every core, batch 2,000 x 60 steps of random input)
is measured in the same run, since the cold budget is a multiple of it.

    python -m benchmarks.index_speed [--sizes 70000 160000] [--formats ndjson raw npz bin]
                                     [--folder /tmp/big] [--json]

The files are made by the project's generator (`sketchbook faces`) once and kept in --folder.
A cold run also reports where its time went (read and prepare / encode / cluster and map),
from the command's own stage timings.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

UNCHANGED_RUNS = 3


def make_files(folder: Path, sizes: list[int], formats: list[str]) -> dict[tuple[str, int], Path]:
    """The generator's faces in every asked-for format (written once, then reused)."""
    from core.drawings.formats import write_bin, write_npz
    from core.drawings.packed import PackedDrawings
    from core.latent.prepared import prepare_file

    folder.mkdir(parents=True, exist_ok=True)
    largest = max(sizes)
    source = folder / f"faces{largest}.ndjson"
    if not source.exists():
        _faces(largest, source)
    lines = source.read_bytes().splitlines(keepends=True)
    files: dict[tuple[str, int], Path] = {}
    for n in sizes:
        simplified = folder / f"faces{n}.ndjson"
        if not simplified.exists():
            simplified.write_bytes(b"".join(lines[:n]))
        files["ndjson", n] = simplified
    smaller = min(sizes)
    others = [f for f in formats if f != "ndjson"]
    if others:
        canonical: PackedDrawings = prepare_file(
            files["ndjson", smaller], Path(tempfile.mkdtemp())
        ).drawings
        drawings = list(canonical)
        for fmt in others:
            path = folder / f"faces{smaller}.{'raw.ndjson' if fmt == 'raw' else fmt}"
            if not path.exists():
                if fmt == "npz":
                    write_npz({"train": drawings}, path)
                elif fmt == "bin":
                    write_bin(drawings, path)
                else:
                    _write_raw(drawings, path)
            files[fmt, smaller] = path
    return {key: path for key, path in files.items() if key[0] in formats}


def _faces(n: int, out: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "core", "faces", "--n", str(n), "--seed", "11", "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _write_raw(drawings: list, path: Path, per_segment: int = 6) -> None:
    """Quick, Draw!'s raw shape: dense points (as a pen samples them) with times, about ten
    times the simplified file, written as the raw download is."""
    rng = np.random.default_rng(0)
    with open(path, "w") as f:
        for d in drawings:
            t0 = 0
            strokes = []
            for s in d.strokes:
                steps = np.linspace(0, len(s) - 1, (len(s) - 1) * per_segment + 1)
                xy = np.stack([np.interp(steps, np.arange(len(s)), s[:, i]) for i in (0, 1)], 1)
                xy += rng.normal(0, 0.4, xy.shape)
                t = t0 + np.arange(len(xy)) * 17
                t0 = int(t[-1]) + 300
                xy = np.round(xy).astype(int)  # whole pixels, as Google's raw files have
                strokes.append([xy[:, 0].tolist(), xy[:, 1].tolist(), t.tolist()])
            f.write(json.dumps({"key_id": d.key, "word": "face", "drawing": strokes}) + "\n")


def encoder_floor_faces_per_s(batch: int = 2000, steps: int = 60) -> float:
    """DESIGN.md's floor: the shipped encoder's nn.LSTM alone on random input, every core."""
    import torch

    from core.model.device import all_cores
    from core.model.sketcher import Sketcher

    lstm = Sketcher.load("default", device="cpu").model.encoder
    x = torch.randn(batch, steps, lstm.input_size)
    with torch.inference_mode(), all_cores():
        lstm(x[:200])
        start = time.perf_counter()
        lstm(x)
        return batch / (time.perf_counter() - start)


def index_command(path: Path, home: Path, k: int) -> tuple[float, dict, dict]:
    """(wall seconds, the command's JSON, its stage timings) of one fresh `sketchbook index`."""
    env = {**os.environ, "SKETCHBOOK_HOME": str(home), "SKETCHBOOK_STAGE_TIMES": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "core",
            "index",
            "--data",
            str(path),
            "--clusters",
            str(k),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip())
    stages = {}
    for line in done.stderr.splitlines():
        if line.startswith("stage-times "):
            stages = json.loads(line.split(" ", 1)[1])
    return wall, json.loads(done.stdout.strip().splitlines()[-1]), stages


def run(sizes: list[int], formats: list[str], folder: Path, k: int = 8) -> dict:
    files = make_files(folder, sizes, formats)
    floor = encoder_floor_faces_per_s()
    rows = []
    for (fmt, n), path in sorted(files.items(), key=lambda item: (item[0][1], item[0][0])):
        home = Path(tempfile.mkdtemp())
        cold, report, stages = index_command(path, home, k)
        unchanged = [index_command(path, home, k)[0] for _ in range(UNCHANGED_RUNS)]
        rows.append(
            {
                "format": fmt,
                "drawings": report["drawings"],
                "file_mb": round(path.stat().st_size / 1e6, 1),
                "cold_s": round(cold, 1),
                "floor_s": round(n / floor, 1),
                "cold_over_floor": round(cold / (n / floor), 2),
                "unchanged_s": round(statistics.median(unchanged), 2),
                "stages_s": stages,
            }
        )
    return {"encoder_floor_faces_per_s": round(floor), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[70_000, 160_000])
    parser.add_argument("--formats", nargs="+", default=["ndjson", "raw", "npz", "bin"])
    parser.add_argument("--folder", default=str(Path(tempfile.gettempdir()) / "sketchbook-big"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.sizes, args.formats, Path(args.folder))
    if args.json:
        print(json.dumps(results))
        return
    print(f"encoder floor: {results['encoder_floor_faces_per_s']} faces/s")
    print(
        f"{'format':<8}{'faces':>8}{'MB':>7}{'cold s':>8}{'floor s':>9}{'x floor':>9}{'same s':>8}  stages"
    )
    for r in results["rows"]:
        print(
            f"{r['format']:<8}{r['drawings']:>8}{r['file_mb']:>7}{r['cold_s']:>8}{r['floor_s']:>9}"
            f"{r['cold_over_floor']:>9}{r['unchanged_s']:>8}  {r['stages_s']}"
        )


if __name__ == "__main__":
    main()
