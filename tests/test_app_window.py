"""The desktop window opens (offscreen) through the public factory tests and scripts use."""

from __future__ import annotations


def test_create_window_builds_a_titled_window(qtbot):
    from desktop.app import create_window

    window = create_window()
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "Latent Sketchbook"
    assert window.isVisible()
