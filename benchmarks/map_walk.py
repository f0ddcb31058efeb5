"""Does the way back from the map land on faces typical of that part of the map? For a grid of
map points over the data region, the face generated there is encoded again and assigned to a
cluster; it should be the cluster that owns that region (the majority of its nearest dataset
points on the map). The aim is 80% or more. Reported at the app's seed 0 and over five
decoding seeds (`--first-seed 5`: fresh ones, for a model chosen on seeds 0-4).

Beside it, the same question asked of each grid point's z itself, before any decoding: what a
perfect round trip would score. It is not 100% (a point's z can sit nearer another cluster's
centre than its neighbours' on the map) and it moves with each model's own clustering, so a
model's agreement reads best against its own ceiling.

Each place's face is the one the app shows once the cursor rests there (`core.latent.rest_face`: of
sixteen tries, the one whose own encoding lands nearest the place's z); `--tries 1` scores the
single try the app shows while the cursor moves.

    python -m benchmarks.map_walk [--model default] [--data FILE] [--clusters 6] [--grid 14]
        [--map pca|umap] [--first-seed 0] [--tries 16]
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from benchmarks.errors import run_main
from core.latent.index import LatentIndex
from core.latent.rest_face import REST_TRIES, faces_at_rest
from core.latent.workspace import load_workspace
from core.model.sketcher import Sketcher
from core.session.requests import WALK_TEMPERATURE

OWNER_NEIGHBOURS = 15


def run(
    model: str = "default",
    data: str | None = None,
    clusters: int | str = 6,
    grid: int = 14,
    projection: str = "pca",
    first_seed: int = 0,
    tries: int = REST_TRIES,
) -> dict:
    ws = load_workspace(model, data, clusters, device="cpu", projection=projection)
    index, sketcher = ws.index, ws.sketcher
    lo, hi = np.percentile(index.map_xy, 5, axis=0), np.percentile(index.map_xy, 95, axis=0)
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid))
    points = np.stack([gx.ravel(), gy.ravel()], 1)
    d2 = ((points[:, None, :] - index.map_xy[None]) ** 2).sum(2)
    spacing = np.sqrt(
        np.median(np.sort(((index.map_xy[:, None] - index.map_xy[None]) ** 2).sum(2), 1)[:, 1])
    )
    inside = np.sqrt(d2.min(1)) < 3 * spacing  # only where there is data
    points, d2 = points[inside], d2[inside]
    near = np.argsort(d2, 1)[:, :OWNER_NEIGHBOURS]
    owners = np.array([np.bincount(index.labels[n], minlength=index.k).argmax() for n in near])
    z = index.map_to_latent(points)
    ceiling = float((np.array([a.cluster for a in index.assign(z)]) == owners).mean())
    seeds = range(first_seed, first_seed + SEEDS)
    by_seed = [float((landed(sketcher, index, z, seed, tries) == owners).mean()) for seed in seeds]
    named = f"seeds {seeds[0]}-{seeds[-1]}"
    return {
        "grid_points_in_data": int(len(points)),
        "clusters": index.k,
        f"agreement, seed {first_seed}": round(by_seed[0], 3),
        f"agreement, mean of {named}": round(float(np.mean(by_seed)), 3),
        f"agreement, spread of {named}": [
            round(min(by_seed), 3),
            round(max(by_seed), 3),
        ],
        "agreement of the z itself (a perfect round trip)": round(ceiling, 3),
        "tries": tries,
        "drawings": len(index),
        "map": projection,
    }


SEEDS = 5


def landed(
    sketcher: Sketcher, index: LatentIndex, z: np.ndarray, seed: int, tries: int = REST_TRIES
) -> np.ndarray:
    """The cluster each place's face is assigned to when encoded again (-1: an empty face,
    which counts as a miss)."""
    faces = decode_all(sketcher, z, seed, tries)
    drawn = [i for i, f in enumerate(faces) if not f.is_empty]
    got = np.full(len(faces), -1)
    got[drawn] = [a.cluster for a in index.assign(sketcher.encode_many([faces[i] for i in drawn]))]
    return got


def decode_all(sketcher: Sketcher, z: np.ndarray, seed: int = 0, tries: int = 1, batch: int = 32):
    """Each place's face as the app shows it: one try while the cursor moves, the kept one of
    `tries` once it rests."""
    out = []
    for start in range(0, len(z), batch):
        part = z[start : start + batch]
        if tries == 1:
            out += sketcher.decode(part, temperature=WALK_TEMPERATURE, seed=seed)
        else:
            out += faces_at_rest(sketcher, part, WALK_TEMPERATURE, seed, tries)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default")
    parser.add_argument("--data", default=None)
    parser.add_argument("--clusters", default="6")
    parser.add_argument("--grid", type=int, default=14)
    parser.add_argument("--map", choices=("pca", "umap"), default="pca")
    parser.add_argument(
        "--first-seed", type=int, default=0, help="decode with seeds N..N+4 (5: fresh draws)"
    )
    parser.add_argument(
        "--tries", type=int, default=REST_TRIES, help="1: the face while the cursor moves"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    k = args.clusters if args.clusters == "auto" else int(args.clusters)
    results = run(args.model, args.data, k, args.grid, args.map, args.first_seed, args.tries)
    print(
        json.dumps(results) if args.json else "\n".join(f"{k:<22} {v}" for k, v in results.items())
    )


if __name__ == "__main__":
    run_main(main)
