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


def synthetic_map(qtbot, n: int, k: int = 3):
    """A map of n faces in k far-apart blobs (no model needed: the map only draws an index)."""
    from core.drawings.packed import pack
    from core.drawings.strokes import Drawing
    from core.latent.index import LatentIndex
    from desktop.latent_map import LatentMap

    rng = np.random.default_rng(0)
    labels = np.arange(n) % k
    centres = np.array([[-10.0, 0.0], [10.0, 0.0], [0.0, 12.0]])[:k]
    xy = (centres[labels] + rng.normal(0, 1.0, (n, 2))).astype(np.float32)
    z = np.zeros((n, 4), np.float32)
    z[:, :2] = xy
    index = LatentIndex(
        mu=z,
        labels=labels,
        centroids=np.zeros((k, 4), np.float32),
        map_xy=xy,
        pca_mean=np.zeros(4, np.float32),
        pca_components=np.eye(2, 4, dtype=np.float32),
        cluster_means=np.zeros((k, 4), np.float32),
        cluster_chol=np.tile(np.eye(4, dtype=np.float32), (k, 1, 1)),
        medoids=np.arange(k),
        keys=[f"face{i}" for i in range(n)],
        silhouette=0.5,
        meta={},
    )
    faces = pack(Drawing([[[0, 0], [i % 50, 40]]], key=f"face{i}") for i in range(n))
    latent_map = LatentMap()
    qtbot.addWidget(latent_map)
    latent_map.resize(800, 600)
    latent_map.show()
    qtbot.waitExposed(latent_map)
    latent_map.set_index(index, faces)
    return latent_map, index


def test_a_big_dataset_reads_as_clusters_and_the_legend_hides_no_face(qtbot):
    from core.latent.palette import cluster_colour

    m, index = synthetic_map(qtbot, 30_000)
    assert m.density_mode and not m.scatters  # one image, not 30,000 dots
    qtbot.wait(200)  # the image is redrawn once the view settles
    image = m.grab().toImage()
    for c, centre in enumerate(([-10.0, 0.0], [10.0, 0.0], [0.0, 12.0])):
        p = pixel(m, *centre)
        seen = image.pixelColor(p)
        rgb = np.array([seen.red(), seen.green(), seen.blue()])
        # faded towards white by how crowded it is, but nearest to its own cluster's colour
        faded = [np.array(cluster_colour(j)) * 0.8 + 255 * 0.2 for j in range(index.k)]
        assert int(np.argmin([np.abs(rgb - f).sum() for f in faded])) == c
    view = m.mapFromScene(m.plotItem.vb.sceneBoundingRect()).boundingRect()
    assert m.legend.isVisible() and "2 (10,000)" in m.legend.text()
    assert m.legend.geometry().left() >= view.right() - 1  # beside the faces, not over them


def test_the_first_look_at_a_big_file_is_drawn_as_the_whole_will_be(qtbot):
    """5,000 faces of 160,000 while the rest encode: the density image, as the final map,
    not 5,000 dots to lay out on the GUI thread and throw away."""
    m, index = synthetic_map(qtbot, 5_000)
    assert not m.density_mode and m.scatters  # 5,000 faces that are the whole file: dots
    index.meta["preview_of"] = 160_000
    m.set_index(index, m.drawings)
    assert m.density_mode and not m.scatters
    qtbot.wait(200)
    image = m.grab().toImage()
    seen = image.pixelColor(pixel(m, 10.0, 0.0))
    assert (seen.red(), seen.green(), seen.blue()) != (255, 255, 255), "the faces are drawn"


def test_on_a_big_map_hover_and_click_find_the_face_under_the_mouse(qtbot):
    m, index = synthetic_map(qtbot, 30_000)
    m.plotItem.vb.scaleBy((0.05, 0.05), center=QPointF(*map(float, index.map_xy[123])))
    qtbot.wait(100)
    target = pixel(m, *index.map_xy[123])
    QTest.mouseMove(m.viewport(), target)
    qtbot.waitUntil(lambda: m.hover.isVisible(), timeout=5000)
    shown = m.hover.drawing.key
    assert shown == index.keys[m.face_near(*index.map_xy[123])]
    with qtbot.waitSignal(m.pointClicked, timeout=5000) as clicked:
        QTest.mouseClick(m.viewport(), LEFT, NONE, target)
    assert index.keys[clicked.args[0]] == shown
    cross = (m.cursor.pos().x(), m.cursor.pos().y())
    assert cross != tuple(index.map_xy[123])  # a click on a face shows it, it does not walk
