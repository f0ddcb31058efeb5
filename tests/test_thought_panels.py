"""Averages, face arithmetic and favourites in the window, driven as a person would."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from core.drawings.faces import generate_faces
from desktop.keep import KeepAction
from desktop.replay import draw

WAIT = 60_000
CTRL = Qt.KeyboardModifier.ControlModifier


def pixel(latent_map, x: float, y: float):
    return latent_map.mapFromScene(latent_map.plotItem.vb.mapViewToScene(QPointF(x, y)))


def ctrl_drag(latent_map, corners: list[tuple[float, float]]) -> None:
    widget = latent_map.viewport()
    points = [pixel(latent_map, *c) for c in corners]
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, CTRL, points[0])
    for p in points[1:]:
        QTest.mouseMove(widget, p)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, CTRL, points[-1])


def test_a_box_ctrl_dragged_on_the_map_shows_the_average_face_and_its_members(window, qtbot):
    m, xy = window.map, window.workspace.index.map_xy
    lo, hi = xy.min(0), xy.max(0)
    corners = [tuple(lo + t * (hi - lo)) for t in np.linspace(0.0, 0.6, 8)]
    cross = (m.cursor.pos().x(), m.cursor.pos().y())
    ctrl_drag(m, corners)
    qtbot.waitUntil(lambda: window.average.average.drawing is not None, timeout=WAIT)
    box = m.view_box.box.rect()  # as drawn from the mouse's pixels
    x, y = xy[:, 0], xy[:, 1]
    inside = ((x >= box.left()) & (x <= box.right()) & (y >= box.top()) & (y <= box.bottom())).sum()
    assert inside > 10 and f"{inside} faces" in window.average.caption.text()
    assert 0 < len(window.average.members.faces()) <= 12
    assert window.tabs.currentWidget() is window.average
    assert (m.cursor.pos().x(), m.cursor.pos().y()) == cross  # selecting never walks


def test_an_empty_box_says_so_and_averages_nothing(window, qtbot):
    m, xy = window.map, window.workspace.index.map_xy
    m.plotItem.vb.scaleBy((3, 3))
    (x0, _), (y0, y1) = m.plotItem.vb.viewRange()
    left = (x0 + xy[:, 0].min()) / 2
    ctrl_drag(m, [(left - 0.01, y0 + 0.4 * (y1 - y0)), (left, y0 + 0.5 * (y1 - y0))])
    assert "holds no faces" in window.statusBar().currentMessage()
    assert window.average.average.drawing is None


def test_face_arithmetic_needs_its_ends_and_then_answers_live(window, qtbot):
    window.tabs.setCurrentWidget(window.arithmetic)  # A is the drawing, and there is none
    qtbot.waitUntil(lambda: "canvas is empty" in window.arithmetic.status.text(), timeout=WAIT)
    draw(window.canvas, generate_faces(1, seed=60)[0])
    window.arithmetic.slider.setValue(150)
    qtbot.waitUntil(lambda: window.arithmetic.result.drawing is not None, timeout=WAIT)
    assert window.arithmetic.status.text() == ""
    first = window.arithmetic.result.drawing
    window.arithmetic.ends["c"].setCurrentText("centre of cluster 2")
    qtbot.waitUntil(lambda: window.arithmetic.result.drawing is not first, timeout=WAIT)
    second = window.arithmetic.result.drawing
    draw(window.canvas, generate_faces(1, seed=63)[0])  # A is the drawing: more strokes, new A
    qtbot.waitUntil(lambda: window.arithmetic.result.drawing is not second, timeout=WAIT)


def test_hearted_faces_are_on_the_shelf_and_still_there_next_time(
    window, qtbot, tmp_path, messages
):
    from PySide6.QtCore import QSettings

    from desktop.app import create_window

    panel = window.favourites_panel
    assert not panel.train.isEnabled() and "No favourites yet" in panel.count.text()
    draw(window.canvas, generate_faces(1, seed=61)[0])
    QTest.keyClick(window, Qt.Key.Key_D, CTRL)  # the drawing itself
    for face in generate_faces(3, seed=62):
        window.keep(face, KeepAction.FAVOURITE, "generated")
    assert len(panel.grid.faces()) == 4 and "4 favourites" in panel.count.text()
    assert not panel.train.isEnabled()  # 12 are needed
    window.keep(panel.grid.faces()[0], KeepAction.UNFAVOURITE)
    assert len(panel.grid.faces()) == 3
    window.close()  # a clean close: the next start restores the drawing without asking
    settings = QSettings(str(tmp_path / "again.ini"), QSettings.Format.IniFormat)
    again = create_window(settings=settings)
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.ready, timeout=WAIT):
        again.show()
    assert len(again.favourites_panel.grid.faces()) == 3
    assert messages == []  # nothing asked: the close was a clean one
    again.close()


def test_faces_ctrl_clicked_in_a_grid_are_averaged(window, qtbot, messages):
    window.samples.new.click()
    grid = window.samples.grid
    qtbot.waitUntil(lambda: len(grid.faces()) == 16, timeout=WAIT)
    for i in (0, 3, 5, 3, 7):  # clicking 3 again takes it out
        QTest.mouseClick(grid.views[i], Qt.MouseButton.LeftButton, CTRL)
    assert grid.selected == {0, 5, 7}
    assert [v.selected for v in grid.views[:8]] == [1, 0, 0, 0, 0, 1, 0, 1]
    grid.request_average()  # what the right-click menu's first entry does
    qtbot.waitUntil(
        lambda: window.average.average.drawing is not None or bool(messages), timeout=WAIT
    )
    assert messages == []
    assert "the 3 selected faces" in window.average.caption.text()
    window.samples.new.click()  # new faces: the selection is gone with the old ones
    qtbot.waitUntil(lambda: not grid.selected, timeout=WAIT)
