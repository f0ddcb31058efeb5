"""Indexing a Quick, Draw!-sized dataset: 70,000 faces (procedural, written as a sketch-rnn
.npz as the real face.npz would be) encoded, clustered and mapped cold, then loaded from the
cache.

    python -m benchmarks.index_speed [--n 70000] [--model default] [--json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from core.faces import generate_faces
from core.formats import read_dataset, write_npz
from core.index_cache import file_hash
from core.indexing import cached_index
from core.sketcher import Sketcher
from core.strokes import canonical


def run(n: int = 70_000, model: str = "default", k: int | str = 8) -> dict:
    work = Path(tempfile.mkdtemp())
    data = work / "faces.npz"
    write_npz({"train": [canonical(d) for d in generate_faces(n, seed=70)]}, data)
    sketcher = Sketcher.load(model, device="cpu")
    results: dict = {"drawings": n, "k": k}

    start = time.perf_counter()
    drawings = read_dataset(data).drawings()
    results["read_npz_s"] = round(time.perf_counter() - start, 2)

    start = time.perf_counter()
    index = cached_index(sketcher, drawings, work / "cache", file_hash(data), k, simplified=True)
    results["index_cold_s"] = round(time.perf_counter() - start, 2)
    results["silhouette"] = round(index.silhouette, 3)

    start = time.perf_counter()
    cached_index(sketcher, drawings, work / "cache", file_hash(data), k, simplified=True)
    results["index_from_cache_s"] = round(time.perf_counter() - start, 3)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=70_000)
    parser.add_argument("--model", default="default")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.n, args.model)
    print(
        json.dumps(results) if args.json else "\n".join(f"{k:<22} {v}" for k, v in results.items())
    )


if __name__ == "__main__":
    main()
