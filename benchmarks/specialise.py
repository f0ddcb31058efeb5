"""Does retraining on a cluster make the model draw more faces of that cluster, and how long does
it take? For each cluster K of the base model's index of a dataset, run the app's retrain exactly
as the app does (`sketchbook train --cluster K`, the quick preset, a child process), then draw
random faces from the new model at the app's sampling temperature and assign them with the base
model's index. The aim: >= 70% land in K (the base model: roughly 1/N), within 5 minutes.

    python -m benchmarks.specialise [--model default] [--data FILE] [--clusters auto]
        [--only K ...] [--samples 100] [--grid docs/specialise.png] [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.commands.latent_cmds import parse_k
from core.generate import DEFAULT_SAMPLE_TEMPERATURE, sample_faces
from core.resources import sample_faces_path
from core.retrain_plan import retrain_arguments
from core.sketcher import Sketcher
from core.specialise import share_of
from core.workspace import load_workspace

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


def run(
    model: str = "default",
    data: str | None = None,
    clusters: int | str = "auto",
    only: list[int] | None = None,
    samples: int = 100,
    grid: str | None = None,
    steps: int | None = None,
) -> dict:
    data = str(data or sample_faces_path())
    ws = load_workspace(model, data, clusters, device="cpu")
    base, index = ws.sketcher, ws.index
    # seeds 1 and 2: draws that neither the retrain's chooser (core.specialise) nor anything
    # else picked a spread or a model by
    before = sample_faces(base, samples, DEFAULT_SAMPLE_TEMPERATURE, seed=1)
    rows, pictures = [], [before[:8]]
    with tempfile.TemporaryDirectory() as tmp:
        for k in only if only is not None else range(index.k):
            out = Path(tmp) / f"cluster{k}.safetensors"
            timing = retrain(base.path, data, k, index.k, out, steps)
            tuned = Sketcher.load(str(out), device="cpu")
            after = sample_faces(tuned, samples, DEFAULT_SAMPLE_TEMPERATURE, seed=1)
            warmer = sample_faces(tuned, samples, WARM_TEMPERATURE, seed=2)
            pictures.append(after[:8])
            rows.append(
                {
                    "cluster": k,
                    "size": len(index.members(k)),
                    "base_share": round(share_of(before, base, index, k), 3),
                    "retrained_share": round(share_of(after, base, index, k), 3),
                    "retrained_share_warm": round(share_of(warmer, base, index, k), 3),
                    "seconds": timing["seconds"],
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    if grid:
        from core.render import save_grid

        save_grid([face for row in pictures for face in row], grid, columns=8)
    return {"clusters": index.k, "samples": samples, "rows": rows}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="default")
    p.add_argument("--data", default=None)
    p.add_argument("--clusters", default="auto")
    p.add_argument("--only", type=int, nargs="*", default=None)
    p.add_argument("--samples", type=int, default=100)
    p.add_argument("--grid", default=None, help="PNG: base samples, then one row per cluster")
    p.add_argument("--steps", type=int, default=None, help="default: the app's quick preset")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    k = parse_k(args.clusters)
    result = run(args.model, args.data, k, args.only, args.samples, args.grid, args.steps)
    if args.json:
        print(json.dumps(result))
        return
    print(f"{'cluster':>7}{'size':>6}{'base':>8}{'T=0.3':>8}{'T=0.5':>8}{'seconds':>9}")
    for r in result["rows"]:
        print(
            f"{r['cluster']:>7}{r['size']:>6}{r['base_share']:>8.0%}"
            f"{r['retrained_share']:>8.0%}{r['retrained_share_warm']:>8.0%}{r['seconds']:>9.1f}"
        )


if __name__ == "__main__":
    main()
