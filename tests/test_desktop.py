"""The desktop app driven as a person would: draw with the mouse, watch, walk, generate."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from core.drawings.faces import generate_faces
from core.session.requests import Analyse, Request
from desktop.app import create_window
from desktop.keep import KeepAction
from desktop.replay import canvas_points, draw, draw_stroke

WAIT = 60_000


def test_every_named_widget_is_there(window):
    from PySide6.QtWidgets import QWidget

    for name in (
        "sketchCanvas",
        "reconstructionView",
        "clusterLabel",
        "latentMap",
        "interpolationStrip",
        "samplesGrid",
        "temperatureSlider",
    ):
        assert window.findChild(QWidget, name) is not None, name
    assert window.map.cursor.objectName() == "mapCursor"
    assert "procedural.ndjson" in window.status.data.text() and "CPU" in window.status.device.text()


def test_drawing_a_face_shows_reconstruction_cluster_and_map_marker(window, qtbot):
    face = generate_faces(1, seed=21)[0]
    with qtbot.waitSignal(window.analysisShown, timeout=WAIT):
        draw(window.canvas, face)
    qtbot.waitUntil(lambda: window.service.is_idle(), timeout=WAIT)
    qtbot.wait(50)
    assert len(window.canvas.strokes) == len(face.strokes)
    assert (
        window.reconstruction.drawing is not None and window.reconstruction.drawing.num_points > 0
    )
    cluster = window.last_analysis.cluster
    assert window.cluster_panel.label.text() == f"Cluster {cluster}"
    assert window.cluster_panel.detail.text().startswith(f"of {window.workspace.index.k}")
    assert window.cluster_panel.confidence.value() > 0
    xs, ys = window.map.marker.getData()
    np.testing.assert_allclose([xs[0], ys[0]], window.last_analysis.map_xy, atol=1e-4)
    shown = [f.key for f in window.cluster_panel.nearest.faces()]
    drawings = window.workspace.drawings
    assert shown == [drawings[i].key for i in window.last_analysis.neighbours] and len(shown) == 6


def test_clearing_while_the_model_is_still_answering_leaves_the_views_empty(window, qtbot):
    face = generate_faces(1, seed=32)[0]
    draw(window.canvas, face)
    window.canvas.clear()  # the pen-up's analysis is still running or on its way
    qtbot.waitUntil(lambda: window.service.is_idle(), timeout=WAIT)
    qtbot.wait(100)
    assert window.reconstruction.drawing is None
    assert window.cluster_panel.cluster is None
    assert window.map.marker.getData()[0] is None or len(window.map.marker.getData()[0]) == 0


def test_undo_redo_and_clear_by_keyboard(window, qtbot):
    face = generate_faces(1, seed=22)[0]
    draw(window.canvas, face)
    n = len(face.strokes)
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.canvas.strokes) == n - 1
    QTest.keyClick(
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert len(window.canvas.strokes) == n
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.canvas.is_empty()
    assert window.reconstruction.drawing is None
    assert window.canvas.redo()  # clearing can be undone stroke by stroke


def test_a_burst_of_strokes_is_answered_for_the_newest_drawing_only(window, qtbot, wait_for_answer):
    face = generate_faces(1, seed=23)[0]
    strokes = canvas_points(window.canvas, face)
    for stroke in strokes:
        draw_stroke(window.canvas, stroke)  # no waiting between strokes
    wait_for_answer()


def test_a_pen_up_asks_the_model_once(window, qtbot, monkeypatch):
    """Lifting the pen costs one model run, not one per signal (stroke finished, drawing
    changed, the live throttle's trailing call): a second run would delay the answer."""
    asked_with_pen_up = []
    submit = window.service.submit

    def counting(request):
        if isinstance(request, Analyse) and not window.canvas.current:
            asked_with_pen_up.append(window.canvas.drawing().num_points)
        return submit(request)

    monkeypatch.setattr(window.service, "submit", counting)
    face = generate_faces(1, seed=29)[0]
    for stroke in canvas_points(window.canvas, face):
        asked_with_pen_up.clear()
        draw_stroke(window.canvas, stroke, between=lambda: qtbot.wait(2))  # a hand's pace
        qtbot.waitUntil(lambda: window.service.is_idle(), timeout=WAIT)
        qtbot.wait(200)  # longer than the live throttle, so a trailing call would have come
        assert asked_with_pen_up == [window.canvas.drawing().num_points]


def test_dragging_the_map_cursor_generates_faces(window, qtbot):
    index = window.workspace.index
    lo, hi = index.map_xy.min(0), index.map_xy.max(0)
    faces = []
    for t in np.linspace(0.2, 0.8, 5):
        x, y = lo + t * (hi - lo)
        shown_before = window.walk_panel.cursor_face.drawing
        window.map.move_cursor(float(x), float(y))
        qtbot.waitUntil(  # idle and the answer delivered (a queued signal after the worker ends)
            lambda before=shown_before: (
                window.service.is_idle() and window.walk_panel.cursor_face.drawing is not before
            ),
            timeout=WAIT,
        )
        faces.append(window.walk_panel.cursor_face.drawing)
    assert all(f is not None for f in faces)
    assert not np.array_equal(faces[0].points(), faces[-1].points())


def test_where_the_cursor_rests_its_face_is_redrawn_from_sixteen_tries(window, qtbot):
    """While the cursor moves a place gets one try; once it rests, the try the model itself
    puts back nearest that place (`core.latent.rest_face`), and only while it is still there."""
    from core.latent.rest_face import faces_at_rest
    from core.session.requests import WALK_TEMPERATURE

    index, sketcher = window.workspace.index, window.workspace.sketcher
    x, y = (float(v) for v in index.map_xy.mean(0))
    z = index.map_to_latent(np.array([[x, y]]))
    moving = sketcher.decode(z, temperature=WALK_TEMPERATURE, seed=0)[0]
    rested = faces_at_rest(sketcher, z, WALK_TEMPERATURE)[0]
    assert not np.array_equal(moving.points(), rested.points()), "this place's kept try differs"

    def shows(face) -> bool:
        shown = window.walk_panel.cursor_face.drawing
        return shown is not None and np.array_equal(shown.points(), face.points())

    window.map.move_cursor(x, y)
    qtbot.waitUntil(lambda: shows(rested), timeout=WAIT)
    window.session.show_rested((x + 1.0, y), moving)  # an answer for a place it has left
    assert shows(rested)


def test_clicking_a_dataset_point_shows_it_and_its_reconstruction(window, qtbot):
    window.map.pointClicked.emit(7)
    assert window.walk_panel.clicked_face.drawing.key == window.workspace.drawings[7].key
    qtbot.waitUntil(
        lambda: window.walk_panel.clicked_reconstruction.drawing is not None, timeout=WAIT
    )


def test_random_faces_and_more_like_this_cluster(window, qtbot):
    window.samples.set_temperature(0.5)
    window.samples.new.click()
    qtbot.waitUntil(lambda: len(window.samples.grid.faces()) == 16, timeout=WAIT)
    # the default: the model's own faces; the tiny model stores none, so the dataset's
    assert window.samples.source() == "model"
    assert window.samples.grid.views[0].caption == "like the dataset"
    window.samples.source_box.setCurrentIndex(window.samples.source_box.findData("prior"))
    window.samples.new.click()
    qtbot.waitUntil(lambda: window.samples.grid.views[0].caption == "from the prior", timeout=WAIT)
    assert window.prefs.value("random_faces_from") == "prior"
    window.samples.set_cluster(1)
    window.samples.like.click()
    qtbot.waitUntil(lambda: window.samples.grid.views[0].caption == "cluster 1", timeout=WAIT)


def test_interpolating_between_two_cluster_centres_fills_the_strip(window, qtbot):
    window.interpolation.end_a.setCurrentText("centre of cluster 0")  # as a person picks it
    window.interpolation.end_b.setCurrentText("centre of cluster 1")
    window.interpolation.steps.setValue(6)
    window.interpolation.go.click()
    qtbot.waitUntil(lambda: len(window.interpolation.strip.faces()) == 6, timeout=WAIT)
    window.interpolation.slider.setValue(5)
    assert window.interpolation.focus.drawing is window.interpolation.strip.faces()[5]


def test_finish_my_face_needs_a_start_and_then_gives_endings(window, qtbot, messages):
    window.completion.button.click()
    assert messages and "nothing to finish" in messages[-1]
    face = generate_faces(1, seed=24)[0]
    draw(window.canvas, face.with_strokes(face.strokes[:1]))
    window.completion.button.click()
    qtbot.waitUntil(lambda: len(window.completion.grid.faces()) == 6, timeout=WAIT)


def test_a_corrupt_dataset_gives_a_message_and_keeps_the_current_one(
    window, qtbot, tmp_path, messages
):
    bad = tmp_path / "broken.ndjson"
    bad.write_text('{"drawing": [[[1, 2], [3]]]}\n')
    before = window.workspace
    face = generate_faces(1, seed=25)[0]
    draw(window.canvas, face)
    window.loader.load(None, str(bad), keep_model=True)
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT)
    assert "broken.ndjson" in messages[-1]
    assert window.workspace is before
    assert len(window.canvas.strokes) == len(face.strokes)


