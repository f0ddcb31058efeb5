"""An input flood: a tablet delivering 1,000 pen events per second for 30 s (one long stroke
after another), then one stroke of 100,000 points. Reports the event loop's longest stall
(5 ms heartbeat), the longest background queue, and memory before and after.

    python -m benchmarks.input_flood [--seconds 30] [--rate 1000] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.app_speed import Heartbeat, spin_until  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run(seconds: float = 30.0, rate: int = 1000) -> dict:
    from desktop.app import create_window

    app = QApplication.instance() or QApplication([])
    home = tempfile.mkdtemp()
    os.environ["SKETCHBOOK_HOME"] = home
    window = create_window(settings=QSettings(f"{home}/s.ini", QSettings.Format.IniFormat))
    window.resize(1320, 900)
    window.show()
    spin_until(app, lambda: window.workspace is not None, 120)
    canvas, left = window.canvas, Qt.MouseButton.LeftButton
    results: dict = {"events_per_s_asked": rate}
    before = rss_mb()
    longest_queue, events = 0, 0
    with Heartbeat() as beat:
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            QTest.mousePress(canvas, left, Qt.KeyboardModifier.NoModifier, QPoint(300, 300))
            stroke_start = time.perf_counter()
            while time.perf_counter() - stroke_start < 2.0:  # a 2-second stroke
                t = events / 60
                x, y = 300 + 150 * math.cos(t), 300 + 150 * math.sin(1.3 * t)
                QTest.mouseMove(canvas, QPoint(round(x), round(y)))
                events += 1
                app.processEvents()
                longest_queue = max(longest_queue, len(window.service.queue.waiting_keys()))
                # pace to the asked rate
                while time.perf_counter() - start < events / rate:
                    app.processEvents()
            QTest.mouseRelease(canvas, left, Qt.KeyboardModifier.NoModifier, QPoint(300, 300))
            app.processEvents()
        elapsed = time.perf_counter() - start
        results["flood_stall_ms"] = round(beat.longest, 1)
    results["events_per_s_delivered"] = round(events / elapsed)
    results["longest_queue"] = longest_queue
    results["requests_dropped"] = window.service.dropped
    spin_until(app, window.service.is_idle, 120)
    results["memory_growth_mb"] = round(rss_mb() - before, 1)

    window.canvas.clear()
    with Heartbeat() as beat:
        canvas.begin_stroke(100, 100)
        for i in range(100_000):
            t = i / 500
            canvas.extend_stroke(300 + 150 * math.cos(t) * (1 + i / 1e6), 300 + 150 * math.sin(t))
            if i % 100 == 0:
                app.processEvents()
        before_end = time.perf_counter()
        canvas.end_stroke()
        spin_until(app, lambda: window.service.is_idle() and window.last_analysis is not None)
        results["long_stroke_answer_ms"] = round((time.perf_counter() - before_end) * 1000, 1)
        results["long_stroke_stall_ms"] = round(beat.longest, 1)
    results["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    window.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.seconds, args.rate)
    if args.json:
        print(json.dumps(results))
        return
    for key, value in results.items():
        print(f"{key:<28} {value}")


if __name__ == "__main__":
    main()
