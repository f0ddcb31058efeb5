"""The desktop's budgets, measured offscreen with real Qt events: pen-up to reconstruction,
cluster and map marker painted (real faces replayed through the canvas; the reconstruction is
drawn point by point, so "painted" is its first points on screen, and the time until the
decoder has ended and the whole face is in the view is reported beside it, and the time until
the nearest of all the tries asked for is: the first sixteen are decoded at pen-up, the rest
while the pen is up; the next stroke starts as soon as the sixteen are whole, so its pen-up
meets the rest still running); generated faces per
second while dragging the map cursor; the longest event-loop stall while the model is busy
(a 5 ms QTimer heartbeat); and the time from launch to the window shown.

    python -m benchmarks.app_speed [--faces 30] [--data FILE [--clusters 8]] [--while-training]
        [--tries N] [--pick model|drawing] [--json]

--while-training measures the same with the app's own retrain running in the background (its
child process, as Model > Retrain starts it: one core fewer, nice 10), started once the window
is up and stopped at the end.

With --data, set SKETCHBOOK_BENCH_HOME to a folder whose cache already holds that file's index
(e.g. the one `benchmarks.window_open` used) to measure the big map rather than build it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from benchmarks.machine_speed import lstm_step_us  # noqa: E402
from core.base import trace  # noqa: E402

LAUNCH_PROBE = """
import time, sys
start = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop.app import create_window
w = create_window()
w.show()
app.processEvents()
w.repaint()
print(time.perf_counter() - start)
sys.stdout.flush()
w.close()
"""


class Heartbeat:
    """A 5 ms timer; the longest gap between its ticks is the longest the window froze."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0

    def _tick(self) -> None:
        if self.clock.isValid():
            self.longest = max(self.longest, self.clock.nsecsElapsed() / 1e6 - 5.0)
        self.clock.restart()

    def __enter__(self) -> Heartbeat:
        self.clock.invalidate()
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.stop()


def spin_until(app: QApplication, condition, timeout_s: float = 60.0) -> None:
    """Run the event loop until `condition` holds, looking right after each turn (a sleep
    between turns lets the worker thread have the GIL, as the app's idle event loop does)."""
    deadline = time.perf_counter() + timeout_s
    while not condition():
        app.processEvents()
        if condition():
            return
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not answer in time")
        time.sleep(0.0005)


class PaintWatch(QObject):
    """When each watched widget last started to paint, and when the newest analysis reached the
    window (marks in `core.base.trace` too): the window paints every dirty widget in one pass at its
    next frame, as it does for a person, and the marks break that pass down."""

    def __init__(self, widgets: dict[str, QWidget], session) -> None:
        super().__init__()
        self.names = {id(w): name for name, w in widgets.items()}
        self.last_paint: dict[str, float] = {}
        self.answered_at = 0.0
        for w in widgets.values():
            w.installEventFilter(self)
        session.analysis_started.connect(self._answered)

    def _answered(self, _analysis) -> None:
        self.answered_at = time.perf_counter()

    def painted_since_answer(self, *names: str) -> bool:
        return all(self.last_paint.get(n, 0.0) > self.answered_at for n in names)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint and id(watched) in self.names:
            name = self.names[id(watched)]
            trace.mark(f"gui: painting {name}")
            self.last_paint[name] = time.perf_counter()
        return False