def test_a_model_that_does_not_fit_gives_a_message_and_keeps_everything(
    window, qtbot, tmp_path, messages
):
    import dataclasses
    import json

    from safetensors.torch import save_file

    from core.model.modelfile import FORMAT
    from core.model.network import PRESETS, SketchRNN

    wrong = tmp_path / "wrong.safetensors"  # says tiny, holds weights of another size
    other = SketchRNN(dataclasses.replace(PRESETS["tiny"], z_size=8))
    metadata = {"format": FORMAT, "config": json.dumps(PRESETS["tiny"].to_dict()), "scale": "1"}
    save_file(dict(other.state_dict()), str(wrong), metadata=metadata)
    before = window.workspace
    face = generate_faces(1, seed=26)[0]
    draw(window.canvas, face)
    window.loader.load(str(wrong), str(before.data_path))
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT)
    assert "does not fit" in messages[-1]
    assert window.workspace is before
    assert len(window.canvas.strokes) == len(face.strokes)


def test_a_dataset_of_one_face_opens_and_the_drawing_stays(window, qtbot, tmp_path, messages):
    from core.drawings.formats import write_ndjson

    one = tmp_path / "one.ndjson"
    write_ndjson(generate_faces(1, seed=27), one)
    face = generate_faces(1, seed=28)[0]
    draw(window.canvas, face)
    window.loader.load(None, str(one), keep_model=True)
    qtbot.waitUntil(lambda: window.workspace.data_path.name == "one.ndjson", timeout=WAIT)
    qtbot.waitUntil(lambda: window.service.is_idle(), timeout=WAIT)
    assert len(window.workspace.index.mu) == 1
    assert len(window.canvas.strokes) == len(face.strokes)
    window.live.analyse_now()  # the drawing is still analysed against the one face
    qtbot.waitUntil(lambda: window.last_analysis is not None, timeout=WAIT)
    assert window.last_analysis.cluster == 0
    assert messages == []


