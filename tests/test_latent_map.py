"""The map under a real mouse: a press anywhere walks, Shift pans, Ctrl-drag selects."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

WAIT = 60_000
LEFT, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def pixel(latent_map, x: float, y: float) -> QPoint:
    """Where map coordinates (x, y) are on the map's viewport."""
    return latent_map.mapFromScene(latent_map.plotItem.vb.mapViewToScene(QPointF(x, y)))


def drag(widget, points: list[QPoint], modifier=NONE) -> None:
    QTest.mousePress(widget, LEFT, modifier, points[0])
    for p in points[1:]:
        QTest.mouseMove(widget, p)
    QTest.mouseRelease(widget, LEFT, modifier, points[-1])


def margin_points(latent_map, n: int) -> list[tuple[float, float]]:
    """Map places left of every face (the view is zoomed out so there is room)."""
    latent_map.plotItem.vb.scaleBy((3, 3))
    (x0, x1), (y0, y1) = latent_map.plotItem.vb.viewRange()
    data = latent_map.index.map_xy
    left = (x0 + data[:, 0].min()) / 2
    return [(left, y) for y in np.linspace(y0 + 0.3 * (y1 - y0), y0 + 0.7 * (y1 - y0), n)]


def test_a_drag_that_starts_on_the_background_walks_instead_of_panning(window, qtbot):
    m = window.map
    places = margin_points(m, 8)
    view_before = m.plotItem.vb.viewRange()
    drag(m.viewport(), [pixel(m, *p) for p in places])
    qtbot.waitUntil(lambda: window.walk_panel.cursor_face.drawing is not None, timeout=WAIT)
    end = m.cursor.pos()
    np.testing.assert_allclose([end.x(), end.y()], places[-1], rtol=0.05, atol=0.05)
    np.testing.assert_allclose(m.plotItem.vb.viewRange(), view_before)


def test_a_click_on_an_empty_place_moves_the_cross_there(window, qtbot):
    m = window.map
    (place,) = margin_points(m, 1)
    QTest.mouseClick(m.viewport(), LEFT, NONE, pixel(m, *place))
    np.testing.assert_allclose(
        [m.cursor.pos().x(), m.cursor.pos().y()], place, rtol=0.05, atol=0.05
    )
    qtbot.waitUntil(lambda: window.walk_panel.cursor_face.drawing is not None, timeout=WAIT)


def test_shift_drag_pans_and_leaves_the_cross_alone(window):
    m = window.map
    places = margin_points(m, 8)
    cross = (m.cursor.pos().x(), m.cursor.pos().y())
    view_before = np.array(m.plotItem.vb.viewRange())
    drag(m.viewport(), [pixel(m, *p) for p in places], Qt.KeyboardModifier.ShiftModifier)
    assert (m.cursor.pos().x(), m.cursor.pos().y()) == cross
    assert not np.allclose(np.array(m.plotItem.vb.viewRange()), view_before)
