"""Retrain on a cluster from the window: a child process trains, the window stays live, the new
model lands in the library and is loaded; cancel, a dying child and closing never lose anything."""

from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from core.base.paths import model_library_dir
from core.personal import library
from desktop.retrain_dialog import RetrainDialog, RetrainRequest

WAIT = 120_000


def runs_left() -> list:
    folder = model_library_dir() / ".training"
    return list(folder.iterdir()) if folder.exists() else []


def test_the_dialog_offers_the_cluster_with_a_name_and_refuses_a_tiny_one(window):
    ws = window.workspace
    dialog = RetrainDialog(ws.index, ws.drawings, 1, ws.data_name, window)
    train = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.cluster.currentData() == 1 and train.isEnabled()
    assert dialog.name.text() == "cluster 1 of procedural"
    assert dialog.request() == RetrainRequest(1, 300, False, "cluster 1 of procedural")
    dialog.name.setText("../../etc")
    assert not train.isEnabled() and dialog.problem.text()
    small = int(ws.index.cluster_sizes().argmin())
    ws.index.labels[ws.index.labels == small] = (small + 1) % ws.index.k  # an emptied cluster
    dialog.cluster.setCurrentIndex(small)
    assert not train.isEnabled() and "only 0 drawings" in dialog.problem.text()


def test_retraining_adds_a_model_loads_it_and_shows_its_faces(window, qtbot):
    before = window.workspace
    window.retrainer.start(RetrainRequest(cluster=0, steps=8, scratch=False, name="mine"))
    assert window.tabs.currentWidget() is window.retrainer.panel
    assert window.retrainer.is_running()
    qtbot.waitUntil(lambda: window.workspace is not before, timeout=WAIT)
    assert window.workspace.model_name == "mine"
    assert [m.name for m in library.list_models()] == ["default", "mine"]
    info = library.list_models()[1].info
    assert info["trained_on"]["cluster"] == 0 and info["base"].endswith("tiny.safetensors")
    panel = window.retrainer.panel
    assert panel.bar.value() == 8 and len(panel._valid[0]) >= 1
    assert "now loaded" in panel.title.text()
    qtbot.waitUntil(lambda: window.samples.grid.views[0].drawing is not None, timeout=WAIT)
    assert window.tabs.currentWidget() is window.samples
    assert runs_left() == []
    window.library_menu.rebuild()
    ticked = [a.text() for a in window.library_menu.actions() if a.isChecked()]
    assert ticked == ["mine"]


def test_cancel_and_discard_leaves_the_library_as_it_was(window, qtbot, monkeypatch):
    monkeypatch.setattr(type(window.retrainer), "_keep_partial", lambda self, name: False)
    window.retrainer.start(RetrainRequest(cluster=0, steps=100_000, scratch=False, name="long"))
    qtbot.waitUntil(lambda: window.retrainer.panel.bar.value() > 0, timeout=WAIT)
    if hasattr(os, "getpriority"):  # the window wins any core it shares with its training
        child = window.retrainer.run.process.processId()
        assert os.getpriority(os.PRIO_PROCESS, child) >= os.getpriority(os.PRIO_PROCESS, 0) + 10
    window.retrainer.panel.cancel.click()
    qtbot.waitUntil(lambda: not window.retrainer.is_running(), timeout=WAIT)
    qtbot.waitUntil(lambda: "nothing was added" in window.retrainer.panel.title.text())
    assert [m.name for m in library.list_models()] == ["default"]
    assert runs_left() == []


def test_a_dying_child_says_so_and_keeps_the_library_consistent(window, qtbot, messages):
    window.retrainer.start(RetrainRequest(cluster=0, steps=100_000, scratch=False, name="doomed"))
    qtbot.waitUntil(lambda: window.retrainer.panel.bar.value() > 0, timeout=WAIT)
    window.retrainer.run.process.kill()  # as the OS would, out of memory
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT)
    assert "killed or crashed" in messages[-1]
    assert [m.name for m in library.list_models()] == ["default"] and runs_left() == []
    assert window.isVisible(), "the window lives on"


@pytest.mark.parametrize("answer", ["stay", "discard"])
def test_closing_while_training_asks_first(window, qtbot, monkeypatch, answer):
    monkeypatch.setattr(type(window.retrainer), "_ask_on_close", lambda self: answer)
    window.retrainer.start(RetrainRequest(cluster=0, steps=100_000, scratch=False, name="busy"))
    window.close()
    if answer == "stay":
        assert window.isVisible() and window.retrainer.is_running()
        window.retrainer.run.kill()
    else:
        assert not window.isVisible() and not window.retrainer.is_running()
        assert runs_left() == []


