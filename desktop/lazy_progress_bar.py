"""A progress bar painted with the rest of the window, not on its own.

`QProgressBar.setValue` repaints at once when the bar or its text moves, and an immediate
repaint flushes every widget of the window that is waiting to be painted. On a pen-up the
cluster panel's confidence bar was painting the reconstruction, the thumbnails and the panel
before the map marker had moved (5.7 ms inside setValue, then everything again at the next
frame); during a load each progress report did the same. Here the new value is drawn at the
next frame, once, with everything else.
"""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar


class LazyProgressBar(QProgressBar):
    def setValue(self, value: int) -> None:  # noqa: N802 - Qt's name
        if value == self.value():
            return
        self.setUpdatesEnabled(False)  # so setValue's own repaint() does nothing...
        super().setValue(value)
        self.setUpdatesEnabled(True)  # ...and this schedules the bar's paint for the next frame
