"""Opening the app on a face file, as a person waits: `sketchbook app --data FILE` launched in a
fresh process, timed from the launch to the window shown, to a first usable map (a sample of
the faces mapped, when the file is big), to every face mapped and painted (the status bar
says how many, with nothing "more coming") and to the model's weights loaded; with the longest the window froze from the moment
it was shown (a 10 ms heartbeat) and the peak memory. The index cache is warmed first by one
launch that is not counted (the budget is for a file opened before), unless --cold.

    python -m benchmarks.launch [--data FILE] [--runs 3] [--cold] [--json]

The child does what `sketchbook app --data FILE` does (desktop.app.main): a QApplication, the
window built by create_window, shown; with its own settings and data folder (SKETCHBOOK_HOME),
so what an earlier session remembered does not change what is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HEARTBEAT_MS = 10


def once(data: str | None, home: str, launched: float) -> dict:
    """In the child: the app's start-up, instrumented from outside the window."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["SKETCHBOOK_HOME"] = home
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from desktop.app import create_window

    settings = QSettings(os.path.join(home, "settings.ini"), QSettings.Format.IniFormat)
    window = create_window(None, data, settings=settings)
    window.show()
    app.processEvents()
    shown = time.time() - launched
    gaps: list[tuple[float, float]] = []  # (ms since the last tick, seconds since launch)
    clock = QElapsedTimer()
    clock.start()

    def tick() -> None:
        gaps.append((clock.restart(), time.time() - launched))

    beat = QTimer(interval=HEARTBEAT_MS)
    beat.timeout.connect(tick)
    beat.start()
    marks: dict[str, float] = {}

    def mapped() -> bool:
        ws = window.workspace
        if ws is not None and "first_map_s" not in marks:
            window.map.viewport().repaint()
            marks["first_map_s"] = time.time() - launched
        return ws is not None and ws.preview_of is None

    deadline = time.monotonic() + 600
    while not mapped():
        if time.monotonic() > deadline:
            raise SystemExit("launch: the map never finished")
        app.processEvents()
        time.sleep(0.001)
    window.map.viewport().repaint()
    marks["all_mapped_s"] = time.time() - launched
    status = window.status.data.text()
    ready = []
    window.ready.connect(lambda: ready.append(time.time() - launched))
    if window.status.device.text().startswith("device: loading"):
        while not ready:  # the weights load after the map is up: still the person's wait
            if time.monotonic() > deadline:
                raise SystemExit("launch: the model never loaded")
            app.processEvents()
            time.sleep(0.001)
        marks["model_loaded_s"] = ready[0]
    else:
        marks["model_loaded_s"] = marks["all_mapped_s"]
    # a few more beats: a stall right after the map is up is still the person's wait
    settle = time.monotonic() + 0.5
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.001)
    beat.stop()
    import resource

    window.close()
    return {
        "shown_s": round(shown, 3),
        **{k: round(v, 3) for k, v in marks.items()},
        "longest_stall_ms": round(max(gaps, default=(0, 0))[0] - HEARTBEAT_MS, 1),
        "longest_stall_ended_s": round(max(gaps, default=(0, 0))[1], 3),
        "status": status,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def launch(data: str | None, home: str) -> dict:
    command = [sys.executable, "-m", "benchmarks.launch", "--once", "--home", home]
    command += ["--data", data] if data else []
    env = {**os.environ, "LAUNCHED_AT": repr(time.time())}
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=Path(__file__).parents[1]
    )
    if done.returncode != 0:
        raise SystemExit(f"launch failed: {done.stderr.strip()[-1500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(data: str | None, runs: int = 3, cold: bool = False) -> dict:
    home = tempfile.mkdtemp(prefix="sketchbook-launch-")
    warm_up = None if cold else launch(data, home)  # fills the index cache; not counted
    results = []
    for _ in range(runs):
        if cold:
            home = tempfile.mkdtemp(prefix="sketchbook-launch-")
        results.append(launch(data, home))
    summary = {
        key: round(float(np.median([r[key] for r in results])), 3)
        for key in ("shown_s", "first_map_s", "all_mapped_s", "model_loaded_s", "longest_stall_ms")
    }
    summary["worst_all_mapped_s"] = max(r["all_mapped_s"] for r in results)
    summary["worst_stall_ms"] = max(r["longest_stall_ms"] for r in results)
    summary["peak_memory_mb"] = max(r["peak_memory_mb"] for r in results)
    return {
        "data": data or "the shipped faces",
        "cache": "cold" if cold else "warm",
        "summary": summary,
        "runs": results,
        "warm_up": warm_up,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=None, help="default: the shipped faces")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--cold", action="store_true", help="an empty cache each launch")
    p.add_argument("--json", action="store_true")
    p.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--home", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.once:
        print(json.dumps(once(args.data, args.home, float(os.environ["LAUNCHED_AT"]))))
        return
    result = run(args.data, args.runs, args.cold)
    if args.json:
        print(json.dumps(result))
        return
    s = result["summary"]
    print(
        f"{result['data']} ({result['cache']} cache), median of {len(result['runs'])}: "
        f"shown {s['shown_s']} s, first map {s['first_map_s']} s, every face mapped "
        f"{s['all_mapped_s']} s (worst {s['worst_all_mapped_s']} s), model loaded "
        f"{s['model_loaded_s']} s, longest stall "
        f"{s['longest_stall_ms']} ms (worst {s['worst_stall_ms']} ms), peak {s['peak_memory_mb']} MB"
    )


if __name__ == "__main__":
    main()
