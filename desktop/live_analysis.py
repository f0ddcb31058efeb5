"""The live view of the drawing: an analysis at once and then every LIVE_MS while a stroke is
drawn, one at each pen-up, undo or redo, and, once the pen-up's answer is whole, the rest of
Model > Reconstruction's tries. Turns the canvas's changes into requests; the answers come back
through the session like every other."""

from __future__ import annotations

from PySide6.QtCore import QObject

from core.base import trace
from core.drawings.metrics import FIRST_TRIES
from core.session import requests
from desktop.preferences import LIVE_MS


def reconstruction_title(tries: int, pick: str) -> str:
    """The reconstruction box's title: it says how the face shown was chosen."""
    if tries == 1:
        how = "its first try"
    elif pick == "drawing":
        how = f"the closest of {tries} tries to the drawing"
    else:
        how = f"its own pick of {tries} tries"
    return f"The model's reconstruction: {how}"


class LiveAnalysis(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        # superqt's import (~100 ms: qtpy and all of superqt's widgets) is paid here, before
        # the window is shown (0.1 s of a 1.5 s budget), not after it, where it froze the
        # window for 100 ms just as the map came up
        from superqt.utils import qthrottled

        self._while_drawing = qthrottled(self.analyse_now, timeout=LIVE_MS)

    def start(self) -> None:
        """While a stroke is drawn: an analysis at once, then the newest every LIVE_MS."""
        self.window.canvas.strokeMoved.connect(self._while_drawing)
        session = self.window.session
        session.analysis_finished.connect(self._finished)
        session.reconstruction_improved.connect(self._improved)

    def drawing_changed(self) -> None:
        """Pen-up, undo, redo: one analysis of the newest drawing (a trailing live request
        would only repeat it)."""
        canvas = self.window.canvas
        if not canvas.is_empty() and not canvas.current:
            if self._while_drawing is not None:
                self._while_drawing.cancel()
            self.analyse_now()

    def analyse_now(self) -> None:
        """Ask for the newest drawing's analysis; older requests still waiting are dropped."""
        w = self.window
        if w.workspace is None or w.canvas.is_empty():
            return
        drawing = w.canvas.drawing()
        w.session.drawing = drawing
        trace.mark("gui: submitted")
        tries, epoch = min(w.prefs.tries, FIRST_TRIES), w.session.drawing_epoch
        w.service.submit(requests.Analyse(w.workspace, drawing, epoch, tries, w.prefs.pick))

    def set_tries(self, value: str) -> None:
        """Model > Reconstruction: remembered, and the drawing is redrawn at once."""
        w = self.window
        w.prefs.set("tries", value)
        w.recon_box.setTitle(reconstruction_title(w.prefs.tries, w.prefs.pick))
        self.analyse_now()

    def set_pick(self, value: str) -> None:
        """Model > Reconstruction, who chooses: remembered, and the drawing is redrawn at once."""
        w = self.window
        w.prefs.set("pick", value)
        w.recon_box.setTitle(reconstruction_title(w.prefs.tries, w.prefs.pick))
        self.analyse_now()

    def _finished(self, analysis) -> None:
        """The pen-up's answer is whole: its face is the nearest of the first tries; once the pen
        is up, the rest of Model > Reconstruction's tries follow (a newer stroke stops them).
        Only for the newest analysis asked: a live one of the stroke, answered just after the
        pen went up, would otherwise take the waiting pen-up analysis's place in the queue."""
        w = self.window
        w.recon_box.setTitle(reconstruction_title(analysis.tries, analysis.pick))
        newest = w.service.queue.latest.get("analyse") == w.session.shown("analyse")
        if analysis.tries < w.prefs.tries and not w.canvas.current and newest:
            w.service.submit(requests.MoreTries(w.workspace, analysis, w.prefs.tries))
        w.analysisShown.emit()

    def _improved(self, analysis) -> None:
        w = self.window
        w.reconstruction.extend_drawing(analysis.reconstruction)
        w.recon_box.setTitle(reconstruction_title(analysis.tries, analysis.pick))
        w.reconstructionImproved.emit()
