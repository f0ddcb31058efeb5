"""Commands about the latent space: `index`, `sample`, `interpolate`, `complete`, `report`."""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from core.base import limits
from core.base.errors import BadRequest


def common(p: argparse.ArgumentParser, data: bool = True) -> None:
    """The options every latent command shares: the model, and the dataset and its index."""
    p.add_argument("--model", default="default", help="model file (default: the shipped model)")
    if data:
        p.add_argument("--data", default=None, help="dataset (default: the shipped real faces)")
        p.add_argument(
            "--clusters",
            type=clusters_arg,
            default="auto",
            help="number of clusters, or auto (silhouette)",
        )
        p.add_argument(
            "--map",
            choices=("pca", "umap"),
            default="pca",
            help="map projection (umap needs umap-learn)",
        )
    p.add_argument("--device", default=None)


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "index", help="cluster sizes, silhouette and medoids of a dataset's latent index"
    )
    common(p)
    p.add_argument(
        "--assign", default=None, help="count how many drawings of this file fall in each cluster"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=index_cmd)

    p = sub.add_parser(
        "sample", help="random faces: like the dataset's (as the app), from the prior or a cluster"
    )
    common(p)
    p.add_argument("--n", type=limits.FACES.arg, default=16)
    p.add_argument(
        "--temperature",
        type=limits.TEMPERATURE.arg,
        default=None,
        help="decoder sampling temperature, 0.01 to 1 (default 0.3, as the app)",
    )
    p.add_argument(
        "--spread",
        type=limits.SPREAD.arg,
        default=None,
        help="scale of z around its centre, 0.1 to 1.5 (default 0.8, as the app; 1: the "
        "Gaussian itself)",
    )
    p.add_argument("--cluster", type=limits.CLUSTER.arg, default=None)
    p.add_argument(
        "--source",
        choices=("model", "dataset", "prior"),
        default="model",
        help="z from the Gaussian stored in the model, of the faces it was made for (default, "
        "as the app: after a retrain on a cluster, that cluster), of --data's thought vectors, "
        "or N(0, I)",
    )
    p.add_argument("--seed", type=limits.SEED.arg, default=0)
    p.add_argument("--out", required=True, help=".ndjson, .png or .svg")
    p.set_defaults(run=sample_cmd)

    p = sub.add_parser("interpolate", help="the faces between two drawings (slerp in latent space)")
    common(p, data=False)
    p.add_argument("--a", required=True, help="a drawing file, or DATAFILE#index")
    p.add_argument("--b", required=True, help="a drawing file, or DATAFILE#index")
    p.add_argument("--steps", type=limits.INTERPOLATION_STEPS.arg, default=8)
    p.add_argument("--out", required=True)
    p.set_defaults(run=interpolate_cmd)

    p = sub.add_parser("complete", help="several endings of a half-drawn face")
    common(p, data=False)
    p.add_argument("--partial", required=True, help="a drawing file, or DATAFILE#index")
    p.add_argument("--n", type=limits.COMPLETIONS.arg, default=4)
    p.add_argument("--temperature", type=limits.TEMPERATURE.arg, default=0.3)
    p.add_argument("--seed", type=limits.SEED.arg, default=0)
    p.add_argument("--out", required=True)
    p.set_defaults(run=complete_cmd)

    p = sub.add_parser("report", help="a PNG per cluster (medoid, members, samples) and the map")
    common(p)
    p.add_argument("--out", required=True, help="folder for the PNGs")
    p.set_defaults(run=report_cmd)


def parse_k(value: str | int) -> int | str:
    if value == "auto":
        return value
    try:
        k = int(value)
    except ValueError:
        raise BadRequest(f"--clusters takes a number or auto, not {value!r}") from None
    return int(limits.CLUSTERS.check("--clusters", k))


def clusters_arg(text: str) -> int | str:
    """An argparse `type` for --clusters: a number of clusters in range, or auto."""
    try:
        return parse_k(text)
    except BadRequest as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--clusters ")) from None


def load_context(args: argparse.Namespace):
    """(sketcher, drawings, index) for the model and dataset named on the command line."""
    from tqdm import tqdm

    from core.latent.workspace import load_workspace

    bar = tqdm(unit="face", desc="indexing", leave=False, disable=None)
    stages: dict[str, float] = {}  # seconds per stage, for SKETCHBOOK_STAGE_TIMES
    clock = [time.perf_counter(), ""]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage != clock[1]:
            if clock[1]:
                stages[clock[1]] = round(stages.get(clock[1], 0) + now - clock[0], 2)
            clock[:] = [now, stage]
        bar.set_description(stage)
        bar.total = total
        bar.n = done
        bar.refresh()

    ws = load_workspace(
        args.model,
        args.data,
        parse_k(args.clusters),
        args.device,
        progress,
        notice=lambda message: bar.write(f"notice: {message}"),
        projection=getattr(args, "map", "pca"),
    )
    bar.close()
    if os.environ.get("SKETCHBOOK_STAGE_TIMES"):  # where a cold index's time went (benchmarks)
        print("stage-times " + json.dumps(stages), file=sys.stderr)
    return ws.sketcher, ws.drawings, ws.index


@functools.lru_cache(maxsize=4)
def _drawings_of(path: str):
    """A file's drawings, read once per command (both ends of an interpolation from one big
    file cost one read)."""
    from core.drawings.formats import read_dataset

    return read_dataset(path).drawings()


