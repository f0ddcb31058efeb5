"""The canvas as a pen user meets it: a tablet's pressure shows in the line."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QImage, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from desktop.canvas import SketchCanvas

STYLUS: QPointingDevice | None = None  # one device for the whole run, as a real tablet


def stylus() -> QPointingDevice:
    global STYLUS
    if STYLUS is None:
        STYLUS = QPointingDevice(
            "test stylus",
            1,
            QInputDevice.DeviceType.Stylus,
            QPointingDevice.PointerType.Pen,
            QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
            1,
            3,
        )
    return STYLUS


def pen(canvas: SketchCanvas, kind: QEvent.Type, x: float, y: float, pressure: float) -> None:
    event = QTabletEvent(
        kind,
        stylus(),
        QPointF(x, y),
        canvas.mapToGlobal(QPointF(x, y)),
        pressure,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        Qt.KeyboardModifier.NoModifier,
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton,
    )
    QApplication.sendEvent(canvas, event)


def ink_height(canvas: SketchCanvas, x: int) -> int:
    """How many pixels of the column at x are inked."""
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return int((rows[:, x] < 128).sum())


def test_a_stroke_pressed_harder_as_it_goes_gets_thicker(qtbot):
    canvas = SketchCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 200)
    canvas.show()
    xs = np.linspace(40, 360, 40)
    pressures = np.linspace(0.1, 1.0, 40)
    pen(canvas, QEvent.Type.TabletPress, xs[0], 100, pressures[0])
    for x, p in zip(xs[1:], pressures[1:], strict=True):
        pen(canvas, QEvent.Type.TabletMove, x, 100, p)
    pen(canvas, QEvent.Type.TabletRelease, xs[-1], 100, pressures[-1])
    assert len(canvas.strokes) == 1
    assert canvas.pressures[0][0] < 0.2 and canvas.pressures[0][-1] > 0.9
    light, heavy = ink_height(canvas, 70), ink_height(canvas, 330)
    assert light >= 1 and heavy > light + 1
