"""A menu of mutually exclusive choices (map projection, number of clusters): one checked
item, each with a stable objectName, the choice handed on as a string."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu


def fill_choice_menu(
    menu: QMenu,
    choices: Sequence[tuple[str, str]],
    current: str,
    on_choose: Callable[[str], None],
    name: str,
    disabled: dict[str, str] | None = None,
) -> dict[str, QAction]:
    """Add one checkable action per (value, text); `disabled` maps a value to why it is off."""
    group = QActionGroup(menu)
    actions = {}
    for value, text in choices:
        action = QAction(text, menu, checkable=True)
        action.setObjectName(f"{name}_{value}")
        action.setChecked(value == current)
        action.triggered.connect(lambda _=False, v=value: on_choose(v))
        if disabled and value in disabled:
            action.setEnabled(False)
            action.setText(f"{text} - {disabled[value]}")
        group.addAction(action)
        menu.addAction(action)
        actions[value] = action
    return actions
