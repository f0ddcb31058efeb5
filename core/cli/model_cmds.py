"""Commands about the model: `train`, `eval`, `reconstruct`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
from pathlib import Path

import numpy as np

from core.base import limits
from core.base.errors import BadRequest
from core.cli.latent_cmds import clusters_arg


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a model (or fine-tune one with --init)")
    p.add_argument("--data", nargs="+", required=True, help="drawing files to train on")
    p.add_argument(
        "--repeat",
        nargs="+",
        type=limits.REPEAT.arg,
        default=None,
        help="how many times each --data file is repeated per epoch (default 1 each)",
    )
    p.add_argument("--out", required=True, help="where the best model is written (.safetensors)")
    p.add_argument("--init", default=None, help="start from this model (fine-tune)")
    p.add_argument("--steps", type=limits.TRAIN_STEPS.arg, default=None)
    p.add_argument(
        "--batch",
        type=limits.BATCH.arg,
        default=None,
        help="sketches per batch (default 100; 50 with --cluster)",
    )
    p.add_argument("--preset", default="small", help="architecture: default, small or tiny")
    p.add_argument(
        "--lr",
        type=limits.LEARNING_RATE.arg,
        default=None,
        help="learning rate (default 1e-3; 3e-4 with --init)",
    )
    p.add_argument("--eval-every", type=limits.EVAL_EVERY.arg, default=250)
    p.add_argument("--device", default=None, help="cpu, cuda or mps (default: the best there is)")
    p.add_argument(
        "--resume", action="store_true", help="continue from the checkpoint beside --out"
    )
    p.add_argument(
        "--json-progress", action="store_true", help="one JSON object per line on stdout"
    )
    p.add_argument("--seed", type=limits.SEED.arg, default=0)
    p.add_argument("--threads", type=limits.THREADS.arg, default=None, help="CPU threads for torch")
    p.add_argument(
        "--nice",
        type=limits.NICE.arg,
        default=0,
        help="run at a lower CPU priority by this much (Unix; the app uses 10 so the window "
        "stays live beside its own training)",
    )
    p.add_argument(
        "--idle",
        action="store_true",
        help="run only on CPU time nothing else wants (Linux SCHED_IDLE; the app's own "
        "training uses it, so a pen-up never waits behind a training step)",
    )
    p.add_argument(
        "--kl-tolerance",
        type=limits.KL_TOLERANCE.arg,
        default=None,
        help="free nats per latent dimension: KL below this is not penalised "
        "(default: the preset's or --init's, 0.2); higher keeps more of each drawing in z",
    )
    p.add_argument(
        "--decoder-dropout",
        type=limits.INPUT_SHARE.arg,
        default=None,
        help="share of the decoder's previous-point inputs blanked in training (default: the "
        "preset's or --init's, 0); higher makes reconstructions follow z more than habit",
    )
    p.add_argument(
        "--own-inputs",
        type=limits.INPUT_SHARE.arg,
        default=None,
        help="share of the decoder's previous-point inputs replaced in training by its own "
        "likeliest guess at that point (scheduled sampling; default: the preset's or --init's, "
        "0); the decoder learns to recover from its own slips, as it must when it draws alone",
    )
    p.add_argument(
        "--keep",
        choices=("best", "last"),
        default="best",
        help="what --out holds at the end: the step with the lowest validation loss (best), "
        "or the final step (last; a stopped run keeps its best until resumed to the end)",
    )
    p.add_argument(
        "--average-from",
        type=limits.AVERAGE_FROM.arg,
        default=None,
        metavar="STEP",
        help="from this step on, validate and write the running mean of the weights after "
        "every step (stochastic weight averaging) instead of the latest weights; damps the "
        "swing between checkpoints late in a run",
    )
    p.add_argument(
        "--average-decay",
        type=limits.AVERAGE_DECAY.arg,
        default=None,
        metavar="D",
        help="with --average-from: an exponential moving average with this decay per step "
        "instead of the plain mean (0.999 weighs about the last 1,000 steps)",
    )
    p.add_argument(
        "--order-shuffle",
        type=limits.SHARE.arg,
        default=None,
        help="share of training drawings whose strokes the encoder sees in a random order "
        "(default: the preset's or --init's, 0); higher gives a face one z whatever order "
        "it was drawn in",
    )
    p.add_argument(
        "--picture-loss",
        type=limits.LOSS_WEIGHT.arg,
        default=None,
        help="weight of a term in which a small head predicts a 32x32 raster of the drawing "
        "from z alone (default: the preset's or --init's, 0); z must then hold the face's layout",
    )
    p.add_argument(
        "--identity-loss",
        type=limits.LOSS_WEIGHT.arg,
        default=None,
        help="weight of a term that pulls a face's z in two stroke orders together and pushes "
        "the batch's other faces away (InfoNCE; default: the preset's or --init's, 0; needs "
        "--order-shuffle above 0)",
    )
    p.add_argument(
        "--cluster",
        type=limits.CLUSTER.arg,
        default=None,
        help="fine-tune --init (default: the shipped model) on this cluster of --data",
    )
    p.add_argument(
        "--clusters",
        type=clusters_arg,
        default="auto",
        help="with --cluster: the number of clusters of the index",
    )
    p.add_argument(
        "--scratch",
        action="store_true",
        help="with --cluster: new weights of --init's architecture instead of fine-tuning it",
    )
    p.add_argument(
        "--sample-like",
        default=None,
        metavar="FILE",
        help="the new model's random faces come from the Gaussian of this file's thought "
        "vectors (default: of the drawings it trained on; with --cluster, the cluster)",
    )
    p.set_defaults(run=train_cmd)

    p = sub.add_parser(
        "sample-like",
        help="store in a model file where its random faces come from: the Gaussian of a "
        "file's thought vectors, or the prior (weights unchanged)",
    )
    p.add_argument("--model", required=True, help="the model file to write into")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--data", help="drawings whose thought vectors the Gaussian is fitted on")
    where.add_argument("--prior", action="store_true", help="N(0, I)")
    p.set_defaults(run=sample_like_cmd)

    p = sub.add_parser("eval", help="reconstruction NLL and KL of a model on a data file")
    p.add_argument("--model", default="default")
    p.add_argument("--data", required=True)
    p.add_argument("--json", action="store_true")
    p.add_argument("--device", default=None)
    p.set_defaults(run=eval_cmd)

    p = sub.add_parser("reconstruct", help="every drawing of a file redrawn by the model")
    p.add_argument("--model", default="default")
    p.add_argument("--data", required=True)
    p.add_argument("--temperature", type=limits.TEMPERATURE.arg, default=None)
    p.add_argument("--greedy", action="store_true")
    p.add_argument(
        "--tries",
        type=int,
        default=None,
        help="decodes of each drawing's z, the one nearest the drawing kept (default 64, as the "
        "app; 1: the model's first try)",
    )
    p.add_argument("--limit", type=limits.LIMIT.arg, default=None, help="only the first N drawings")
    p.add_argument(
        "--out", required=True, help=".ndjson, or .png (originals beside reconstructions)"
    )
    p.add_argument("--device", default=None)
    p.set_defaults(run=reconstruct_cmd)


def train_cmd(args: argparse.Namespace) -> int:
    import torch

    from core.base.processes import give_way
    from core.drawings.formats import read_dataset
    from core.model.device import pick_device
    from core.model.network import PRESETS
    from core.model.sketcher import Sketcher
    from core.training.batching import build_train_data
    from core.training.own_gaussian import store_own_gaussian
    from core.training.progress import TrainProgress
    from core.training.train import TrainSettings, train

    give_way(args.nice, args.idle)  # first: torch's threads inherit it
    if args.threads:
        torch.set_num_threads(args.threads)
    repeats = args.repeat or [1] * len(args.data)
    if len(repeats) != len(args.data):
        raise BadRequest("--repeat needs one number per --data file")
    if args.preset not in PRESETS:
        raise BadRequest(f"unknown preset {args.preset!r}; choose from {', '.join(PRESETS)}")
    if not str(args.out).endswith(".safetensors"):
        raise BadRequest("--out must end in .safetensors (models are never pickles)")
    if args.scratch and args.cluster is None:
        raise BadRequest("--scratch only goes with --cluster")
    if args.sample_like and not Path(args.sample_like).is_file():
        raise BadRequest(f"--sample-like: {args.sample_like} does not exist")
    device = pick_device(args.device)
    info = {"command": "sketchbook " + " ".join(sys.argv[1:])}
    tune = None
    if args.cluster is not None:
        from core.cli.latent_cmds import parse_k
        from core.training.retrain_plan import FINE_TUNES
        from core.training.specialise import choose_start, cluster_dataset

        if len(args.data) != 1:
            raise BadRequest(
                "--cluster takes exactly one --data file (the dataset the clusters belong to)"
            )
        indexer = Sketcher.load(args.init or "default", device="cpu")
        dataset, info["trained_on"], index = cluster_dataset(
            indexer, args.data[0], args.cluster, parse_k(args.clusters)
        )
        sources = [(dataset.format, dataset, 1)]
        tune = FINE_TUNES["quick"]
        if args.scratch:  # the cluster's drawings only, on new weights of the same architecture
            info["indexed_by"], base = indexer.path, None
            tune = dataclasses.replace(tune, lr=1e-3)
        else:  # the cluster becomes the prior first, then the fine-tune teaches its style
            base, info["recentred"] = choose_start(indexer, index, args.cluster)
        architecture = indexer
    else:
        base = architecture = Sketcher.load(args.init, device="cpu") if args.init else None
        sources = [
            (Path(p).name, read_dataset(p), r) for p, r in zip(args.data, repeats, strict=True)
        ]
    config = architecture.config if architecture else PRESETS[args.preset]
    if args.kl_tolerance is not None:
        if not 0 <= args.kl_tolerance < 10:
            raise BadRequest("--kl-tolerance must be between 0 and 10 nats per dimension")
        config = dataclasses.replace(config, kl_tolerance=args.kl_tolerance)
    if args.decoder_dropout is not None:
        if not 0 <= args.decoder_dropout < 1:
            raise BadRequest("--decoder-dropout must be at least 0 and below 1")
        config = dataclasses.replace(config, decoder_input_dropout=args.decoder_dropout)
    if args.own_inputs is not None:
        if not 0 <= args.own_inputs < 1:
            raise BadRequest("--own-inputs must be at least 0 and below 1")
        config = dataclasses.replace(config, decoder_own_inputs=args.own_inputs)
    if args.order_shuffle is not None:
        if not 0 <= args.order_shuffle <= 1:
            raise BadRequest("--order-shuffle must be between 0 and 1")
        config = dataclasses.replace(config, stroke_order_shuffle=args.order_shuffle)
    if args.picture_loss is not None:
        config = dataclasses.replace(config, picture_loss=args.picture_loss)
    if args.identity_loss is not None:
        config = dataclasses.replace(config, identity_loss=args.identity_loss)
    if config.identity_loss > 0 and config.stroke_order_shuffle <= 0:
        raise BadRequest("--identity-loss needs --order-shuffle above 0 (its second view)")
    data = build_train_data(sources, config.max_len, scale=base.scale if base else None)
    default_steps = tune.steps if tune else (1000 if base else 20000)
    steps = args.steps if args.steps is not None else default_steps
    if args.average_from is not None and not 0 <= args.average_from <= steps:
        raise BadRequest(f"--average-from must be a step between 0 and --steps ({steps})")
    if args.average_decay is not None:
        if args.average_from is None:
            raise BadRequest("--average-decay goes with --average-from (the step it starts at)")
        if not 0 < args.average_decay < 1:
            raise BadRequest("--average-decay must be above 0 and below 1")
    default_lr = tune.lr if tune else (3e-4 if base else 1e-3)
    settings = TrainSettings(
        steps=steps,
        batch_size=args.batch or (tune.batch_size if tune else 100),
        seed=args.seed,
        eval_every=args.eval_every,
        checkpoint_every=args.eval_every,
        lr=args.lr if args.lr is not None else default_lr,
        kl_full_from_start=base is not None,
        keep=args.keep,
        average_from=args.average_from,
        average_decay=args.average_decay,
    )
    info.update({"base": base.path if base else None, "preset": None if base else args.preset})
    info["device"] = str(device)  # the card says what it trained on (a GPU run says cuda)
    stop = {"now": False}

    def on_term(signum, frame):  # noqa: ARG001 - signal's signature
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_term)
    with TrainProgress(json_lines=args.json_progress, total=steps) as progress:
        summary = train(
            config,
            data,
            args.out,
            settings,
            device,
            progress.update,
            init=base.model if base else None,
            resume=args.resume,
            should_stop=lambda: stop["now"],
            info=info,
        )
        if args.cluster is not None and not args.scratch:
            from core.training.specialise import keep_the_more_specialised

            progress.update(
                keep_the_more_specialised(args.out, base, indexer, index, args.cluster, data, info)
            )
        store_own_gaussian(args.out, *own_faces(args, sources))
    if not args.json_progress:
        print(f"best validation loss {summary['best']:.4f}; model written to {args.out}")
    return 0


def own_faces(args: argparse.Namespace, sources: list) -> tuple[list | None, str]:
    """What the new model's random faces are to be like: a re-centred cluster model's prior
    (None), or the drawings it was trained on (--sample-like's, when given)."""
    from core.drawings.formats import read_dataset

    if args.sample_like:
        return read_dataset(args.sample_like).drawings(), Path(args.sample_like).name
    if args.cluster is not None and not args.scratch:
        return None, f"the re-centred prior: cluster {args.cluster} of {Path(args.data[0]).name}"
    drawings = [d for _, dataset, _ in sources for d in dataset.drawings()]
    return drawings, " + ".join(name for name, _, _ in sources)


def sample_like_cmd(args: argparse.Namespace) -> int:
    from core.drawings.formats import read_dataset
    from core.training.own_gaussian import store_own_gaussian

    if args.model == "default" or not str(args.model).endswith(".safetensors"):
        raise BadRequest("--model must name a .safetensors file to write into")
    drawings = None if args.prior else read_dataset(args.data).drawings()
    if drawings is not None and sum(not d.is_empty for d in drawings) < 2:
        raise BadRequest(f"{args.data} holds fewer than two drawings to fit a Gaussian on")
    about = "the prior N(0, I)" if args.prior else Path(args.data).name
    store_own_gaussian(args.model, drawings, about)
    print(f"{args.model}: random faces now come from the Gaussian of {about}")
    return 0


def eval_cmd(args: argparse.Namespace) -> int:
    from core.drawings.formats import read_dataset
    from core.model.sketcher import Sketcher
    from core.training.batching import scaled, to_sequences
    from core.training.train import evaluate

    sk = Sketcher.load(args.model, device=args.device)
    ds = read_dataset(args.data)
    drawings = ds.splits["test"] if "test" in ds.splits else ds.drawings()
    seqs = [scaled(s, sk.scale) for s in to_sequences(drawings, sk.config.max_len)]
    if not seqs:
        raise BadRequest(f"{args.data} holds no usable drawings")
    scores = evaluate(sk.model, seqs, sk.device)
    scores["drawings"] = len(seqs)
    if args.json:
        print(json.dumps(scores))
    else:
        print(
            f"{len(seqs)} drawings: reconstruction NLL {scores['recon']:.4f} "
            f"(offsets {scores['offsets']:.4f}, pen {scores['pen']:.4f}), KL {scores['kl']:.4f}"
        )
    return 0


def reconstruct_cmd(args: argparse.Namespace) -> int:
    from core.drawings.formats import read_dataset, write_ndjson
    from core.drawings.metrics import DEFAULT_TRIES, MAX_TRIES
    from core.drawings.render import save_grid
    from core.model.sketcher import DEFAULT_TEMPERATURE, Sketcher

    tries = args.tries if args.tries is not None else DEFAULT_TRIES
    if not 1 <= tries <= MAX_TRIES:
        raise BadRequest(f"--tries must be 1 to {MAX_TRIES}, not {tries}")
    sk = Sketcher.load(args.model, device=args.device)
    drawings = [d for d in read_dataset(args.data).drawings() if not d.is_empty]
    if args.limit:
        drawings = drawings[: args.limit]
    if not drawings:
        raise BadRequest(f"{args.data} holds no drawings")
    temperature = args.temperature if args.temperature is not None else DEFAULT_TEMPERATURE
    out = []
    for start in range(0, len(drawings), 64):
        out += sk.reconstruct(
            drawings[start : start + 64], temperature=temperature, greedy=args.greedy, tries=tries
        )
    for original, redrawn in zip(drawings, out, strict=True):
        redrawn.key = original.key
    if args.out.lower().endswith(".png"):
        pairs = [d for pair in zip(drawings, out, strict=True) for d in pair]
        save_grid(pairs, args.out, columns=8)
    elif args.out.lower().endswith(".ndjson"):
        write_ndjson(out, args.out)
    else:
        raise BadRequest("--out must end in .ndjson or .png")
    print(
        f"reconstructed {len(out)} drawings into {args.out} "
        f"(median {int(np.median([d.num_points for d in out]))} points)"
    )
    return 0