def test_saving_to_the_collection_keeps_the_drawing(window, qtbot, private_home):
    from core.personal.collection import load_collection

    draw(window.canvas, generate_faces(1, seed=26)[0])
    window.keep(None, KeepAction.SAVE)
    window.keep(window.canvas.drawing(), KeepAction.SAVE)
    assert len(load_collection()) == 2
    assert "saved to your collection" in window.statusBar().currentMessage()


def test_temperature_and_layout_are_remembered(
    qtbot, tiny_model, procedural_file, tmp_path, messages
):
    settings = QSettings(str(tmp_path / "remember.ini"), QSettings.Format.IniFormat)
    first = create_window(model=str(tiny_model), data=str(procedural_file), settings=settings)
    qtbot.addWidget(first)
    first.samples.set_temperature(0.77)
    first.samples.set_source("prior")
    first.samples.set_spread(0.55)
    first.tabs.setCurrentIndex(2)
    first.close()
    second = create_window(model=str(tiny_model), data=str(procedural_file), settings=settings)
    qtbot.addWidget(second)
    assert second.samples.temperature() == pytest.approx(0.77)
    assert second.samples.source() == "prior"
    assert second.samples.spread() == pytest.approx(0.55)
    assert second.tabs.currentIndex() == 2
    second.close()


def test_the_chosen_number_of_clusters_is_used_remembered_and_kept_for_a_new_model(
    window, qtbot, tiny_model, procedural_file
):
    from PySide6.QtGui import QAction

    window.findChild(QAction, "clusters_3").trigger()
    qtbot.waitUntil(lambda: window.workspace.index.k == 3, timeout=WAIT)
    assert "3 clusters" in window.status.data.text()
    assert window.prefs.value("clusters") == "3"
    before = window.workspace
    window.loader.switch_model(str(tiny_model))  # as after a retrain
    qtbot.waitUntil(lambda: window.workspace is not before, timeout=WAIT)
    assert window.workspace.index.k == 3
    again = create_window(
        model=str(tiny_model), data=str(procedural_file), settings=window.prefs.settings
    )
    qtbot.addWidget(again)
    assert again.findChild(QAction, "clusters_3").isChecked()
    again.close()


