"""Never frozen: a flood of pen events and a stroke of 100,000 points keep the background queue
at one request per kind, and the window answers with the newest drawing."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

WAIT = 120_000


def test_a_flood_of_pen_moves_never_grows_the_queue(window, qtbot, wait_for_answer):
    canvas = window.canvas
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(canvas, left, Qt.KeyboardModifier.NoModifier, QPoint(200, 200))
    longest_queue = 0
    for i in range(3000):  # a tablet's worth of moves, each followed by an event-loop turn
        t = i / 40
        point = QPoint(200 + round(120 * math.cos(t)), 200 + round(120 * math.sin(1.3 * t)))
        QTest.mouseMove(canvas, point)
        if i % 10 == 0:
            qtbot.wait(0)
        longest_queue = max(longest_queue, len(window.service.queue.waiting_keys()))
    QTest.mouseRelease(canvas, left, Qt.KeyboardModifier.NoModifier, QPoint(200, 200))
    assert longest_queue <= 2, "at most one analysis waiting (and one other kind)"
    wait_for_answer()  # the newest drawing is answered
    assert window.reconstruction.drawing is not None


def test_a_stroke_of_100000_points_is_answered(window, qtbot, wait_for_answer):
    canvas = window.canvas
    canvas.begin_stroke(100, 100)
    for i in range(100_000):
        t = i / 500
        canvas.extend_stroke(300 + 150 * math.cos(t) * (1 + i / 1e6), 300 + 150 * math.sin(t))
    canvas.end_stroke()
    assert len(canvas.strokes[0]) > 10_000
    wait_for_answer(WAIT)
    assert window.reconstruction.drawing.num_points > 0
