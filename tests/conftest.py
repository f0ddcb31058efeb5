"""Shared fixtures. Qt tests run offscreen; the tiny model is trained once per session."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from core.drawings.faces import generate_faces  # noqa: E402
from core.drawings.formats import write_ndjson  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def collect_windows_on_the_main_thread():
    """Before and after each test, collect here, on the main thread, the windows earlier tests
    left in reference cycles (pytest-qt closes its widgets after the fixtures end, so the
    next test's start is where they are surely dead). Left to the collector, a dead window was
    collected on a later test's inference thread (a collection runs on whichever thread
    allocates): Shiboken destroyed its widgets there while the main thread ran its own
    deferred deletions, and the two deadlocked on a Qt mutex and the GIL."""
    import gc

    gc.collect()
    yield
    gc.collect()


@pytest.fixture(scope="session")
def procedural_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "procedural.ndjson"
    write_ndjson(generate_faces(400, seed=3), path)
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, procedural_file) -> Path:
    """A tiny model trained for a few seconds: enough to test the API, not to judge quality."""
    import torch

    from core.drawings.formats import read_dataset
    from core.model.network import PRESETS
    from core.training.batching import build_train_data
    from core.training.train import TrainSettings, train

    out = tmp_path_factory.mktemp("model") / "tiny.safetensors"
    config = PRESETS["tiny"]
    data = build_train_data([("procedural", read_dataset(procedural_file), 1)], config.max_len)
    settings = TrainSettings(steps=120, batch_size=32, eval_every=60, checkpoint_every=60)
    train(config, data, out, settings, torch.device("cpu"))
    return out


@pytest.fixture(scope="session")
def sketcher(tiny_model):
    from core.model.sketcher import Sketcher

    return Sketcher.load(tiny_model, device="cpu")


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own caches, collection and model library."""
    home = tmp_path / "home"
    monkeypatch.setenv("SKETCHBOOK_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def faces_index(sketcher, procedural_file):
    from core.drawings.formats import read_dataset
    from core.latent.indexing import build_index

    drawings = read_dataset(procedural_file).drawings()
    return drawings, build_index(sketcher, drawings, k=4)


WAIT = 60_000


@pytest.fixture
def messages(monkeypatch) -> list[str]:
    """Dialogs are recorded instead of blocking the test."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(
            QMessageBox, name, lambda parent, title, text, *a, **k: shown.append(text)
        )
    # a question nobody expected is recorded and declined: offscreen, its box would wait forever
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda parent, title, text, *a, **k: shown.append(text) or QMessageBox.StandardButton.No,
    )
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    return shown


@pytest.fixture
def window(qtbot, tiny_model, procedural_file, tmp_path, messages):
    """The app on the tiny model and 400 procedural faces, loaded and on screen."""
    from PySide6.QtCore import QSettings

    from desktop.app import create_window

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = create_window(model=str(tiny_model), data=str(procedural_file), settings=settings)
    qtbot.addWidget(w)
    w.resize(1280, 860)
    w.show()
    with qtbot.waitSignal(w.ready, timeout=WAIT):
        pass
    yield w
    w.close()


@pytest.fixture
def wait_for_answer(qtbot, window):
    """Wait until the window shows the analysis of the drawing now on its canvas. An idle worker
    is not enough: its last answer may still be on its way to the window as a queued signal."""
    import numpy as np

    def wait(timeout: int = WAIT * 2) -> None:
        # the test's own encode waits for an idle worker: the app never runs the model on two
        # threads at once, and a CI run once hung with the test encoding a 100,000-point stroke
        # beside the worker's decoding of the same model
        qtbot.waitUntil(window.service.is_idle, timeout=timeout)
        expected = window.workspace.sketcher.encode([window.canvas.drawing()])[0][0]

        def answered() -> bool:
            shown = window.last_analysis
            return (
                window.service.is_idle()
                and shown is not None
                and float(np.abs(shown.z - expected).max()) < 1e-3
            )

        qtbot.waitUntil(answered, timeout=timeout)

    return wait
