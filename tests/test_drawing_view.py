"""How a single face is shown: the reconstruction appears point by point, in place."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from core.drawings.strokes import Drawing
from desktop.drawing_view import DrawingView


def ink(view: DrawingView) -> np.ndarray:
    """Which pixels of the view are drawn on (dark), as a boolean array."""
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return rows[:, : image.width()] < 128


def test_an_animated_face_grows_in_place_instead_of_zooming(qtbot):
    """What is drawn first stays where it is in the finished face, so the person watches the
    model draw rather than a picture that rescales every frame."""
    view = DrawingView(animate=True)
    qtbot.addWidget(view)
    view.resize(240, 240)
    angles = np.linspace(0, 2 * np.pi, 40)
    head = np.stack([110 + 100 * np.cos(angles), 110 + 100 * np.sin(angles)], 1)
    eye = np.array([[80.0, 90.0], [95.0, 92.0], [100.0, 100.0]])
    face = Drawing([eye, head])  # eyes first, as some people draw
    view.set_drawing(face)
    view._timer.stop()  # hold the animation at its first frames
    view._shown_points = len(eye)
    early = ink(view)
    view._timer.start()
    qtbot.waitUntil(lambda: not view._timer.isActive(), timeout=5000)
    final = ink(view)
    grown = final.copy()  # one pixel of slack for antialiasing
    grown[1:] |= final[:-1]
    grown[:-1] |= final[1:]
    grown[:, 1:] |= final[:, :-1]
    grown[:, :-1] |= final[:, 1:]
    frame = np.zeros_like(early)
    frame[3:-3, 3:-3] = True  # the border line is not the face
    drawn_early = early & frame
    assert drawn_early.sum() > 10
    assert (drawn_early & grown).sum() / drawn_early.sum() > 0.95
    assert final.sum() > early.sum()


def test_a_face_with_no_points_shows_an_empty_frame(qtbot):
    """A barely-trained model can decode a face with no points (pen up at once); the view shows
    a blank frame instead of raising inside its paint event."""
    for animate in (False, True):
        view = DrawingView(animate=animate, caption="its reconstruction")
        qtbot.addWidget(view)
        view.resize(120, 120)
        view.set_drawing(Drawing([]))
        frame = np.zeros((120, 120), bool)
        frame[4:-20, 4:-4] = True  # inside the border, above the caption
        assert not (ink(view) & frame).any()