def test_a_run_the_app_closed_on_is_offered_at_the_next_start_and_resumes(
    window, qtbot, monkeypatch, tmp_path
):
    """Close mid-training with "continue next time": the next window offers the run and goes
    on from its checkpoint (--resume) instead of starting over, and the model lands."""
    from PySide6.QtCore import QSettings

    from core.training.training_runs import checkpoint_step, interrupted_runs
    from desktop.app import create_window
    from desktop.retrain import Retrainer

    monkeypatch.setattr(Retrainer, "_ask_on_close", lambda self: "pause")
    offered = []
    monkeypatch.setattr(
        Retrainer, "_ask_resume", lambda self, run: offered.append(run) or "continue"
    )
    model, data = str(window.workspace.sketcher.path), str(window.workspace.data_path)
    window.retrainer.start(RetrainRequest(cluster=0, steps=200, scratch=False, name="paused"))
    out = window.retrainer.out
    qtbot.waitUntil(lambda: checkpoint_step(out) > 0, timeout=WAIT)
    window.close()
    assert not window.isVisible() and not window.retrainer.is_running()
    (run,) = interrupted_runs()
    assert run.record.name == "paused" and run.step > 0 and run.arguments()[-1] == "--resume"

    settings = QSettings(str(tmp_path / "again.ini"), QSettings.Format.IniFormat)
    again = create_window(model=model, data=data, settings=settings)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: bool(offered), timeout=WAIT)
    assert offered[0].record.name == "paused" and again.retrainer.is_running()
    assert "--resume" in again.retrainer.run.process.arguments()
    qtbot.waitUntil(lambda: any(m.name == "paused" for m in library.list_models()), timeout=WAIT)
    steps_seen = again.retrainer.panel.train_curve.getData()[0]
    assert min(steps_seen) > run.step, "it went on from the checkpoint, not from step 0"
    assert runs_left() == [] and interrupted_runs() == []
    again.close()


def test_an_interrupted_run_can_be_discarded_or_left_for_later(window, monkeypatch):
    from core.training.training_runs import RunRecord, interrupted_runs, record_run

    out = library.start_run("crashed")
    record_run(out, RunRecord("crashed", "Training 'crashed'", "cluster 0", ["train"], 50))
    answers = iter(["later", "discard"])
    monkeypatch.setattr(type(window.retrainer), "_ask_resume", lambda self, run: next(answers))
    window.retrainer.offer_resume()
    assert [r.record.name for r in interrupted_runs()] == ["crashed"]
    library.sweep_abandoned_runs(0.0)
    assert len(runs_left()) == 1, "the sweep of abandoned runs keeps a run that can go on"
    window.retrainer.offer_resume()
    assert interrupted_runs() == [] and runs_left() == []


def test_the_training_panel_shows_progress_time_left_and_both_losses(qtbot):
    from desktop.training_panel import TrainingPanel

    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.begin("Training 'x'", 300)
    for step in range(10, 160, 10):
        panel.stepped(step, 300, 50.0 if step == 10 else 1.0 / step, 95.0)
    panel.stepped(160, 300, float("nan"), 65.0)  # a skipped batch is not drawn
    panel.evaluated(150, 0.5)
    assert panel.bar.value() == 160 and panel.eta.text() == "about 1 min 05 s left"
    assert len(panel.train_curve.getData()[0]) == 15
    assert list(panel.valid_curve.getData()[1]) == [0.5]
    low, high = panel.plot.getViewBox().viewRange()[1]
    assert high < 5, "the first, far higher losses do not squash the curve"
    panel.finish("done")
    assert not panel.cancel.isEnabled() and panel.title.text() == "done"


def test_a_model_trained_on_the_whole_open_dataset_lands_in_the_library(window, qtbot, monkeypatch):
    """Model > Train a model on this dataset: every face of the open file, the same child
    process and panel as a cluster retrain; the card says what and on what device."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QInputDialog

    from core.training.retrain_plan import DATASET_STEPS

    before = window.workspace
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("short (2,000 steps)", True))
    monkeypatch.setitem(DATASET_STEPS, "short (2,000 steps)", 8)
    window.findChild(QAction, "trainOnDataset").trigger()
    assert window.retrainer.is_running()
    assert "all 400 faces of procedural.ndjson" in window.retrainer.panel.title.text()
    qtbot.waitUntil(lambda: window.workspace is not before, timeout=WAIT)
    assert window.workspace.model_name == "procedural"
    info = library.list_models()[1].info
    assert "cluster" not in info.get("trained_on", {}) and info["device"] == "cpu"
    assert info["base"].endswith("tiny.safetensors")
    assert runs_left() == []
