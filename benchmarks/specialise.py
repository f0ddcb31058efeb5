"""Does retraining on a cluster make the model draw more faces of that cluster, as a person gets
them, and how long does it take? For each cluster K of the base model's index of a dataset, run
the app's retrain exactly as the app does (`sketchbook train --cluster K`, the quick preset, a
child process), then take the new model's random faces the two ways a person does, every
setting at its default but the temperature: `sketchbook sample --model NEW` (a child process),
and the window's "New random faces" (benchmarks.window_samples: a fresh window on the new
model and the dataset, offscreen). Each face is assigned with the base model's index. The aim:
>= 85% land in K at T=0.3 and >= 70% at T=0.5, within 5 minutes. The seeds are fresh: the
retrain chooses by its own (core.training.specialise), the window draws a new seed per click.

    python -m benchmarks.specialise [--model default] [--data FILE] [--clusters auto]
        [--only K ...] [--samples 96] [--seed 4242] [--grid docs/specialise.png] [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.base.resources import sample_faces_path
from core.cli.latent_cmds import parse_k
from core.drawings.formats import read_dataset
from core.latent.workspace import load_workspace
from core.training.retrain_plan import retrain_arguments
from core.training.specialise import share_of

WARM_TEMPERATURE = 0.5  # the warm end of the app's temperature slider


def retrain(
    model: str, data: str, cluster: int, clusters: int, out: Path, steps: int | None = None
) -> dict:
    """The app's retrain: the CLI in a child process; its wall time and last validation."""
    command = [
        sys.executable,
        "-m",
        "core",
        *retrain_arguments(model, data, cluster, clusters, out),
    ]
    command += ["--json-progress"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"retraining cluster {cluster} failed: {done.stderr.strip()[-300:]}")
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    valid = [e for e in events if e.get("event") == "eval"]
    return {"seconds": round(seconds, 1), "last_validation": valid[-1] if valid else None}


def cli_faces(model: str, n: int, seed: int, temperature: float | None, tmp: Path) -> list:
    """`sketchbook sample --model M` with its defaults (but --temperature where given)."""
    out = tmp / f"cli_{seed}.ndjson"
    command = [sys.executable, "-m", "core", "sample", "--model", model, "--n", str(n)]
    command += ["--seed", str(seed), "--out", str(out)]
    command += ["--temperature", str(temperature)] if temperature is not None else []
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"sketchbook sample failed: {done.stderr.strip()[-300:]}")
    return list(read_dataset(out).drawings())


def window_faces(model: str, data: str, n: int, temperature: float | None, tmp: Path) -> list:
    """The window's grid of random faces, clicked until `n` (benchmarks.window_samples)."""
    out = tmp / "window.ndjson"
    command = [sys.executable, "-m", "benchmarks.window_samples", "--model", model]
    command += ["--data", data, "--n", str(n), "--out", str(out)]
    command += ["--temperature", str(temperature)] if temperature is not None else []
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the window's random faces failed: {done.stderr.strip()[-300:]}")
    return list(read_dataset(out).drawings())


def run(
    model: str = "default",
    data: str | None = None,
    clusters: int | str = "auto",
    only: list[int] | None = None,
    samples: int = 96,
    grid: str | None = None,
    steps: int | None = None,
    seed: int = 4242,
    window: bool = True,
) -> dict:
    data = str(data or sample_faces_path())
    ws = load_workspace(model, data, clusters, device="cpu")
    base, index = ws.sketcher, ws.index
    rows, pictures = [], []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        before = cli_faces(base.path, samples, seed, None, tmp)  # the base model, as a person
        pictures.append(before[:8])
        for k in only if only is not None else range(index.k):
            out = tmp / f"cluster{k}.safetensors"
            timing = retrain(base.path, data, k, index.k, out, steps)
            row = {"cluster": k, "size": len(index.members(k))}
            row["base_share"] = round(share_of(before, base, index, k), 3)
            after = cli_faces(str(out), samples, seed, None, tmp)
            warmer = cli_faces(str(out), samples, seed + 1, WARM_TEMPERATURE, tmp)
            pictures.append(after[:8])
            row["cli_share"] = round(share_of(after, base, index, k), 3)
            row["cli_share_warm"] = round(share_of(warmer, base, index, k), 3)
            if window:
                shown = window_faces(str(out), data, samples, None, tmp)
                shown_warm = window_faces(str(out), data, samples, WARM_TEMPERATURE, tmp)
                row["window_share"] = round(share_of(shown, base, index, k), 3)
                row["window_share_warm"] = round(share_of(shown_warm, base, index, k), 3)
            row["seconds"] = timing["seconds"]
            rows.append(row)
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    if grid:
        from core.drawings.render import save_grid

        save_grid([face for row in pictures for face in row], grid, columns=8)
    return {"clusters": index.k, "samples": samples, "seed": seed, "rows": rows}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="default")
    p.add_argument("--data", default=None)
    p.add_argument("--clusters", default="auto")
    p.add_argument("--only", type=int, nargs="*", default=None)
    p.add_argument("--samples", type=int, default=96)
    p.add_argument("--seed", type=int, default=4242, help="the command line's draws (fresh)")
    p.add_argument("--no-window", action="store_true", help="the command line's faces only")
    p.add_argument("--grid", default=None, help="PNG: base samples, then one row per cluster")
    p.add_argument("--steps", type=int, default=None, help="default: the app's quick preset")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    k = parse_k(args.clusters)
    result = run(
        args.model,
        args.data,
        k,
        args.only,
        args.samples,
        args.grid,
        args.steps,
        args.seed,
        not args.no_window,
    )
    if args.json:
        print(json.dumps(result))
        return
    print(f"{'cluster':>7}{'size':>6}{'base':>7}{'CLI 0.3':>9}{'CLI 0.5':>9}", end="")
    print(f"{'window 0.3':>12}{'window 0.5':>12}{'seconds':>9}")
    for r in result["rows"]:
        print(
            f"{r['cluster']:>7}{r['size']:>6}{r['base_share']:>7.0%}"
            f"{r['cli_share']:>9.0%}{r['cli_share_warm']:>9.0%}"
            f"{r.get('window_share', float('nan')):>12.0%}"
            f"{r.get('window_share_warm', float('nan')):>12.0%}{r['seconds']:>9.1f}"
        )


if __name__ == "__main__":
    main()
