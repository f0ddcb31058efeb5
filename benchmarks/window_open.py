"""File > Open of a big face file in the window, as a person waits for it: from the moment the
file is chosen to the map of every face painted, with the longest the window froze on the
way (a 5 ms heartbeat) and the process's peak memory; first with an empty cache (cold), then
again in a new process with nothing changed (cached). Each run is a fresh process.

    python -m benchmarks.window_open --data FILE [--clusters 8] [--json]

Then, with the file open, what a person does next: pen-up to the answer painted, faces per
second while dragging the map cursor, and the hover thumbnail (mouse over a face to its
drawing shown) - through `benchmarks.app_speed --data FILE`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def open_once(data: str, home: str, k: int) -> dict:
    """In this process: the window up on the shipped faces, then File > Open of `data`."""
    os.environ["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    os.environ["SKETCHBOOK_HOME"] = home
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from benchmarks.app_speed import Heartbeat, spin_until
    from desktop.app import create_window

    app = QApplication.instance() or QApplication([])
    settings = QSettings(os.path.join(home, "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("clusters", str(k))
    window = create_window(settings=settings)
    window.resize(1320, 900)
    window.show()
    spin_until(app, lambda: window.workspace is not None, 120)
    first = window.workspace
    from core.base.resources import sample_faces_path
    from core.drawings.formats import read_dataset
    from desktop.replay import canvas_points, draw_stroke

    face = read_dataset(sample_faces_path()).drawings()[3]
    pen_ups: list[float] = []
    first_look = None
    with Heartbeat() as beat:
        start = time.perf_counter()
        window.loader.load(
            None, data, keep_model=True
        )  # what File > Open does with the chosen file
        spin_until(app, lambda: window.workspace is not first, 900)
        window.map.viewport().repaint()
        if window.workspace.preview_of is not None:
            first_look = time.perf_counter() - start
            # the person draws while the rest is encoded: pen-up to the answer on screen
            while window.workspace.preview_of is not None and len(pen_ups) < 12:
                window.canvas.clear()
                for stroke in canvas_points(window.canvas, face):
                    draw_stroke(window.canvas, stroke, between=app.processEvents)
                    asked = time.perf_counter()
                    spin_until(
                        app,
                        lambda: (
                            window.service.queue.latest["analyse"]
                            == window.session.shown("analyse")
                        ),
                        120,
                    )
                    pen_ups.append((time.perf_counter() - asked) * 1000)
            spin_until(app, lambda: window.workspace.preview_of is None, 900)
            window.map.viewport().repaint()
        opened = time.perf_counter() - start
    faces = len(window.workspace.index)
    window.close()
    app.processEvents()
    return {
        "faces": faces,
        "open_to_first_look_s": None if first_look is None else round(first_look, 2),
        "open_to_map_painted_s": round(opened, 2),
        "pen_ups_while_loading": len(pen_ups),
        "pen_up_while_loading_median_ms": round(float(np.median(pen_ups)), 1) if pen_ups else None,
        "pen_up_while_loading_max_ms": round(max(pen_ups), 1) if pen_ups else None,
        "longest_stall_ms": round(beat.longest, 1),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def run(data: str, k: int = 8, home: str | None = None) -> dict:
    """Cold then cached, in a fresh `home` (or one given empty, to keep its cache for
    `SKETCHBOOK_BENCH_HOME=home python -m benchmarks.app_speed --data FILE`)."""
    home = home or tempfile.mkdtemp()
    os.makedirs(home, exist_ok=True)
    results = {}
    for name in ("cold", "cached"):
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.window_open",
                "--data",
                data,
                "--clusters",
                str(k),
                "--home",
                home,
                "--once",
            ],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip()[-2000:])
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--clusters", type=int, default=8)
    parser.add_argument("--home", default=None)
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.once:
        print(json.dumps(open_once(args.data, args.home, args.clusters)))
        return
    results = run(args.data, args.clusters, args.home)
    if args.json:
        print(json.dumps(results))
        return
    for name, r in results.items():
        print(f"{name:<7} " + "  ".join(f"{key} {value}" for key, value in r.items()))


if __name__ == "__main__":
    main()
