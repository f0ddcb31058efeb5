"""Does z hold a face the model never saw? Every held-out real face (the slice `sketchbook
train` keeps back for validation, or any file with `--faces`) is reconstructed from its mu, and
we count how often the reconstruction is nearer (symmetric chamfer distance on evenly resampled
points) to its own original than to any other of the faces: self-retrieval top-1 (chance 1/N),
top-5, the mean rank of its own original (1 = nearest; chance (N+1)/2).

Three rows, so the model's own share can be seen:
- the app: the try of `--tries` decodes that `--pick` keeps (`model`: the model's own pick,
  the try whose re-encoding is nearest z, what the window shows; `drawing`: the try nearest
  the drawing by the judge's own ruler, the named choice "closest to my drawing");
- one decode of z (the model's first try): z alone, nothing chosen;
- the no-encoder control: `--tries` random faces from the dataset's Gaussian (the model's
  stored one), the one nearest the drawing kept. What choosing by the drawing earns without z.

The app's row is also scored by a ruler that chose nothing (the cosine of the faces' 16x16
pixels), and averaged over five sampling seeds (`--first-seed 5`: fresh draws).

    python -m benchmarks.retrieval [--model default] [--faces FILE... [--held-out] [--limit N]]
        [--tries 64]
        [--pick model|drawing] [--first-seed 0] [--grid docs/reconstructions.png]
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from benchmarks.errors import run_main
from benchmarks.faceness import features
from core.base.resources import sample_faces_path
from core.drawings.formats import read_dataset
from core.drawings.metrics import (
    DEFAULT_PICK,
    DEFAULT_TRIES,
    PICKS,
    nearest_try,
    retrieval_ranks,
)
from core.drawings.render import save_grid
from core.drawings.strokes import Drawing
from core.latent.generate import gaussian_z
from core.model.sampling_gaussian import SamplingGaussian
from core.model.sketcher import Sketcher
from core.training.batching import is_held_out, scaled, to_sequences
from core.training.train import evaluate

SEEDS = 5
CONTROL_SEED = 1_000  # the control's random faces: never a seed the app's rows use


def pixel_ranks(originals: list[Drawing], reconstructions: list[Drawing]) -> np.ndarray:
    """For each reconstruction, the rank of its own original by the cosine of their pixels."""
    a, b = features(reconstructions), features(originals)
    a /= np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-9)
    b /= np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-9)
    similarity = a @ b.T
    return (similarity > np.diag(similarity)[:, None]).sum(1)


def scores(ranks: np.ndarray) -> dict:
    return {
        "top1": round(float((ranks < 1).mean()), 3),
        "top5": round(float((ranks < 5).mean()), 3),
        "mean rank": round(float(ranks.mean()) + 1, 1),  # 1 = its own is nearest
    }


def no_encoder_control(
    sketcher: Sketcher, faces: list[Drawing], tries: int, seed: int
) -> list[Drawing]:
    """For each face, the nearest to it of `tries` random faces from the dataset's Gaussian
    (the prior's, for a model file that stores none: a checkpoint)."""
    g = sketcher.gaussian or SamplingGaussian.standard(sketcher.config.z_size)
    z = gaussian_z(g.mean, g.chol, tries, 1.0, CONTROL_SEED + seed)
    pool = sketcher.decode(z, seed=CONTROL_SEED + seed, independent=True)
    finished = [p.num_points < sketcher.config.max_len for p in pool]
    return [pool[nearest_try(face, pool, finished)] for face in faces]


def held_out_faces(
    paths: list[str] | None, held_out: bool = False, limit: int | None = None
) -> tuple[list[Drawing], str]:
    """The faces to score: the held-out slice of the shipped faces by default; or every face
    of some files (faces no run trained on), or with `held_out` only their held-out slice (the
    procedural faces a run validates on: what a model may be chosen by)."""
    if not paths:
        paths, held_out = [str(sample_faces_path())], True
    faces = [d for p in paths for d in read_dataset(p).drawings() if not held_out or is_held_out(d)]
    name = ("the held-out slice of " if held_out else "") + " + ".join(paths)
    return faces[:limit], name


def run(
    model: str = "default",
    grid: str | None = None,
    first_seed: int = 0,
    tries: int = DEFAULT_TRIES,
    pick: str = DEFAULT_PICK,
    faces: tuple[list[Drawing], str] | None = None,
) -> dict:
    sketcher = Sketcher.load(model, device="cpu")
    faces, source = faces or held_out_faces(None)
    if len(faces) < 2:
        raise SystemExit("retrieval: --faces needs at least two drawings")
    results: dict = {"faces": f"{len(faces)} ({source})", "chance top1": round(1 / len(faces), 4)}
    seqs = [scaled(q, sketcher.scale) for q in to_sequences(faces, sketcher.config.max_len)]
    nll = evaluate(sketcher.model, seqs, sketcher.device)
    results["recon NLL"], results["KL"] = round(nll["recon"], 3), round(nll["kl"], 3)
    app = f"app: {PICKS[pick]} of {tries}"
    rows = {
        app: lambda seed: sketcher.reconstruct(faces, seed=seed, tries=tries, pick=pick),
        "one decode": lambda seed: sketcher.reconstruct(faces, seed=seed, tries=1),
        f"no encoder: closest of {tries} random faces{'' if sketcher.gaussian else ' (prior)'}": lambda seed: (
            no_encoder_control(sketcher, faces, tries, seed)
        ),
    }
    seeds = range(first_seed, first_seed + SEEDS)
    for name, redraw in rows.items():
        by_seed, pixels = [], []
        for seed in seeds:
            redrawn = redraw(seed)
            by_seed.append(retrieval_ranks(faces, redrawn)[0])
            if name == app:
                pixels.append(pixel_ranks(faces, redrawn))
                if grid and seed == seeds[0]:
                    pairs = [d for pair in zip(faces[:24], redrawn[:24], strict=True) for d in pair]
                    save_grid(pairs, grid, columns=8)
        results[f"{name}, seed {seeds[0]}"] = scores(by_seed[0])
        results[f"{name}, mean of seeds {seeds[0]}-{seeds[-1]}"] = mean_scores(by_seed)
        if pixels:
            results[f"{name}, pixel ruler, mean of seeds"] = mean_scores(pixels)
    return results


def mean_scores(ranked: list[np.ndarray]) -> dict:
    per_seed = [scores(r) for r in ranked]
    return {k: round(float(np.mean([s[k] for s in per_seed])), 3) for k in per_seed[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default")
    parser.add_argument(
        "--faces", nargs="+", default=None, help="drawing files to score (default: held-out)"
    )
    parser.add_argument(
        "--held-out", action="store_true", help="only the held-out slice of --faces"
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N faces")
    parser.add_argument("--grid", default=None, help="PNG of originals beside reconstructions")
    parser.add_argument(
        "--first-seed", type=int, default=0, help="average seeds N..N+4 (5: fresh draws)"
    )
    parser.add_argument("--tries", type=int, default=DEFAULT_TRIES, help="decodes per face")
    parser.add_argument(
        "--pick", choices=sorted(PICKS), default=DEFAULT_PICK, help="who chooses the try shown"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    faces = held_out_faces(args.faces, args.held_out, args.limit)
    results = run(args.model, args.grid, args.first_seed, args.tries, args.pick, faces)
    print(
        json.dumps(results) if args.json else "\n".join(f"{k:<52} {v}" for k, v in results.items())
    )


if __name__ == "__main__":
    run_main(main)
