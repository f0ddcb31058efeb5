"""A combo box of thought-vector ends (the drawing, the last generated face, the clicked
dataset face, cluster centres), shared by the interpolation and arithmetic panels."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from core.session.state import End


def fill_end_combo(combo: QComboBox, ends: list[End], default: int) -> None:
    """Offer `ends`; the combo keeps its choice while that end is still on offer, else takes
    the `default`-th (or the last)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for end in ends:
        combo.addItem(end.label, end)
    i = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(i if i >= 0 else min(default, len(ends) - 1))
    combo.blockSignals(False)
