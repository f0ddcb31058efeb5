"""One training loop, three faces: the CLI's progress bar, its JSON lines, and the desktop's
child process all listen to the same `train(...)` through a callback.

Checkpoints are safetensors (weights and optimizer moments) plus a JSON state file, all written
atomically; resuming replays the same data order and noise, so a killed run that resumes ends
where an uninterrupted one would. A non-finite loss or gradient skips its batch, never reaching
the weights.
"""

from __future__ import annotations

import gc
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from core.base.atomic import atomic_write_bytes, atomic_write_text
from core.base.errors import BadRequest
from core.drawings.strokes import pad_stroke5, stroke3_to_stroke5
from core.model.modelfile import save_model
from core.model.network import ModelConfig, SketchRNN
from core.training.batching import Batches
from core.training.train_data import TrainData

Event = dict
Callback = Callable[[Event], None]


@dataclass
class TrainSettings:
    """How long and how fast; everything that is not the architecture."""

    steps: int = 20000
    batch_size: int = 100
    lr: float = 1e-3
    lr_min: float = 1e-5
    lr_decay: float = 0.9999
    grad_clip: float = 1.0
    eval_every: int = 250
    checkpoint_every: int = 250
    log_every: int = 10
    seed: int = 0
    kl_full_from_start: bool = False  # fine-tuning keeps the KL term at full weight
    # "best": the output is the step with the lowest validation loss; "last": the run's final
    # step (the validation loss averages every source, and a lever may be judged otherwise)
    keep: str = "best"
    # from this step on, the model validated and written is the running mean of the weights
    # after every step (stochastic weight averaging): one late step's swing no longer decides
    average_from: int | None = None
    # with average_from: an exponential moving average with this decay per step instead of the
    # plain mean (0.999 weighs about the last 1,000 steps); the README has what either is worth
    average_decay: float | None = None


class Checkpoint:
    """The files of a run beside its output model: MODEL.last.safetensors (latest weights),
    MODEL.optim.safetensors (Adam moments), MODEL.state.json (step, best loss, history) and,
    when the run averages its weights, MODEL.average.safetensors (the running mean so far).
    The weight files are complete model files, so the app and the benchmarks open the last
    step of a run (not only its best validation) as they open any model."""

    def __init__(self, out: Path):
        self.out = out
        stem = out.with_suffix("")
        self.weights = Path(f"{stem}.last.safetensors")
        self.optim = Path(f"{stem}.optim.safetensors")
        self.state = Path(f"{stem}.state.json")
        self.average = Path(f"{stem}.average.safetensors")

    def exists(self) -> bool:
        return self.weights.exists() and self.optim.exists() and self.state.exists()

    def write(
        self,
        model: SketchRNN,
        optimizer: torch.optim.Optimizer,
        state: dict,
        data: TrainData,
        info: dict,
        averaged: AveragedModel | None = None,
    ) -> None:
        last = {**info, "step": state["step"], "checkpoint": True}
        save_model(model, self.weights, data.scale, data.description, last)
        if averaged is not None and state["averaged"]:
            mean = {**last, "averaged_steps": state["averaged"]}
            save_model(averaged.module, self.average, data.scale, data.description, mean)
        moments = {}
        for i, s in optimizer.state_dict()["state"].items():
            for name, value in s.items():
                moments[f"{i}.{name}"] = torch.as_tensor(value).detach().cpu().contiguous()
        atomic_write_bytes(self.optim, save(moments))
        atomic_write_text(self.state, json.dumps(state))  # last: it marks the set complete

    def read(
        self,
        model: SketchRNN,
        optimizer: torch.optim.Optimizer,
        averaged: AveragedModel | None = None,
    ) -> dict:
        state = json.loads(self.state.read_text())
        state.setdefault("averaged", 0)  # a checkpoint from before averaging existed
        model.load_state_dict(load_file(str(self.weights)))
        if averaged is not None and state["averaged"]:
            if not self.average.exists():
                raise BadRequest(f"--resume: {self.average.name} is missing: the mean is lost")
            averaged.module.load_state_dict(load_file(str(self.average)))
            averaged.n_averaged.fill_(state["averaged"])
        moments = load_file(str(self.optim))
        opt_state = optimizer.state_dict()
        restored: dict[int, dict] = {}
        for key, value in moments.items():
            i, name = key.split(".", 1)
            restored.setdefault(int(i), {})[name] = value
        opt_state["state"] = restored
        optimizer.load_state_dict(opt_state)
        return state

    def remove(self) -> None:
        for p in (self.weights, self.optim, self.state, self.average):
            p.unlink(missing_ok=True)


AUX_LOSSES = ("picture", "identity")  # training-only terms the model may add to its parts


