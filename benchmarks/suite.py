"""The whole benchmark suite in one table, beside DESIGN.md's budgets: each benchmark runs in its
own process (so one's memory never counts against another, and its peak is measured), and the
table says plainly which budgets are met and which are missed.

    sketchbook bench [--json] [--quick]     (or: python -m benchmarks.suite)
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    what: str
    value: str
    budget: str
    met: bool | None  # None: reported, no budget


def run_benchmark(module: str, *arguments: str) -> tuple[dict, float, float]:
    """(its JSON result, its peak memory in MB, its wall seconds)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", f"benchmarks.{module}", *arguments, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=CHECKOUT,  # so `-m benchmarks.NAME` is found however the suite was started
    )
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"benchmarks.{module} failed with exit code {child.returncode}")
    last = [line for line in out.splitlines() if line.startswith("{")][-1]
    return json.loads(last), usage.ru_maxrss / 1024, time.perf_counter() - start


def index_rows(index: dict) -> list[Row]:
    """`sketchbook index` of each ndjson size: cold against 1.3x the encoder's floor measured
    in the same run, unchanged against 1 s (up to 70,000 faces) or 1.5 s."""
    rows = []
    for r in index["rows"]:
        n, limit = r["drawings"], (1.0 if r["drawings"] <= 70_000 else 1.5)
        rows += [
            Row(
                f"`sketchbook index` of {n:,} faces (ndjson), cold (floor {r['floor_s']} s)",
                f"{r['cold_s']} s ({r['cold_over_floor']}x floor)",
                "<= 1.3x floor",
                r["cold_over_floor"] <= 1.3,
            ),
            Row(
                f"the same, file unchanged ({n:,} faces)",
                f"{r['unchanged_s']} s",
                f"<= {limit} s",
                r["unchanged_s"] <= limit,
            ),
        ]
    return rows


