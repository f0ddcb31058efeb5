"""How fast this machine is right now, in the work the live loop does: the time of one step of
a decoder-sized LSTM cell at batch 1 on one thread (small matmuls, where per-op dispatch counts
as much as arithmetic). Measured inside every run of the live benchmarks, before and after, so
figures from different runs or machines can be compared as ratios: on one day here the same
code's decoder loop took 223 to 379 us a step from one run to the next.

    python -m benchmarks.machine_speed
"""

from __future__ import annotations

import time

import torch

HIDDEN = 384  # the shipped decoder's size
STEPS = 2000


def lstm_step_us(repeats: int = 5) -> float:
    """Median microseconds of one fused LSTM-cell step at batch 1, one thread (fixed seed)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        gen = torch.Generator().manual_seed(0)
        cell = torch.nn.LSTMCell(HIDDEN + 5, HIDDEN)
        x = torch.randn(1, HIDDEN + 5, generator=gen)
        h = c = torch.zeros(1, HIDDEN)
        times = []
        with torch.inference_mode():
            for _ in range(repeats):
                start = time.perf_counter()
                for _ in range(STEPS):
                    h, c = cell(x, (h, c))
                times.append((time.perf_counter() - start) / STEPS * 1e6)
        return round(sorted(times)[len(times) // 2], 1)
    finally:
        torch.set_num_threads(threads)


if __name__ == "__main__":
    print(f"one LSTM step (hidden {HIDDEN}, batch 1, one thread): {lstm_step_us()} us")