def load_init(model: SketchRNN, init: SketchRNN) -> None:
    """`init`'s weights into `model`; a training-only head `init` lacks (a picture head added
    by this run's settings) starts fresh, and one `model` does not use is left out."""
    ours = model.state_dict()
    theirs = {k: v for k, v in init.state_dict().items() if k in ours}
    missing = [k for k in ours if k not in theirs]
    if any(not k.startswith("picture.") for k in missing):
        raise BadRequest(f"--init's model lacks {missing[0]}: not the same architecture")
    model.load_state_dict(theirs, strict=False)


def kl_weight_at(step: int, config: ModelConfig, full: bool) -> float:
    """sketch-rnn's annealing: from kl_weight_start up to kl_weight, geometrically."""
    if full:
        return config.kl_weight
    start = config.kl_weight_start
    return config.kl_weight * (1 - (1 - start) * config.kl_decay_rate**step)


def lr_at(step: int, s: TrainSettings) -> float:
    return (s.lr - s.lr_min) * s.lr_decay**step + s.lr_min


@torch.no_grad()
def evaluate(
    model: SketchRNN, sequences: list[np.ndarray], device: torch.device, batch_size: int = 100
) -> dict:
    """Reconstruction NLL (offsets, pen) and KL, averaged per drawing, with z = mu."""
    was_training = model.training
    model.eval()
    totals = {"offsets": 0.0, "pen": 0.0, "kl": 0.0}
    order = np.argsort([len(s) for s in sequences])
    for start in range(0, len(order), batch_size):
        seqs = [stroke3_to_stroke5(sequences[i]) for i in order[start : start + batch_size]]
        batch, lengths = pad_stroke5(seqs)
        parts = model(
            torch.from_numpy(batch).to(device), torch.from_numpy(lengths).to(device), sample=False
        )
        for k in totals:
            totals[k] += float(parts[k]) * len(seqs)
    model.train(was_training)
    n = max(1, len(sequences))
    out = {k: v / n for k, v in totals.items()}
    out["recon"] = out["offsets"] + out["pen"]
    return out


def _distributed() -> tuple[int, int]:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not torch.distributed.is_initialized():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        torch.distributed.init_process_group(backend)
    rank = torch.distributed.get_rank() if world > 1 else 0
    return rank, world


