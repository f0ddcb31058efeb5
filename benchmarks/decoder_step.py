"""The decoder's cost per sampled point, as shipped (the TorchScript loop) and with ONNX Runtime
running the same step (exported from the same weights), at batch 1 on one thread, with a check
that both draw the same face from the same z and random numbers.

    python -m benchmarks.decoder_step [--model M | --preset default] [--faces 20] [--json]

ONNX Runtime is not a dependency of the app: `pip install onnxruntime onnx` to measure it
(without it only the shipped loop is measured). Earlier alternatives (a numpy loop,
`torch.compile`, `torch.lstm_cell`) are in the README's live-loop section.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import time

import numpy as np
import torch

from benchmarks.errors import run_main
from benchmarks.machine_speed import lstm_step_us
from core.model.network import (
    PEN_TEMPERATURE_FLOOR,
    PRESETS,
    DecoderStepper,
    SketchRNN,
    _step_weights,
)
from core.model.sketcher import Sketcher
from core.session.requests import WALK_TEMPERATURE


class OneStep(torch.nn.Module):
    """`core.model.network._generate_steps`'s body for one sampled step at batch 1 with shared noise:
    the same arithmetic, as a graph an exporter can take."""

    def __init__(self, model: SketchRNN, z: torch.Tensor, temperature: float) -> None:
        super().__init__()
        stepper = DecoderStepper(model, z)
        self.w_point, self.w_hh, self.head_w = (w.clone() for w in _step_weights(model))
        self.constant, self.head_b = stepper.constant.clone(), model.head.bias.detach().clone()
        self.h0, self.c0 = stepper.h.clone(), stepper.c.clone()
        self.m, self.size = model.config.num_mixtures, stepper.h.shape[1]
        self.t = max(temperature, 1e-3)
        self.pen_t = max(temperature, PEN_TEMPERATURE_FLOOR)

    def forward(self, point, h, c, noise):
        size, m = self.size, self.m
        gates = self.constant + point @ self.w_point + h @ self.w_hh
        sig = torch.sigmoid(gates)
        c = sig[:, size : 2 * size] * c + sig[:, :size] * torch.tanh(gates[:, 2 * size : 3 * size])
        h = sig[:, 3 * size :] * torch.tanh(c)
        params = h @ self.head_w + self.head_b
        per_mixture = params[:, m : 6 * m].reshape(1, 5, m)
        cdf = torch.cumsum(torch.softmax(params[:, :m] / self.t, 1), 1)
        k = (cdf < noise[:, 0:1]).sum(1).clamp(max=m - 1)
        pen_cdf = torch.cumsum(torch.softmax(params[:, 6 * m :] / self.pen_t, 1), 1)
        pen = (pen_cdf < noise[:, 1:2]).sum(1).clamp(max=2)
        chosen = torch.gather(per_mixture, 2, k.reshape(1, 1, 1).expand(1, 5, 1)).reshape(1, 5)
        sigma = chosen[:, 2:4].clamp(-6.0, 4.0).exp() * math.sqrt(self.t)
        r = torch.tanh(chosen[:, 4:5]) * 0.999
        first = noise[:, 2:3]
        correlated = torch.cat([first, r * first + torch.sqrt(1 - r * r) * noise[:, 3:4]], 1)
        offsets = chosen[:, 0:2] + sigma * correlated
        pens = torch.arange(3).reshape(1, 3)
        rows = torch.cat([offsets, (pen.reshape(1, 1) == pens).float()], 1)
        return rows, h, c


def onnx_session(step: OneStep):
    """The step exported to ONNX and loaded into ONNX Runtime on one thread."""
    import onnxruntime as ort

    buffer = io.BytesIO()
    example = (torch.zeros(1, 5), step.h0, step.c0, torch.zeros(1, 4))
    torch.onnx.export(
        step, example, buffer, input_names=["point", "h", "c", "noise"],
        output_names=["rows", "h_out", "c_out"], dynamo=False, opset_version=17,
    )  # fmt: skip
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(buffer.getvalue(), options, providers=["CPUExecutionProvider"])


def onnx_face(session, step: OneStep, noise: np.ndarray, limit: int) -> np.ndarray:
    """Rows of one face, the step run by ONNX Runtime and the loop in Python."""
    point = np.array([[0, 0, 1, 0, 0]], np.float32)
    h, c = step.h0.numpy(), step.c0.numpy()
    rows = []
    for i in range(limit):
        point, h, c = session.run(None, {"point": point, "h": h, "c": c, "noise": noise[i]})
        rows.append(point[0])
        if point[0, 4] == 1:
            break
    return np.array(rows)


def shipped_face(sketcher: Sketcher, z: torch.Tensor, noise: torch.Tensor, limit: int):
    """Rows of one face from the shipped TorchScript loop, given its random numbers."""
    stepper = DecoderStepper(sketcher.model, z)
    start = torch.zeros(1, 5)
    start[0, 2] = 1.0
    return torch.cat(list(stepper.chunks(start, noise, WALK_TEMPERATURE, limit)), 1)[0].numpy()


def measure(model: str | None, faces: int, preset: str | None = None) -> dict:
    torch.set_num_threads(1)
    if preset:  # speed only: untrained weights of that size (both ways draw the same faces)
        torch.manual_seed(0)
        sketcher = Sketcher(SketchRNN(PRESETS[preset]), scale=1.0)
    else:
        sketcher = Sketcher.load(model, device="cpu")
    rng = np.random.default_rng(0)
    z_size, limit = sketcher.config.z_size, 120
    results: dict = {"machine_lstm_step_us": lstm_step_us(), "faces": faces}
    shipped_us, onnx_us, same = [], [], []
    session = None
    with torch.inference_mode():
        for _ in range(faces):
            z = torch.from_numpy(rng.standard_normal((1, z_size)).astype(np.float32))
            noise = np.concatenate(
                [rng.random((limit, 1, 2)), rng.standard_normal((limit, 1, 2))], 2
            ).astype(np.float32)
            start = time.perf_counter()
            rows = shipped_face(sketcher, z, torch.from_numpy(noise), limit)
            shipped_us.append((time.perf_counter() - start) * 1e6 / len(rows))
            try:
                step = OneStep(sketcher.model, z, WALK_TEMPERATURE)
                session = onnx_session(step)
            except ImportError:
                continue
            start = time.perf_counter()
            other = onnx_face(session, step, noise, limit)
            onnx_us.append((time.perf_counter() - start) * 1e6 / len(other))
            same.append(len(other) == len(rows) and np.allclose(other, rows, atol=1e-3))
    results["shipped_torchscript_us_per_point"] = round(float(np.median(shipped_us)), 1)
    if onnx_us:
        results["onnx_runtime_us_per_point"] = round(float(np.median(onnx_us)), 1)
        results["onnx_same_faces"] = f"{sum(same)} of {len(same)}"
    else:
        results["onnx_runtime"] = "not installed (pip install onnxruntime onnx)"
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="a model file (default: the shipped one)")
    parser.add_argument("--faces", type=int, default=20)
    parser.add_argument(
        "--preset", default=None, help="measure this size with untrained weights (e.g. default)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = measure(args.model, args.faces, args.preset)
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:36s} {value}")


if __name__ == "__main__":
    run_main(main)
