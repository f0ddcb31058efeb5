"""Nothing lost: the drawing in progress survives a kill -9, and files being written when the
process dies are either the old or the new version, never half of one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from core.base.atomic import remove_stale_temps
from core.drawings.faces import generate_faces
from core.drawings.strokes import Drawing
from core.personal.autosave import autosave_path, load_autosave, save_autosave
from core.personal.collection import load_collection
from desktop.app import create_window
from desktop.replay import draw

WAIT = 60_000

DRAW_THEN_WAIT = """
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from core.drawings.faces import generate_faces
from desktop.app import create_window
from desktop.replay import draw
w = create_window(model=sys.argv[1], settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
w.resize(900, 700)
w.show()
app.processEvents()
draw(w.canvas, generate_faces(1, seed=5)[0])
w.autosaver.flush()
print("drawn", len(w.canvas.strokes), flush=True)
while True:
    app.processEvents()
    time.sleep(0.01)
"""


def open_window(qtbot, tiny_model, settings_path):
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    w = create_window(model=str(tiny_model), settings=settings)
    qtbot.addWidget(w)
    w.resize(900, 700)
    w.show()
    return w


@pytest.mark.parametrize("answer", ["Yes", "Discard"])
def test_after_a_kill_9_the_drawing_is_offered_back(
    qtbot, tiny_model, tmp_path, monkeypatch, answer
):
    child = subprocess.Popen(
        [sys.executable, "-c", DRAW_THEN_WAIT, str(tiny_model), str(tmp_path / "s.ini")],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    line = child.stdout.readline()
    assert line.startswith("drawn"), line
    strokes = int(line.split()[1])
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    asked = []
    button = getattr(QMessageBox.StandardButton, answer)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or button)
    w = open_window(qtbot, tiny_model, tmp_path / "s.ini")
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT)
    assert f"({strokes} strokes)" in asked[0]
    if answer == "Yes":
        qtbot.waitUntil(lambda: len(w.canvas.strokes) == strokes, timeout=WAIT)
    else:
        qtbot.wait(300)
        assert w.canvas.is_empty() and not autosave_path().exists()
    w.close()


def test_a_second_window_leaves_the_drawing_of_a_running_one_alone(
    qtbot, tiny_model, tmp_path, monkeypatch
):
    """Not a crash: the first window is still drawing. No question, nothing restored, and the
    second window's close does not take the first one's save away."""
    child = subprocess.Popen(
        [sys.executable, "-c", DRAW_THEN_WAIT, str(tiny_model), str(tmp_path / "s.ini")],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        assert child.stdout.readline().startswith("drawn")
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked"))
        second = open_window(qtbot, tiny_model, tmp_path / "other.ini")
        qtbot.waitUntil(lambda: second.workspace is not None, timeout=WAIT)
        assert second.canvas.is_empty()
        second.close()
        assert load_autosave() is not None and load_autosave().owner_pid == child.pid
    finally:
        child.kill()
        child.wait(10)


def test_after_a_clean_close_the_drawing_is_simply_back(qtbot, tiny_model, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked"))
    first = open_window(qtbot, tiny_model, tmp_path / "s.ini")
    qtbot.waitUntil(lambda: first.workspace is not None, timeout=WAIT)
    draw(first.canvas, generate_faces(1, seed=6)[0])
    shape = [len(s) for s in first.canvas.strokes]
    first.close()
    second = open_window(qtbot, tiny_model, tmp_path / "s.ini")
    qtbot.waitUntil(lambda: not second.canvas.is_empty(), timeout=WAIT)
    assert [len(s) for s in second.canvas.strokes] == shape
    assert "from last time" in second.statusBar().currentMessage()
    second.close()


def test_a_damaged_autosave_is_set_aside_not_trusted():
    save_autosave(Drawing([np.array([[0, 0], [5, 5]], np.float32)]))
    autosave_path().write_bytes(b'{"drawing": [[[0,1],[2')
    assert load_autosave() is None
    assert autosave_path().with_suffix(".damaged").exists()


WRITE_FOREVER = """
import sys
from core.drawings.faces import generate_faces
from core.personal.collection import save_to_collection
from core.base.atomic import remove_stale_temps
from core.personal.autosave import save_autosave
faces = generate_faces(40, seed=1)
print("writing", flush=True)
i = 0
while True:
    save_autosave(faces[i % 40])
    save_to_collection(faces[i % 40])
    i += 1
"""


def test_a_writer_killed_at_any_moment_leaves_whole_files(private_home):
    rng = np.random.default_rng(0)
    for _ in range(5):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITE_FOREVER], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout.readline().startswith("writing")
        time.sleep(float(rng.uniform(0.05, 0.6)))
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        assert load_autosave() is not None, "the autosave is whole"
        kept = load_collection()
        assert all(not d.is_empty for d in kept), "the collection is whole"
    folder = autosave_path().parent
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) <= 5, "at most the temp file each kill interrupted"
    assert remove_stale_temps(folder, older_than_s=0) == len(leftovers)
    assert load_autosave() is not None and load_collection(), "only the leftovers went"


def _slow_saves(monkeypatch, seconds: float) -> threading.Event:
    """Every save but the clean close's takes `seconds`: a slow disk under the autosave. The
    event is set once the first slow save has begun."""
    import desktop.autosaver as autosaver

    writing = threading.Event()

    def slow(drawing: Drawing, closed_cleanly: bool = False) -> None:
        if not closed_cleanly:
            writing.set()
            time.sleep(seconds)
        save_autosave(drawing, closed_cleanly)

    monkeypatch.setattr(autosaver, "save_autosave", slow)
    return writing


def _closing_during_a_save(writing: threading.Event, timeout: float) -> tuple[str | None, Drawing]:
    from desktop.autosaver import Autosaver

    first, last = generate_faces(2, seed=8)
    saver = Autosaver()
    saver.restore(None)  # nothing saved yet: the save is this window's
    saver.submit(first)
    assert writing.wait(10)  # the worker is writing it
    return saver.finish(last, timeout=timeout), last


def test_a_close_during_a_slow_save_is_marked_clean_after_it(monkeypatch):
    """The older save in flight must not land after the clean mark: the next start would take
    a clean close for a crash and ask (offscreen, a box that waits forever)."""
    writing = _slow_saves(monkeypatch, 0.5)
    error, last = _closing_during_a_save(writing, timeout=10)
    saved = load_autosave()
    assert error is None and saved.closed_cleanly
    assert [len(s) for s in saved.drawing.strokes] == [len(s) for s in last.strokes]


def test_a_disk_too_slow_to_mark_the_close_says_so(monkeypatch):
    writing = _slow_saves(monkeypatch, 0.5)
    error, _ = _closing_during_a_save(writing, timeout=0.05)
    assert error and "did not take it" in error
    assert not load_autosave().closed_cleanly  # the next start offers it back: nothing lost
