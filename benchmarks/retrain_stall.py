"""Does the window stay live while a model retrains? Starts "Retrain on cluster" in the app
(the quick preset, as from the menu) and measures the longest event-loop stall (a 5 ms heartbeat)
while the run goes on: first with the person idle, then drawing real faces stroke by stroke.
Also the run's wall time, from the click to the new model loaded.

    python -m benchmarks.retrain_stall [--cluster 1] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.app_speed import Heartbeat, spin_until  # noqa: E402


def run(cluster: int = 1) -> dict:
    from core.base.resources import sample_faces_path
    from core.drawings.formats import read_dataset
    from desktop.app import create_window
    from desktop.replay import canvas_points, draw_stroke
    from desktop.retrain_dialog import RetrainRequest

    app = QApplication.instance() or QApplication([])
    home = tempfile.mkdtemp()
    os.environ["SKETCHBOOK_HOME"] = home
    window = create_window(settings=QSettings(f"{home}/s.ini", QSettings.Format.IniFormat))
    window.resize(1320, 900)
    window.show()
    spin_until(app, lambda: window.workspace is not None, 120)
    before = window.workspace
    start = time.perf_counter()
    window.retrainer.start(RetrainRequest(cluster, 300, False, "stall probe"))
    panel = window.retrainer.panel
    results = {}
    with Heartbeat() as beat:
        spin_until(app, lambda: panel.bar.value() >= 60, 600)
        results["stall_training_idle_ms"] = round(beat.longest, 1)
    faces = read_dataset(sample_faces_path()).drawings()
    with Heartbeat() as beat:
        for face in faces[:40]:
            if not window.retrainer.is_running():
                break
            window.canvas.clear()
            for stroke in canvas_points(window.canvas, face):
                draw_stroke(window.canvas, stroke, between=app.processEvents)
            spin_until(app, window.service.is_idle)
        results["stall_training_and_drawing_ms"] = round(beat.longest, 1)
    spin_until(app, lambda: window.workspace is not before, 600)
    results["retrain_click_to_loaded_s"] = round(time.perf_counter() - start, 1)
    window.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluster", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.cluster)
    if args.json:
        print(json.dumps(results))
        return
    for key, value in results.items():
        print(f"{key:<34} {value}")


if __name__ == "__main__":
    main()