def train(
    config: ModelConfig,
    data: TrainData,
    out: str | Path,
    settings: TrainSettings,
    device: torch.device,
    callback: Callback | None = None,
    init: SketchRNN | None = None,
    resume: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
    info: dict | None = None,
) -> dict:
    """Train, validating and checkpointing as it goes; the best model by validation loss is
    written to `out`. Returns the final summary event. Runs under torchrun too (DDP)."""
    out = Path(out)
    rank, world = _distributed()
    emit = callback if (callback and rank == 0) else (lambda e: None)
    if len(data.train) < settings.batch_size * world:
        if len(data.train) < 2:
            raise BadRequest(f"only {len(data.train)} usable drawings: too few to train on")
        settings.batch_size = max(1, len(data.train) // world)
    if device.type == "cuda":
        device = torch.device("cuda", rank % torch.cuda.device_count())
    torch.manual_seed(settings.seed)  # the initial weights, the same on every rank
    model = SketchRNN(config)
    if init is not None:
        load_init(model, init)
    model.to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.lr)
    ckpt = Checkpoint(out)
    # only rank 0 validates and writes, so only it keeps the mean
    averaged = None
    if settings.average_from is not None and rank == 0:
        decay = settings.average_decay
        averaged = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay) if decay else None)
    state = {"step": 0, "best": math.inf, "skipped": 0, "history": [], "averaged": 0}
    if resume:
        if not ckpt.exists():
            raise BadRequest(f"--resume: no checkpoint beside {out} to resume from")
        state = ckpt.read(model, optimizer, averaged)
        emit({"event": "resumed", "step": state["step"]})

    def average_in() -> None:
        if averaged is not None and step >= settings.average_from:
            averaged.update_parameters(model)
            state["averaged"] = int(averaged.n_averaged)

    trainer: torch.nn.Module = model
    if world > 1:
        trainer = torch.nn.parallel.DistributedDataParallel(model)
    batches = Batches(data.train, settings.batch_size, settings.seed, rank, world)
    augment = (config.random_scale, config.point_drop)
    meta = {**(info or {}), "settings": asdict(settings)}
    started, sketches = time.perf_counter(), 0
    step = state["step"]
    emit(
        {
            "event": "start",
            "step": step,
            "steps": settings.steps,
            "train": len(data.train),
            "valid": {k: len(v) for k, v in data.valid.items()},
            "device": str(device),
            "world": world,
        }
    )

    def validate_and_save(final: bool = False) -> None:
        if rank != 0:
            return
        in_mean = state["averaged"] if averaged is not None else 0  # steps the mean holds
        shipped = averaged.module if in_mean else model
        scores = {
            name: evaluate(shipped, seqs, device) for name, seqs in data.valid.items() if seqs
        }
        kl_w = config.kl_weight
        losses = [s["recon"] + kl_w * max(s["kl"], config.kl_tolerance) for s in scores.values()]
        loss = float(np.mean(losses)) if losses else math.nan
        improved = bool(losses) and loss < state["best"]
        if improved or not losses:
            state["best"] = loss if losses else state["best"]
        if improved or not losses or final:
            kept = {**meta, "step": step, "valid": scores, "valid_loss": loss}
            if in_mean:
                kept["averaged_steps"] = in_mean
            save_model(shipped, out, data.scale, data.description, kept)
        state["history"].append({"step": step, "valid_loss": loss})
        emit(
            {
                "event": "eval",
                "step": step,
                "valid_loss": loss,
                "best": state["best"],
                "improved": improved,
                "valid": scores,
                "averaged_steps": in_mean,
            }
        )

    keep_last, first_step = settings.keep == "last", step
    if not state["averaged"]:  # a mean that starts here counts this step's weights too
        average_in()
    while step < settings.steps:
        if should_stop():
            emit({"event": "stopped", "step": step})
            break
        lr = lr_at(step, settings)
        for group in optimizer.param_groups:
            group["lr"] = lr
        kl_w = kl_weight_at(step, config, settings.kl_full_from_start)
        batch, lengths, view = batches.get_with_encoder_view(
            step, augment, config.stroke_order_shuffle
        )
        torch.manual_seed(settings.seed * 1_000_003 + step * 31 + rank)
        inputs = (torch.from_numpy(batch).to(device), torch.from_numpy(lengths).to(device))
        if view is None:  # the plain call: DDP then sees the same inputs as before the lever
            parts = trainer(*inputs)
        else:
            parts = trainer(*inputs, encoder_view=torch.from_numpy(view).to(device))
        recon = parts["offsets"] + parts["pen"]
        pulls = {k: v for k, v in parts.items() if k in AUX_LOSSES}
        loss = recon + kl_w * torch.clamp(parts["kl"], min=config.kl_tolerance)
        loss = loss + sum(pulls.values())
        optimizer.zero_grad(set_to_none=True)
        finite = bool(torch.isfinite(loss))
        if finite:
            loss.backward()
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), settings.grad_clip)
            finite = bool(torch.isfinite(norm))
        if finite:
            optimizer.step()
        else:
            state["skipped"] += 1
            emit(
                {
                    "event": "warning",
                    "step": step,
                    "message": f"non-finite loss or gradient at step {step}: batch skipped",
                }
            )
        step += 1
        state["step"] = step
        average_in()
        sketches += len(batch) * world
        if step % settings.log_every == 0 or step == settings.steps:
            now = time.perf_counter()
            emit(
                {
                    "event": "step",
                    "step": step,
                    "steps": settings.steps,
                    "loss": float(loss.detach()),
                    "offsets": float(parts["offsets"].detach()),
                    "pen": float(parts["pen"].detach()),
                    "kl": float(parts["kl"].detach()),
                    **{k: float(v.detach()) for k, v in pulls.items()},
                    "kl_weight": kl_w,
                    "lr": lr,
                    "sketches_per_s": sketches / max(now - started, 1e-9),
                    "elapsed": now - started,
                }
            )
        if step % settings.eval_every == 0 or step == settings.steps:
            validate_and_save(final=keep_last and step == settings.steps)
        if rank == 0 and (step % settings.checkpoint_every == 0 or step == settings.steps):
            ckpt.write(model, optimizer, state, data, meta, averaged)
    if keep_last and step == first_step >= settings.steps:  # resumed at its end: no step ran
        validate_and_save(final=True)
    elif not out.exists():
        validate_and_save()
    summary = {
        "event": "done",
        "step": step,
        "best": state["best"],
        "skipped": state["skipped"],
        "elapsed": time.perf_counter() - started,
        "out": str(out),
    }
    if world > 1:
        summary["replicas_in_sync"] = _replicas_in_sync(model)
    emit(summary)
    if world > 1:  # leave together and tear the group down, or gloo may abort at exit
        del trainer  # DDP's reducer holds gloo work; freed after the group is gone, it can abort
        gc.collect()
        torch.distributed.barrier()
        torch.distributed.destroy_process_group()
    return summary


def _replicas_in_sync(model: SketchRNN) -> bool:
    """True when every rank ends with the same weights: one shared model, not N private ones."""
    flat = torch.cat([p.detach().flatten() for p in model.parameters()]).double()
    checksum = torch.stack([flat.sum(), flat.abs().sum()])  # on the model's device, for nccl too
    gathered = [torch.zeros_like(checksum) for _ in range(torch.distributed.get_world_size())]
    torch.distributed.all_gather(gathered, checksum)
    return all(torch.equal(g, gathered[0]) for g in gathered)