def collect(quick: bool = False, grid: str | None = None) -> tuple[list[Row], dict]:
    """Run every benchmark; `grid`: also save the retrained models' random faces there."""
    raw: dict = {}
    peaks: dict[str, float] = {}
    for module, arguments in (
        ("app_speed", ["--faces", "10" if quick else "30"]),
        (
            "index_speed",
            ["--formats", "ndjson", "--sizes", *(["7000"] if quick else ["70000", "160000"])],
        ),
        ("model_speed", []),
        ("launch", ["--runs", "1" if quick else "3"]),
        ("retrain_stall", []),
        ("input_flood", ["--seconds", "10" if quick else "30"]),
        ("specialise", (["--only", "1"] if quick else []) + (["--grid", grid] if grid else [])),
    ):
        print(f"running benchmarks.{module}...", file=sys.stderr, flush=True)
        raw[module], peaks[module], _ = run_benchmark(module, *arguments)
    app, index, model = raw["app_speed"], raw["index_speed"], raw["model_speed"]
    retrain, special, flood = raw["retrain_stall"], raw["specialise"], raw["input_flood"]
    launch = raw["launch"]["summary"]
    # the lower of the two ways a person takes random faces: the command line and the window
    shares = [min(r["cli_share"], r.get("window_share", 1.0)) for r in special["rows"]]
    warm = [min(r["cli_share_warm"], r.get("window_share_warm", 1.0)) for r in special["rows"]]
    longest_stall = max(
        app["stall_while_drawing_ms"],
        app["stall_while_dragging_ms"],
        retrain["stall_training_idle_ms"],
        retrain["stall_training_and_drawing_ms"],
    )
    rows = [
        Row(
            "pen-up to reconstruction (first points), cluster and marker painted (median / p95)",
            f"{app['pen_up_to_painted_median_ms']} / {app['pen_up_to_painted_p95_ms']} ms",
            "p95 <= 33 ms",
            app["pen_up_to_painted_p95_ms"] <= 33,
        ),
        Row(
            "pen-up to the whole reconstruction decoded and in the view (median / p95)",
            f"{app['pen_up_to_whole_reconstruction_median_ms']} / "
            f"{app['pen_up_to_whole_reconstruction_p95_ms']} ms",
            "-",
            None,
        ),
        Row(
            f"pen-up to the nearest of all {app['tries']} tries in the view (median / p95)",
            f"{app['pen_up_to_all_tries_median_ms']} / {app['pen_up_to_all_tries_p95_ms']} ms",
            "-",
            None,
        ),
        Row(
            "faces per second while dragging the map",
            f"{app['drag_faces_per_s']}",
            ">= 30",
            app["drag_faces_per_s"] >= 30,
        ),
        Row(
            "window shown after launch",
            f"{app['window_shown_after_launch_s']} s",
            "<= 1.5 s",
            app["window_shown_after_launch_s"] <= 1.5,
        ),
        Row(
            "sketchbook app on the shipped faces (cache warm): launch to every face mapped "
            "(median / worst)",
            f"{launch['all_mapped_s']} / {launch['worst_all_mapped_s']} s",
            "<= 1.5 s",
            launch["worst_all_mapped_s"] <= 1.5,
        ),
        Row(
            "the same: longest stall once the window is shown, until the model is loaded",
            f"{launch['worst_stall_ms']} ms",
            "<= 50 ms",
            launch["worst_stall_ms"] <= 50,
        ),
        *index_rows(index),
        Row(
            "training, small preset (sketches/s)",
            f"{model['train_small_fused_sketches_per_s']}",
            "-",
            None,
        ),
        Row(
            "retrain on a cluster, click to new model loaded",
            f"{retrain['retrain_click_to_loaded_s']} s",
            "<= 300 s",
            retrain["retrain_click_to_loaded_s"] <= 300,
        ),
        Row(
            f"retrained model's default random faces in its cluster, T=0.3 (CLI and window, "
            f"min over {len(shares)} clusters)",
            f"{min(shares):.0%}",
            ">= 85%",
            min(shares) >= 0.85,
        ),
        Row(
            f"the same at T=0.5 (min over {len(warm)} clusters)",
            f"{min(warm):.0%}",
            ">= 70%",
            min(warm) >= 0.7,
        ),
        Row(
            "longest UI stall (drawing, dragging, while training)",
            f"{longest_stall} ms",
            "<= 50 ms",
            longest_stall <= 50,
        ),
        Row(
            f"input flood, {flood['events_per_s_delivered']} pen events/s: longest stall",
            f"{flood['flood_stall_ms']} ms (queue at most {flood['longest_queue']})",
            "<= 50 ms",
            flood["flood_stall_ms"] <= 50,
        ),
        Row(
            "a 100,000-point stroke: pen-up to answer",
            f"{flood['long_stroke_answer_ms']} ms",
            "-",
            None,
        ),
        Row("memory growth over the flood", f"{flood['memory_growth_mb']} MB", "bounded", None),
        Row("peak memory (largest benchmark process)", f"{max(peaks.values()):.0f} MB", "-", None),
        Row(
            "machine speed: one LSTM step, hidden 384, batch 1 (before / after the live runs)",
            f"{app['machine_lstm_step_us_before']} / {app['machine_lstm_step_us_after']} us",
            "-",
            None,
        ),
    ]
    raw["peak_memory_mb"] = {k: round(v) for k, v in peaks.items()}
    return rows, raw


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{platform.system()} {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def table(rows: list[Row]) -> str:
    lines = [f"Machine: {machine()}", "", "| what | measured | budget | |", "|---|---|---|---|"]
    for r in rows:
        verdict = "" if r.met is None else ("met" if r.met else "**missed**")
        lines.append(f"| {r.what} | {r.value} | {r.budget} | {verdict} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="smaller runs, one cluster")
    parser.add_argument("--grid", default=None, help="PNG of the retrained models' faces")
    args = parser.parse_args(argv)
    rows, raw = collect(args.quick, args.grid and str(Path(args.grid).resolve()))
    if args.json:
        print(json.dumps({"machine": machine(), "rows": [r.__dict__ for r in rows], "raw": raw}))
    else:
        print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
