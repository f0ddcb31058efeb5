"""Renders the README's screenshots offscreen from a scripted session: a real face drawn stroke
by stroke with its reconstruction, cluster and map; the interpolation strip; the samples grid;
with --retrain also the retrain dialog, a training run half-way and the retrained model's faces.

    python -m desktop.screenshots --out docs/ [--retrain]
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x1000x24" python -m desktop.screenshots
        (the same, with the 3-D view: it needs a display with OpenGL)
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def settle(app: QApplication, window, seconds: float = 0.6) -> None:
    """Let the worker finish and the animations play out."""
    deadline = time.perf_counter() + 120
    while not window.service.is_idle() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.005)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs")
    parser.add_argument("--face", type=int, default=9, help="which shipped real face to draw")
    parser.add_argument("--model", default=None)
    parser.add_argument("--retrain", action="store_true", help="also retrain on cluster 1")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from core.base.resources import sample_faces_path
    from core.drawings.formats import read_dataset
    from desktop.app import create_window
    from desktop.replay import canvas_points, draw_stroke

    app = QApplication.instance() or QApplication([])
    home = tempfile.mkdtemp()
    os.environ["SKETCHBOOK_HOME"] = home
    window = create_window(
        model=args.model, settings=QSettings(f"{home}/s.ini", QSettings.Format.IniFormat)
    )
    window.resize(1320, 900)
    window.show()
    while window.workspace is None:
        app.processEvents()
        time.sleep(0.01)
    face = read_dataset(sample_faces_path()).drawings()[args.face]
    for stroke in canvas_points(window.canvas, face):  # stroke by stroke: the marker's trail
        draw_stroke(window.canvas, stroke)
        settle(app, window, 0.2)
    settle(app, window, 1.0)
    index = window.workspace.index
    window.map.move_cursor(*[float(v) for v in index.map_xy[index.medoids[1]]])
    settle(app, window)
    window.grab().save(str(out / "screenshot_live.png"))

    window.tabs.setCurrentWidget(window.interpolation)
    window.interpolation.end_a.setCurrentText("current drawing")
    window.interpolation.end_b.setCurrentText("centre of cluster 1")
    window.interpolation.go.click()
    settle(app, window)
    window.interpolation.slider.setValue(4)
    settle(app, window, 0.2)
    window.grab().save(str(out / "screenshot_interpolation.png"))

    window.tabs.setCurrentWidget(window.samples)
    window.samples.new.click()
    settle(app, window)
    window.grab().save(str(out / "screenshot_samples.png"))
    thought_shots(app, window, out)
    if args.retrain:
        retrain_shots(app, window, out)
    window.close()
    print(f"wrote the screenshots to {out}")


def thought_shots(app: QApplication, window, out: Path) -> None:
    """The average of a box of faces on the map, face arithmetic, and the favourites shelf."""
    from desktop.keep import KeepAction

    xy = window.workspace.index.map_xy
    (x0, y0), (x1, y1) = xy.min(0), xy.max(0)
    box = (x0 + 0.55 * (x1 - x0), y0 + 0.55 * (y1 - y0), x1, y1)  # a corner of the map
    window.map.view_box.box.setRect(box[0], box[1], box[2] - box[0], box[3] - box[1])
    window.map.view_box.box.show()  # as while the person drags it
    window.map.view_box.boxSelected.emit(*box)
    settle(app, window)
    window.grab().save(str(out / "screenshot_average.png"))
    window.map.view_box.box.hide()

    window.tabs.setCurrentWidget(window.arithmetic)
    window.arithmetic.ends["b"].setCurrentText("centre of cluster 0")
    window.arithmetic.ends["c"].setCurrentText("centre of cluster 2")
    window.arithmetic.slider.setValue(120)
    settle(app, window)
    window.grab().save(str(out / "screenshot_arithmetic.png"))

    window.keep(None, KeepAction.FAVOURITE)
    for face in window.samples.grid.faces()[:5] + window.average.members.faces()[:6]:
        window.keep(face, KeepAction.FAVOURITE, "generated")
    window.tabs.setCurrentWidget(window.favourites_panel)
    settle(app, window, 0.3)
    window.grab().save(str(out / "screenshot_favourites.png"))

    window.map_tabs.setCurrentWidget(window.space_3d)  # needs a display with OpenGL (Xvfb)
    settle(app, window, 0.5)
    if window.space_3d.problem is None:
        window.grab().save(str(out / "screenshot_3d.png"))
    else:
        print(f"no 3-D screenshot: {window.space_3d.problem}")
    window.map_tabs.setCurrentWidget(window.map)


def retrain_shots(app: QApplication, window, out: Path) -> None:
    from desktop.retrain_dialog import RetrainDialog

    ws = window.workspace
    dialog = RetrainDialog(ws.index, ws.drawings, 1, ws.data_name, window)
    dialog.show()
    settle(app, window, 0.3)
    dialog.grab().save(str(out / "screenshot_retrain_dialog.png"))
    request = dialog.request()
    dialog.close()
    window.retrainer.start(request)
    panel = window.retrainer.panel
    while panel.bar.value() < panel.bar.maximum() * 0.6:
        settle(app, window, 0.2)
    window.grab().save(str(out / "screenshot_training.png"))
    while window.workspace is ws:
        settle(app, window, 0.2)
    settle(app, window, 1.0)  # the new model's random faces (requested when it loaded)
    window.grab().save(str(out / "screenshot_retrained.png"))


if __name__ == "__main__":
    main()
