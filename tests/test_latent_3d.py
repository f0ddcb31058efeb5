"""The 3-D view: where no OpenGL can be had it says so and the window goes on; under a real
display with Mesa's software OpenGL it draws the points and a click picks a face."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from core.latent.space3d import Space3D

WAIT = 60_000


def test_the_three_directions_are_those_of_most_spread():
    rng = np.random.default_rng(0)
    mu = rng.standard_normal((500, 8)) * np.array([5, 0.1, 3, 0.1, 0.1, 1, 0.1, 0.1])
    space = Space3D.fit(mu)
    assert [int(np.argmax(np.abs(a))) for a in space.axes] == [0, 2, 5]
    places = space.place(mu)
    assert places.shape == (500, 3) and 1.0 < np.ptp(places[:, 0]) < 6.0
    np.testing.assert_allclose(space.place(mu[:1]), places[:1], atol=1e-6)


def test_without_opengl_the_view_says_so_and_the_window_goes_on(window, qtbot):
    from PySide6.QtWidgets import QLabel

    from core.drawings.faces import generate_faces
    from desktop.replay import draw

    window.map_tabs.setCurrentWidget(window.space_3d)
    note = window.space_3d.findChild(QLabel, "latent3dUnavailable")
    assert note is not None and "needs OpenGL" in note.text()
    assert "offscreen" in note.text()
    with qtbot.waitSignal(window.analysisShown, timeout=WAIT):
        draw(window.canvas, generate_faces(1, seed=70)[0])
    window.map_tabs.setCurrentWidget(window.map)
    assert window.last_analysis is not None


SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    from types import SimpleNamespace
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from desktop.latent_3d import Latent3D

    view = Latent3D()
    view.resize(400, 400)
    view.show()
    app.processEvents()
    if view.problem:
        print("NOGL", view.problem)
        sys.exit(0)
    rng = np.random.default_rng(0)
    index = SimpleNamespace(mu=rng.standard_normal((300, 16)), labels=np.arange(300) % 3, k=3)
    view.set_index(index)
    for _ in range(20):
        app.processEvents()
    image = view.view.grabFramebuffer()
    pixels = np.array([[image.pixelColor(x, y).lightness() for x in range(0, 400, 2)]
                       for y in range(0, 400, 2)])
    print("INK", float((pixels < 200).mean()))
    picked = []
    view.pointClicked.connect(picked.append)
    x, y = view.screen_positions()[17]
    QTest.mouseClick(view.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(round(x), round(y)))
    app.processEvents()
    print("PICKED", picked)
    """
)


def test_under_a_real_display_the_points_are_drawn_and_a_click_picks_a_face(tmp_path):
    if shutil.which("xvfb-run") is None:
        pytest.skip("no Xvfb here (Debian: apt-get install xvfb libgl1-mesa-dri)")
    script = tmp_path / "gl_view.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "LIBGL_ALWAYS_SOFTWARE": "1"}
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 800x600x24", sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=os.getcwd(),
    )
    out = done.stdout
    if "NOGL" in out or "could not load the Qt platform plugin" in done.stderr:
        pytest.skip(f"no OpenGL under Xvfb here: {out.strip() or done.stderr.strip()[-200:]}")
    assert done.returncode == 0, done.stderr[-500:]
    ink = float(out.split("INK")[1].split()[0])
    assert ink > 0.002, "the points were not drawn"
    assert "PICKED [17]" in out