def test_the_reconstruction_is_chosen_from_the_tries_the_person_picked_and_remembered(
    window, qtbot, tiny_model, procedural_file
):
    """Model > Reconstruction: by default the model's own pick of its tries (the drawing's
    pixels never consulted), or the closest to the drawing; the model's first try, or one of
    several. The drawing is redrawn at once and the choice is kept for the next start."""
    from PySide6.QtGui import QAction

    from core.drawings.metrics import DEFAULT_TRIES, FIRST_TRIES

    face = generate_faces(1, seed=23)[0]
    finished = []
    window.session.analysis_finished.connect(finished.append)
    with qtbot.waitSignal(window.reconstructionImproved, timeout=WAIT):
        draw(window.canvas, face)
    qtbot.waitUntil(lambda: window.service.is_idle(), timeout=WAIT)
    sketcher, drawing = window.workspace.sketcher, window.session.drawing
    assert window.findChild(QAction, f"tries_{DEFAULT_TRIES}").isChecked()
    assert window.findChild(QAction, "pick_model").isChecked()
    # at pen-up the model's pick of the first sixteen tries, then of all of them
    pen_up = finished[-1]
    assert pen_up.tries == FIRST_TRIES < DEFAULT_TRIES and pen_up.drawing is drawing
    first_tries = sketcher.reconstruct([drawing], tries=FIRST_TRIES, pick="model")[0]
    np.testing.assert_allclose(pen_up.reconstruction.points(), first_tries.points(), atol=1e-4)
    assert window.last_analysis.tries == DEFAULT_TRIES
    assert window.recon_box.title().endswith(f"its own pick of {DEFAULT_TRIES} tries")

    def shown_is(expected) -> bool:
        shown = window.reconstruction.drawing
        if shown is None or shown.num_points != expected.num_points:
            return False
        return np.allclose(shown.points(), expected.points(), atol=1e-4)

    assert shown_is(sketcher.reconstruct([drawing], pick="model")[0]), "what reconstruct gives"
    window.findChild(QAction, "pick_drawing").trigger()
    closest = sketcher.reconstruct([drawing], pick="drawing")[0]
    qtbot.waitUntil(lambda: shown_is(closest), timeout=WAIT)
    assert window.recon_box.title().endswith(f"the closest of {DEFAULT_TRIES} tries to the drawing")
    for tries in (1, 4):
        expected = sketcher.reconstruct([drawing], tries=tries, pick="drawing")[0]
        assert not shown_is(expected), "this face's nearest try is not its first"
        window.findChild(QAction, f"tries_{tries}").trigger()
        qtbot.waitUntil(lambda e=expected: shown_is(e), timeout=WAIT)
        said = "its first try" if tries == 1 else f"the closest of {tries} tries to the drawing"
        assert window.recon_box.title().endswith(said)
    assert window.prefs.value("tries") == "4" and window.prefs.value("pick") == "drawing"
    again = create_window(
        model=str(tiny_model), data=str(procedural_file), settings=window.prefs.settings
    )
    qtbot.addWidget(again)
    assert again.findChild(QAction, "tries_4").isChecked() and again.prefs.tries == 4
    assert again.findChild(QAction, "pick_drawing").isChecked() and again.prefs.pick == "drawing"
    again.close()


def test_loading_can_be_cancelled_and_the_open_dataset_stays(
    window, qtbot, procedural_file, tmp_path
):
    from core.drawings.formats import write_ndjson

    bigger = tmp_path / "bigger.ndjson"
    write_ndjson(generate_faces(3000, seed=8), bigger)
    before = window.workspace
    window.loader.load(None, str(bigger), keep_model=True)
    assert window.status.cancel_button.isVisible()
    window.status.cancel_button.click()
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage(), timeout=WAIT)
    assert window.workspace is before
    assert not window.status.cancel_button.isVisible()


def test_hovering_a_map_point_shows_its_face(window, qtbot):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtTest import QTest

    m, index = window.map, window.workspace.index
    xy = QPointF(*map(float, index.map_xy[5]))
    m.plotItem.vb.setRange(
        xRange=(xy.x() - 0.05, xy.x() + 0.05), yRange=(xy.y() - 0.05, xy.y() + 0.05)
    )
    over = m.mapFromScene(m.plotItem.vb.mapViewToScene(xy))
    QTest.mouseMove(m.viewport(), over)
    qtbot.waitUntil(m.hover.isVisible, timeout=5000)
    assert m.hover.drawing.key == window.workspace.drawings[m.face_near(xy.x(), xy.y())].key
    QTest.mouseMove(m.viewport(), over - QPoint(60, 60))  # (the thumbnail is below-right)
    qtbot.waitUntil(lambda: not m.hover.isVisible(), timeout=5000)


