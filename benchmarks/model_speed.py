"""Model speed on this machine: encode and decode latency at batch 1 for a typical real face,
decode throughput at batch 16, and training sketches per second, including the same training
step at sketch-rnn's reference sizes in a plain per-step LSTMCell loop, so the gain of the fused
LSTM is a ratio measured in one run.

    python -m benchmarks.model_speed [--model default] [--json]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch
from torch import nn

from benchmarks.errors import run_main
from core.base.resources import sample_faces_path
from core.drawings.faces import generate_faces
from core.drawings.formats import Dataset, read_dataset
from core.drawings.model_input import model_sequence
from core.model.network import PRESETS, ModelConfig, SketchRNN, reconstruction_loss
from core.model.sketcher import Sketcher
from core.training.batching import Batches, build_train_data


def timed(fn, repeats: int, warmup: int = 3) -> np.ndarray:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return np.array(out) * 1000


def stats(ms: np.ndarray) -> dict[str, float]:
    return {
        "median_ms": round(float(np.median(ms)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
    }


class LoopSketchRNN(SketchRNN):
    """The same model, run as most hand-written sketch-rnn ports do: one LSTMCell call per
    point, in Python, for both encoder directions and the decoder."""

    def __init__(self, config: ModelConfig):
        super().__init__(config)
        self.enc_fw = nn.LSTMCell(5, config.enc_size)
        self.enc_bw = nn.LSTMCell(5, config.enc_size)
        self.dec_cell = nn.LSTMCell(5 + config.z_size, config.dec_size)

    def forward(self, batch, lengths, sample=True):
        targets = batch[:, 1:]
        b, t, _ = targets.shape
        c = self.config
        hf = cf = hb = cb = targets.new_zeros(b, c.enc_size)
        for i in range(t):
            hf, cf = self.enc_fw(targets[:, i], (hf, cf))
            hb, cb = self.enc_bw(targets[:, t - 1 - i], (hb, cb))
        h = torch.cat([hf, hb], 1)
        mu, presig = self.to_mu(h), self.to_presig(h)
        z = mu + torch.exp(presig / 2) * torch.randn_like(mu)
        hd, cd = (s[0] for s in self.initial_state(z))
        outs = []
        inputs = batch[:, :-1]
        for i in range(inputs.shape[1]):
            hd, cd = self.dec_cell(torch.cat([inputs[:, i], z], 1), (hd, cd))
            outs.append(hd)
        params = self.head(torch.stack(outs, 1))
        offsets, pen = reconstruction_loss(params, targets, lengths, c.num_mixtures)
        kl = -0.5 * torch.mean(1 + presig - mu.pow(2) - presig.exp())
        return {"offsets": offsets, "pen": pen, "kl": kl}


def training_rate(model: SketchRNN, batches: Batches, steps: int = 6) -> float:
    """Sketches per second over `steps` full optimiser steps (after two warm-up steps)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    model.train()

    def one(step: int) -> None:
        batch, lengths = batches.get(step, (0.15, 0.1))
        parts = model(torch.from_numpy(batch), torch.from_numpy(lengths))
        loss = parts["offsets"] + parts["pen"] + parts["kl"]
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for step in range(2):
        one(step)
    start = time.perf_counter()
    for step in range(2, 2 + steps):
        one(step)
    return steps * batches.batch_size / (time.perf_counter() - start)


def run(model_path: str = "default") -> dict:
    torch.manual_seed(0)
    sketcher = Sketcher.load(model_path, device="cpu")
    real = read_dataset(sample_faces_path()).drawings()
    lengths = np.array([len(model_sequence(d, 1.0, 250)) for d in real])
    typical = real[int(np.argsort(lengths)[len(lengths) // 2])]
    results: dict = {
        "threads": torch.get_num_threads(),
        "typical_face_points": int(np.median(lengths)),
    }
    results["encode_batch1"] = stats(timed(lambda: sketcher.encode([typical]), 100))
    z, _ = sketcher.encode([typical])
    results["decode_60_points_batch1"] = stats(timed(lambda: sketcher.decode(z, max_len=60), 40))
    results["reconstruct_batch1"] = stats(timed(lambda: sketcher.reconstruct([typical]), 40))
    results["reconstruct_points"] = sketcher.reconstruct([typical])[0].num_points
    z16 = np.random.default_rng(0).standard_normal((16, sketcher.config.z_size)).astype(np.float32)
    ms = timed(lambda: sketcher.decode(z16, temperature=0.3, max_len=100), 8, warmup=1)
    results["decode_batch16_faces_per_s"] = round(16 / (np.median(ms) / 1000), 1)

    faces = Dataset({"all": generate_faces(1200, seed=5)}, "procedural")
    for name, config, cls in (
        ("train_small_fused", PRESETS["small"], SketchRNN),
        ("train_reference_fused", PRESETS["default"], SketchRNN),
        ("train_reference_lstmcell_loop", PRESETS["default"], LoopSketchRNN),
    ):
        data = build_train_data([("p", faces, 1)], config.max_len)
        torch.manual_seed(0)
        rate = training_rate(
            cls(config), Batches(data.train, 100, seed=0), steps=3 if "loop" in name else 6
        )
        results[f"{name}_sketches_per_s"] = round(rate, 1)
    results["fused_over_loop"] = round(
        results["train_reference_fused_sketches_per_s"]
        / results["train_reference_lstmcell_loop_sketches_per_s"],
        2,
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.model)
    if args.json:
        print(json.dumps(results))
        return
    for key, value in results.items():
        print(f"{key:<44} {value}")


if __name__ == "__main__":
    run_main(main)
