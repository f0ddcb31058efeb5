"""What a person asks the model to draw from the window: the face under the map's cursor, a
dataset face redrawn, interpolations, random faces and completions. Turns the panels' asks into
requests; the answers come back through the session like every other."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from core.base.errors import SketchbookError
from core.session import requests
from core.session.state import End
from desktop.preferences import REST_MS


class GenerationActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self._rested_at: tuple[float, float] | None = None
        self.rest_timer = QTimer(self, singleShot=True, interval=REST_MS)
        self.rest_timer.timeout.connect(self._cursor_rested)

    def walk(self, x: float, y: float) -> None:
        """One try per place while the cursor moves; the closer face once it rests."""
        w = self.window
        if w.workspace is not None:
            places = w.session.walk_to((x, y))
            w.service.submit(requests.Walk(w.workspace, places))
            self._rested_at = (float(x), float(y))
            self.rest_timer.start()

    def _cursor_rested(self) -> None:
        w = self.window
        if w.workspace is not None and self._rested_at is not None:
            w.service.submit(requests.WalkRest(w.workspace, self._rested_at))

    def show_dataset_face(self, position: int) -> None:
        w = self.window
        if w.workspace is None:
            return
        w.session.select_face(position)
        w.service.submit(
            requests.ReconstructFace(w.workspace, position, w.prefs.tries, w.prefs.pick)
        )

    def interpolate(self, a: End, b: End, steps: int) -> None:
        w = self.window
        if w.workspace is None:
            return
        try:
            ends = [w.session.end_source(a), w.session.end_source(b)]
        except SketchbookError as exc:
            QMessageBox.information(w, "Interpolate", str(exc))
            return
        w.service.submit(requests.Interpolate(w.workspace, *ends, steps))

    def sample(self, temperature: float, cluster: int) -> None:
        w = self.window
        if w.workspace is None:
            return
        w.samples.remember(w.prefs)
        source, spread = w.samples.source(), w.samples.spread()
        chosen = None if cluster < 0 else cluster
        w.service.submit(
            requests.Sample(
                w.workspace, temperature, chosen, _fresh_seed(), source=source, spread=spread
            )
        )

    def complete(self, n: int) -> None:
        w = self.window
        if w.workspace is None:
            return
        if w.canvas.is_empty():
            QMessageBox.information(
                w, "Finish my face", "Draw part of a face first: there is nothing to finish."
            )
            return
        w.service.submit(requests.Complete(w.workspace, w.canvas.drawing(), n, _fresh_seed()))


def _fresh_seed() -> int:
    """Each click on "new faces" shows new ones."""
    return int(np.random.default_rng().integers(2**31))