def test_a_clicked_face_is_forgotten_when_another_dataset_opens(window, qtbot, tmp_path):
    """The clicked face is an interpolation end; in a smaller dataset its old position would be
    another face or none (it raised IndexError), so opening another dataset forgets it, while
    re-clustering the same dataset keeps it."""
    from core.drawings.formats import write_ndjson
    from core.session.state import SELECTED

    window.map.pointClicked.emit(7)
    key = window.workspace.index.keys[7]
    assert SELECTED in window.session.ends()
    window.loader.set_clusters("3")  # the same dataset, clustered again: the face is still there
    qtbot.waitUntil(lambda: window.workspace.index.k == 3, timeout=WAIT)
    assert window.session.selected_key == key
    np.testing.assert_array_equal(window.session.end_source(SELECTED), window.workspace.index.mu[7])
    few = tmp_path / "few.ndjson"  # fewer faces than the clicked one's position
    write_ndjson(generate_faces(5, seed=40), few)
    window.loader.load(None, str(few), keep_model=True, k=2)
    qtbot.waitUntil(lambda: window.workspace.data_path.name == "few.ndjson", timeout=WAIT)
    ends = [
        window.interpolation.end_a.itemText(i) for i in range(window.interpolation.end_a.count())
    ]
    assert "clicked dataset face" not in ends
    assert window.walk_panel.clicked_face.drawing is None


@dataclass(frozen=True, eq=False)
class Hold(Request):
    """Keeps the worker busy until the test lets go."""

    key: ClassVar[str] = "hold"
    priority: ClassVar[int] = 0
    gate: threading.Event

    def run(self, report):
        return self.gate.wait(10)

    def apply(self, session, answer, early, continues):
        pass


def test_a_click_on_the_map_does_not_drop_a_waiting_completion(window, qtbot):
    """ "Finish my face" and the reconstruction of a clicked face are separate requests: one
    never replaces the other while both wait (both used to be "complete")."""
    face = generate_faces(1, seed=41)[0]
    draw(window.canvas, face.with_strokes(face.strokes[:2]))
    qtbot.waitUntil(window.service.is_idle, timeout=WAIT)
    gate = threading.Event()
    window.service.submit(Hold(gate))
    window.completion.button.click()
    window.map.pointClicked.emit(5)
    gate.set()
    qtbot.waitUntil(lambda: len(window.completion.grid.faces()) == 6, timeout=WAIT)
    qtbot.waitUntil(
        lambda: window.walk_panel.clicked_reconstruction.drawing is not None, timeout=WAIT
    )


def test_a_late_answer_for_the_stroke_in_progress_never_takes_the_pen_up_analysis_place(
    window, qtbot
):
    """While a stroke is drawn the window asks for live analyses; one answered just after the
    pen went up must not start the rest of its tries in the place of the pen-up's analysis
    (they share the live view's queue key). The drawing's whole analysis is what stays."""
    from PySide6.QtCore import QPoint

    face = generate_faces(1, seed=29)[0]
    *first_strokes, last = canvas_points(window.canvas, face)
    for stroke in first_strokes:
        draw_stroke(window.canvas, stroke)
    qtbot.waitUntil(window.service.is_idle, timeout=WAIT)
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(window.canvas, left, none, last[0])
    half = len(last) // 2
    for p in last[1:half]:
        QTest.mouseMove(window.canvas, QPoint(p))
    window.live.analyse_now()  # the live analysis of the stroke half drawn ...
    while not window.service.is_idle():  # ... answered, its answer not yet in the window
        threading.Event().wait(0.005)
    for p in last[half:]:
        QTest.mouseMove(window.canvas, QPoint(p))
    gate = threading.Event()
    window.service.submit(Hold(gate))
    QTest.mouseRelease(window.canvas, left, none, last[-1])  # the pen-up's analysis waits
    qtbot.wait(100)  # the live answer arrives
    gate.set()
    qtbot.waitUntil(window.service.is_idle, timeout=WAIT)
    qtbot.wait(100)
    whole = window.canvas.drawing()
    assert window.last_analysis.drawing.num_points == whole.num_points
    assert window.last_analysis.tries == window.prefs.tries


def test_junk_or_old_remembered_sampling_settings_open_at_safe_defaults(
    qtbot, tiny_model, procedural_file, tmp_path
):
    """A settings file with a temperature of -1, a spread of nan and the source every earlier
    version remembered for everyone ("dataset") opens with settings in range and the model's
    own faces."""
    from PySide6.QtCore import QSettings

    from core.base import limits
    from desktop.app import create_window

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("temperature", -1)
    settings.setValue("sample_spread", "nan")
    settings.setValue("sample_source", "dataset")
    w = create_window(model=str(tiny_model), data=str(procedural_file), settings=settings)
    qtbot.addWidget(w)
    assert w.samples.temperature() == limits.TEMPERATURE.low
    assert w.samples.spread() == 0.8
    assert w.samples.source() == "model"
    w.close()
