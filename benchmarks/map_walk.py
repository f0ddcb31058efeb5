"""Does the way back from the map land on faces typical of that part of the map? For a grid of
map points over the data region, the face generated there is encoded again and assigned to a
cluster; it should be the cluster that owns that region (the majority of its nearest dataset
points on the map). The aim is 80% or more. Reported at the app's seed 0 and over five
decoding seeds (`--first-seed 5`: fresh ones, for a model chosen on seeds 0-4).

Beside it, the same question asked of each grid point's z itself, before any decoding: what a
perfect round trip would score. It is not 100% (a point's z can sit nearer another cluster's
centre than its neighbours' on the map) and it moves with each model's own clustering, so a
model's agreement reads best against its own ceiling.

`--tries N` asks what the app does not do yet: each place's z decoded N times (seeds apart),
and the try whose own encoding lands nearest that z kept (the model's own judgement; no
drawing exists on the map), as a walked face could be refined once the cursor rests.

    python -m benchmarks.map_walk [--model default] [--data FILE] [--clusters 6] [--grid 14]
        [--map pca|umap] [--first-seed 0] [--tries 1]
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from benchmarks.errors import run_main
from core.latent import LatentIndex
from core.sketcher import Sketcher
from core.workspace import load_workspace

OWNER_NEIGHBOURS = 15


def run(
    model: str = "default",
    data: str | None = None,
    clusters: int | str = 6,
    grid: int = 14,
    projection: str = "pca",
    first_seed: int = 0,
    tries: int = 1,
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
    sketcher: Sketcher, index: LatentIndex, z: np.ndarray, seed: int, tries: int = 1
) -> np.ndarray:
    """The cluster each decoded face is assigned to when encoded again (-1: an empty face,
    which counts as a miss). With several tries, each place's face is the try whose encoding
    is nearest its z (try k decoded with seed `seed + 1000 * k`)."""
    best = np.full(len(z), np.inf)
    mu_best = np.zeros_like(z)
    for k in range(tries):
        faces = decode_all(sketcher, z, seed + 1000 * k)
        drawn = [i for i, f in enumerate(faces) if not f.is_empty]
        if not drawn:
            continue
        mu = sketcher.encode_many([faces[i] for i in drawn])
        distance = ((mu - z[drawn]) ** 2).sum(1)
        nearer = distance < best[drawn]
        best[np.array(drawn)[nearer]] = distance[nearer]
        mu_best[np.array(drawn)[nearer]] = mu[nearer]
    got = np.full(len(z), -1)
    drawn = np.flatnonzero(np.isfinite(best))
    got[drawn] = [a.cluster for a in index.assign(mu_best[drawn])]
    return got


def decode_all(sketcher: Sketcher, z: np.ndarray, seed: int = 0, batch: int = 32):
    out = []
    for start in range(0, len(z), batch):
        out += sketcher.decode(z[start : start + batch], temperature=0.05, seed=seed)
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
        "--tries", type=int, default=1, help="keep the try whose encoding is nearest the place's z"
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
