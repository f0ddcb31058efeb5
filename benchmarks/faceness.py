"""Are a model's random faces still faces? A judge that never saw the model: gradient-boosted
trees on 16x16 pixels (a 64x64 raster averaged down), trained to tell real Quick, Draw! faces
from real drawings of 19 other categories (airplanes, pigs, crabs...). It scores held-back real
faces first (its ceiling) and then random faces from each model at the app's sampling
temperature: the share it calls a face. Counting scribbles by eye in one grid of 32 moved by
several faces between seeds. Random faces come from where the app draws them (`--source`):
like the model's own faces (the Gaussian stored in the model file: for the shipped model, of its
thought vectors of the shipped 656 faces; the app's default), like the dataset's (the same
Gaussian for the shipped model and faces) or from the prior N(0, I), at the app's spread (0.8;
`--spread 1` is the Gaussian itself).

    python -m benchmarks.faceness [--model M ...] [--n 400] [--temperature 0.3] [--seed 101]
        [--source model|dataset|prior] [--spread 0.8] [--json]
        [--others ../shared/data/quickdraw/spg_other]

Needs the 19 categories' files (`../shared/data/quickdraw/spg_other/`, CC BY 4.0): they train
the judge only, never a face dataset.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from benchmarks.errors import run_main
from core.base.errors import BadRequest
from core.base.resources import sample_faces_path
from core.base.streams import run_to_end
from core.drawings.formats import read_dataset
from core.drawings.model_input import canonical
from core.drawings.render import raster
from core.drawings.strokes import Drawing
from core.latent.generate import (
    DATASET,
    DEFAULT_SAMPLE_SPREAD,
    DEFAULT_SOURCE,
    MODEL,
    SOURCES,
    sample_faces,
)
from core.latent.index import LatentIndex
from core.latent.indexing import index_from_vectors
from core.model.sketcher import Sketcher
from core.training.batching import is_held_out

PIXELS, POOL = 16, 4  # 64x64 lines averaged down to 16x16: a stroke's exact path matters less
OTHERS = Path(__file__).resolve().parents[2] / "shared" / "data" / "quickdraw" / "spg_other"


def features(drawings: list[Drawing]) -> np.ndarray:
    """Each drawing in its canonical form, fitted into 64x64 pixels and averaged down to
    16x16, as one row."""
    rows = [raster(canonical(d), PIXELS * POOL, width=2) for d in drawings]
    return np.stack([r.reshape(PIXELS, POOL, PIXELS, POOL).mean((1, 3)).ravel() for r in rows])


def train_judge(others_dir: Path):
    """The judge and its accuracy on held-back drawings of both kinds (the held-back real
    faces are the training command's own, so they never taught the judge either)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    files = sorted(others_dir.glob("*.ndjson"))
    if not files:
        raise BadRequest(f"no other categories' .ndjson files in {others_dir}")
    faces = read_dataset(sample_faces_path()).drawings()
    others = [d for f in files for d in read_dataset(f).drawings()]
    taught_faces = [d for d in faces if not is_held_out(d)]
    taught_others = [d for d in others if not is_held_out(d)]
    x = features(taught_faces + taught_others)
    y = np.r_[np.ones(len(taught_faces)), np.zeros(len(taught_others))]
    judge = HistGradientBoostingClassifier(class_weight="balanced", random_state=0).fit(x, y)
    held_faces = [d for d in faces if is_held_out(d)]
    held_others = [d for d in others if is_held_out(d)]
    accuracy = {
        "held_back_real_faces_called_face": float(judge.predict(features(held_faces)).mean()),
        "held_back_other_drawings_called_face": float(judge.predict(features(held_others)).mean()),
    }
    return judge, accuracy


def dataset_index(sketcher: Sketcher) -> LatentIndex:
    """The model's index of the shipped faces, as the app's first window has it."""
    faces = read_dataset(sample_faces_path()).drawings()
    stream = index_from_vectors(sketcher.encode_many(faces), [f.key for f in faces])
    return run_to_end(stream)


def run(
    models: list[str],
    n: int,
    temperature: float,
    others_dir: Path,
    seed: int = 101,
    source: str = DEFAULT_SOURCE,
    spread: float = DEFAULT_SAMPLE_SPREAD,
) -> dict:
    judge, accuracy = train_judge(others_dir)
    results: dict = {k: round(v, 3) for k, v in accuracy.items()}
    results["source"], results["spread"] = source, spread
    for model in models:
        sketcher = Sketcher.load(model, device="cpu")
        needs_index = source == DATASET or (source == MODEL and sketcher.gaussian is None)
        index = dataset_index(sketcher) if needs_index else None
        drawn = sample_faces(sketcher, n, temperature, index, None, seed, spread, source)
        faces = [f for f in drawn if not f.is_empty]
        share = float(judge.predict(features(faces)).mean()) if faces else 0.0
        results[f"{model}: random faces called face (T={temperature})"] = round(share, 3)
        results[f"{model}: empty"] = n - len(faces)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", nargs="+", default=["default"])
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--temperature", type=float, default=0.3)
    parser.add_argument("--others", type=Path, default=OTHERS)
    parser.add_argument(
        "--seed", type=int, default=101, help="another seed checks a choice on a fresh draw"
    )
    parser.add_argument("--source", choices=SOURCES, default=DEFAULT_SOURCE)
    parser.add_argument("--spread", type=float, default=DEFAULT_SAMPLE_SPREAD)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(
        args.model, args.n, args.temperature, args.others, args.seed, args.source, args.spread
    )
    print(
        json.dumps(results) if args.json else "\n".join(f"{k:<60} {v}" for k, v in results.items())
    )


if __name__ == "__main__":
    run_main(main)