def load_drawing(ref: str):
    """`PATH` (its first drawing) or `PATH#i` (its i-th drawing)."""
    path, _, number = ref.partition("#")
    drawings = _drawings_of(path)
    try:
        i = int(number) if number else 0
        return drawings[i]
    except (ValueError, IndexError):
        raise BadRequest(f"{ref}: {path} has drawings #0 to #{len(drawings) - 1}") from None


def index_from_cache(args: argparse.Namespace):
    """The index when the cache already holds it for this model and file, else None; reads
    no dataset and imports no torch, so an unchanged file answers in well under a second."""
    from core.base.paths import cache_dir
    from core.base.resources import default_model_path, sample_faces_path
    from core.latent.index_cache import INDEX_SEED, file_hash, find_index, index_folder

    model = default_model_path() if args.model in (None, "default") else Path(args.model)
    data = Path(args.data) if args.data else sample_faces_path()
    if not model.is_file() or not data.is_file():
        return None  # the full path says what is wrong with them
    folder = index_folder(
        cache_dir(), file_hash(model), file_hash(data), parse_k(args.clusters), INDEX_SEED, args.map
    )
    return find_index(folder)


def index_cmd(args: argparse.Namespace) -> int:
    index = None if args.assign else index_from_cache(args)
    if index is None:
        sketcher, _, index = load_context(args)
    sizes = index.cluster_sizes()
    report = {
        "drawings": len(index),
        "clusters": index.k,
        "silhouette": None if np.isnan(index.silhouette) else round(index.silhouette, 4),
        "sizes": sizes.tolist(),
        "medoids": [index.keys[i] for i in index.medoids],
        "map": index.projection,
    }
    if args.assign:
        from core.base.paths import cache_dir
        from core.latent.prepared import prepare_file
        from core.model.device import all_cores

        # the file's canonical drawings (cached, and brought into form all at once)
        others = prepare_file(args.assign, cache_dir()).drawings
        with all_cores():
            mu = sketcher.encode_many(others)
        counts = Counter(a.cluster for a in index.assign(mu))
        report["assigned"] = {
            "file": args.assign,
            "drawings": len(others),
            "counts": [counts.get(c, 0) for c in range(index.k)],
        }
    if args.json:
        print(json.dumps(report))
        return 0
    sil = "n/a" if report["silhouette"] is None else f"{report['silhouette']:.3f}"
    print(f"{report['drawings']} drawings, {index.k} clusters, silhouette {sil}")
    assigned = report.get("assigned", {}).get("counts")
    head = f"{'cluster':>7}{'size':>7}  medoid" + (f"{'assigned':>12}" if assigned else "")
    print(head)
    for c in range(index.k):
        extra = f"{assigned[c]:>12}" if assigned else ""
        print(f"{c:>7}{sizes[c]:>7}  {report['medoids'][c]:<20}{extra}")
    return 0


def sample_cmd(args: argparse.Namespace) -> int:
    from core.drawings.output import write_drawings
    from core.latent.generate import DEFAULT_SAMPLE_SPREAD, DEFAULT_SAMPLE_TEMPERATURE, sample_faces
    from core.model.sketcher import Sketcher

    temperature = args.temperature if args.temperature is not None else DEFAULT_SAMPLE_TEMPERATURE
    spread = args.spread if args.spread is not None else DEFAULT_SAMPLE_SPREAD
    sketcher, index = Sketcher.load(args.model, device=args.device), None
    # a dataset is indexed only when the faces come from it, or from a model that stores no
    # Gaussian of its own (those sample like the dataset, as the window does)
    own = args.source == "model" and sketcher.gaussian is not None
    if args.cluster is not None or args.source == "dataset" or (args.source == "model" and not own):
        sketcher, _, index = load_context(args)
    faces = sample_faces(
        sketcher, args.n, temperature, index, args.cluster, args.seed, spread, args.source
    )
    write_drawings(faces, args.out)
    print(f"wrote {len(faces)} faces to {args.out}")
    return 0


def interpolate_cmd(args: argparse.Namespace) -> int:
    from core.drawings.output import write_drawings
    from core.latent.generate import interpolate
    from core.model.sketcher import Sketcher

    sketcher = Sketcher.load(args.model, device=args.device)
    mu, _ = sketcher.encode([load_drawing(args.a), load_drawing(args.b)])
    faces = interpolate(sketcher, mu[0], mu[1], args.steps)
    write_drawings(faces, args.out, columns=len(faces))
    print(f"wrote {len(faces)} faces to {args.out}")
    return 0


def complete_cmd(args: argparse.Namespace) -> int:
    from core.drawings.output import write_drawings
    from core.latent.generate import complete
    from core.model.sketcher import Sketcher

    sketcher = Sketcher.load(args.model, device=args.device)
    faces = complete(sketcher, load_drawing(args.partial), args.n, args.temperature, args.seed)
    write_drawings(faces, args.out)
    print(f"wrote {len(faces)} completions to {args.out}")
    return 0


def report_cmd(args: argparse.Namespace) -> int:
    from core.latent.report import write_report

    sketcher, drawings, index = load_context(args)
    paths = write_report(sketcher, drawings, index, Path(args.out))
    print(f"wrote {len(paths)} images to {args.out}")
    return 0