def launch_time() -> float:
    """Seconds from a fresh interpreter to the window painted (torch not yet imported)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SKETCHBOOK_HOME": tempfile.mkdtemp()}
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", LAUNCH_PROBE], capture_output=True, text=True, env=env, check=True
    )
    total = time.perf_counter() - start
    del out
    return total


def run(
    n_faces: int = 30,
    data: str | None = None,
    clusters: int = 8,
    while_training: bool = False,
    tries: int | None = None,
    pick: str | None = None,
) -> dict:
    """`data`: open this file instead of the shipped faces (its index cached beforehand, so
    the figures are about using a big map, not building it). `tries`, `pick`: Model >
    Reconstruction set to this many, chosen so (default: the app's)."""
    from core.base.resources import sample_faces_path
    from core.drawings.formats import read_dataset
    from desktop.app import create_window
    from desktop.replay import canvas_points, draw_stroke

    app = QApplication.instance() or QApplication([])
    home = tempfile.mkdtemp()
    os.environ["SKETCHBOOK_HOME"] = home
    settings = QSettings(os.path.join(home, "s.ini"), QSettings.Format.IniFormat)
    if data:
        if "SKETCHBOOK_BENCH_HOME" in os.environ:  # its cache only: no drawing, no settings
            cached = os.path.join(os.environ["SKETCHBOOK_BENCH_HOME"], "cache")
            os.symlink(cached, os.path.join(home, "cache"))
        settings.setValue("clusters", str(clusters))
    if tries is not None:
        settings.setValue("tries", str(tries))
    if pick is not None:
        settings.setValue("pick", pick)
    window = create_window(data=data, settings=settings)
    window.resize(1320, 900)
    window.show()
    spin_until(app, lambda: window.workspace is not None, 120)
    results: dict = {"machine_lstm_step_us_before": lstm_step_us()}  # see machine_speed
    if while_training:
        from desktop.retrain_dialog import RetrainRequest

        window.retrainer.start(RetrainRequest(0, 100_000, False, "background"))
        spin_until(app, lambda: window.retrainer.panel.bar.value() > 0, 300)  # it is training
        results["while_training"] = True

    # pen-up -> reconstruction, cluster and marker painted
    faces = read_dataset(sample_faces_path()).drawings()
    rng = np.random.default_rng(0)
    latencies, whole, all_tries, breakdowns = [], [], [], []
    paints = PaintWatch(
        {
            "reconstruction": window.reconstruction,
            "cluster panel": window.cluster_panel,
            "map": window.map.viewport(),
        },
        window.session,
    )
    trace.start()
    with Heartbeat() as beat:
        for i in rng.choice(len(faces), n_faces, replace=False):
            window.canvas.clear()
            spin_until(app, window.service.is_idle)
            app.processEvents()
            strokes = canvas_points(window.canvas, faces[i])
            for n, stroke in enumerate(strokes, 1):
                before = window.last_analysis
                draw_stroke(
                    window.canvas, stroke, between=app.processEvents
                )  # ends with the pen-up
                start = time.perf_counter()
                # the answer to this pen-up is on screen: its cluster, its marker and the
                # reconstruction's first points (the view draws it point by point from there)
                spin_until(
                    app,
                    lambda: (
                        window.service.queue.latest["analyse"] == window.session.shown("analyse")
                    ),
                )
                # ... and painted: the window paints what changed at its next frame; the
                # reconstruction's first points and the map's marker are both in that frame
                spin_until(app, lambda: paints.painted_since_answer("reconstruction", "map"))
                painted = time.perf_counter()
                latencies.append((painted - start) * 1000)
                breakdowns.append(pen_up_breakdown(trace.take(), painted))
                # and the decoder has ended: the whole reconstruction (the nearest of the first
                # tries) is in the view; the next stroke starts at once, while the rest of the
                # tries are decoded (the pen-up overtakes them, as a person's next stroke does)
                spin_until(
                    app,
                    lambda b=before: (
                        window.last_analysis is not b
                        and window.last_analysis.drawing is window.session.drawing
                    ),
                )
                whole.append((time.perf_counter() - start) * 1000)
                if n == len(strokes):  # the face is done: the rest of the tries are shown
                    spin_until(
                        app,
                        lambda: (
                            window.last_analysis.tries == window.prefs.tries
                            and window.service.is_idle()
                        ),
                    )
                    all_tries.append((time.perf_counter() - start) * 1000)
        results["stall_while_drawing_ms"] = round(beat.longest, 1)
    lat = np.array(latencies)
    results["pen_up_to_painted_median_ms"] = round(float(np.median(lat)), 1)
    results["pen_up_to_painted_p95_ms"] = round(float(np.percentile(lat, 95)), 1)
    results["pen_up_to_whole_reconstruction_median_ms"] = round(float(np.median(whole)), 1)
    results["pen_up_to_whole_reconstruction_p95_ms"] = round(float(np.percentile(whole, 95)), 1)
    results["pen_up_to_all_tries_median_ms"] = round(float(np.median(all_tries)), 1)
    results["pen_up_to_all_tries_p95_ms"] = round(float(np.percentile(all_tries, 95)), 1)
    results["tries"] = window.prefs.tries
    results["pick"] = window.prefs.pick
    results["pen_ups_measured"] = len(lat)
    trace.stop()
    results["pen_up_breakdown_ms"] = breakdown_table(breakdowns)

    # dragging the map cursor: how many faces reach the screen per second
    index = window.workspace.index
    lo, hi = index.map_xy.min(0), index.map_xy.max(0)
    shown = {"n": 0}
    window.walk_panel.cursor_face.set_drawing = _counting(
        window.walk_panel.cursor_face.set_drawing, shown
    )
    decoded = {"n": 0}  # the worker's answers: each a batch along the cursor's path
    window.session.show_walked = _counting(window.session.show_walked, decoded)
    with Heartbeat() as beat:
        start = time.perf_counter()
        t = 0.0
        while time.perf_counter() - start < 4.0:
            t += 0.004
            x, y = lo + (hi - lo) * (0.5 + 0.4 * np.array([np.cos(t), np.sin(1.3 * t)]))
            window.map.move_cursor(float(x), float(y))
            app.processEvents()
            time.sleep(0.004)  # a mouse delivers moves every few ms
        elapsed = time.perf_counter() - start
        results["drag_faces_per_s"] = round(shown["n"] / elapsed, 1)
        results["drag_batches_decoded_per_s"] = round(decoded["n"] / elapsed, 1)
        results["stall_while_dragging_ms"] = round(beat.longest, 1)
    results.update(hover_thumbnail_ms(app, window))
    results["faces_on_map"] = len(window.workspace.index)
    if while_training:
        results["training_still_running"] = window.retrainer.is_running()
        window.retrainer._ask_on_close = lambda: "discard"  # stop it, keep nothing
    window.close()
    results["window_shown_after_launch_s"] = round(min(launch_time() for _ in range(3)), 2)
    results["machine_lstm_step_us_after"] = lstm_step_us()
    return results


PEN_UP_STAGES = (
    "gui: submitted",
    "worker: started",
    "worker: canonical form",
    "worker: encoded",
    "worker: cluster, map",
    "worker: first points decoded",
    "worker: answer sent",
    "gui: answer received",
    "gui: widgets updated",
    "gui: painting reconstruction",
    "gui: painting cluster panel",
    "gui: painting map",
)


def pen_up_breakdown(marks: list[tuple[str, float]], painted: float) -> dict:
    """Milliseconds from each stage of one pen-up's path to the next (`core.base.trace` marks),
    from the analysis the pen-up asked for (the last one submitted, as the release event is
    handled) to its pixels."""
    submitted = [i for i, (name, _) in enumerate(marks) if name == PEN_UP_STAGES[0]]
    after = marks[submitted[-1] :] if submitted else []
    seen: dict[str, float] = {}
    for name, t in after:
        seen.setdefault(name, t)
    times = [(stage, seen[stage]) for stage in PEN_UP_STAGES if stage in seen]
    times.append(("gui: painted", painted))
    times.sort(key=lambda pair: pair[1])
    return {
        f"{a} -> {b}": (tb - ta) * 1000 for (a, ta), (b, tb) in zip(times, times[1:], strict=False)
    }


def breakdown_table(breakdowns: list[dict]) -> dict:
    """Median and p95 of each step over the pen-ups, in path order."""
    steps: dict[str, list[float]] = {}
    for one in breakdowns:
        for step, ms in one.items():
            steps.setdefault(step, []).append(ms)
    return {
        step: {
            "median": round(float(np.median(v)), 2),
            "p95": round(float(np.percentile(v, 95)), 2),
            "n": len(v),
        }
        for step, v in steps.items()
    }


def hover_thumbnail_ms(app: QApplication, window, n: int = 40) -> dict:
    """The mouse moved over a face on the map to its drawing shown beside the mouse (real
    mouse-move events on the map, zoomed in so each face is under the pointer alone)."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtTest import QTest

    m = window.map
    index = window.workspace.index
    rng = np.random.default_rng(1)
    times = []
    for i in rng.choice(len(index), n, replace=False):
        xy = QPointF(*map(float, index.map_xy[i]))
        m.plotItem.vb.setRange(
            xRange=(xy.x() - 0.05, xy.x() + 0.05), yRange=(xy.y() - 0.05, xy.y() + 0.05)
        )
        app.processEvents()
        m.hover.hide()
        target = m.mapFromScene(m.plotItem.vb.mapViewToScene(xy))
        QTest.mouseMove(m.viewport(), target + QPoint(40, 40))  # from off the face
        app.processEvents()
        m.hover.hide()
        start = time.perf_counter()
        QTest.mouseMove(m.viewport(), target)
        spin_until(app, m.hover.isVisible, 5)
        m.hover.repaint()
        times.append((time.perf_counter() - start) * 1000)
    m.plotItem.autoRange()
    return {
        "hover_thumbnail_median_ms": round(float(np.median(times)), 1),
        "hover_thumbnail_p95_ms": round(float(np.percentile(times, 95)), 1),
    }


def _counting(fn, counter):
    def wrapper(*args, **kwargs):
        counter["n"] += 1
        return fn(*args, **kwargs)

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces", type=int, default=30)
    parser.add_argument("--data", default=None, help="a dataset to open instead of the shipped")
    parser.add_argument("--clusters", type=int, default=8, help="with --data")
    parser.add_argument(
        "--while-training", action="store_true", help="with the app's own retrain running"
    )
    parser.add_argument(
        "--tries",
        type=int,
        default=None,
        help="reconstructions from this many decodes (1/4/8/16/32/64)",
    )
    parser.add_argument(
        "--pick", choices=("model", "drawing"), default=None, help="who picks the try shown"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.faces, args.data, args.clusters, args.while_training, args.tries, args.pick)
    if args.json:
        print(json.dumps(results))
        return
    for key, value in results.items():
        if key == "pen_up_breakdown_ms":
            print("pen-up breakdown (ms)                median    p95     n")
            for step, v in value.items():
                print(f"  {step:<58} {v['median']:>7} {v['p95']:>7} {v['n']:>4}")
            continue
        print(f"{key:<36} {value}")


if __name__ == "__main__":
    main()
