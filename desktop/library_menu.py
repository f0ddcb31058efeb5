"""Model > Models: the person's model library as a menu (the default always first), with the
current one ticked, and renaming and deleting (after a confirmation) of library models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

from core.base.errors import SketchbookError
from core.personal import library


class LibraryMenu(QMenu):
    modelChosen = Signal(str)  # path of a model to load

    def __init__(self, current: Callable[[], str | None], parent: QWidget):
        super().__init__("Models", parent)
        self.setObjectName("modelLibraryMenu")
        self.current = current
        self.aboutToShow.connect(self.rebuild)  # read when opened, not at window start-up

    def rebuild(self) -> None:
        self.clear()
        group = QActionGroup(self)
        current = self.current()
        models = library.list_models()
        for model in models:
            action = QAction(model.name, self, checkable=True)
            action.setToolTip(model.describe())
            action.setChecked(current is not None and Path(current) == model.path)
            action.triggered.connect(lambda _=False, p=str(model.path): self.modelChosen.emit(p))
            group.addAction(action)
            self.addAction(action)
        self.setToolTipsVisible(True)
        self.addSeparator()
        mine = self._current_library_model(models)
        rename = self.addAction("Rename current model...", self.rename_current)
        delete = self.addAction("Delete current model...", self.delete_current)
        rename.setEnabled(mine is not None)
        delete.setEnabled(mine is not None)

    def _current_library_model(
        self, models: list[library.LibraryModel] | None = None
    ) -> library.LibraryModel | None:
        current = self.current()
        for model in models if models is not None else library.list_models():
            if not model.builtin and current and Path(current) == model.path:
                return model
        return None

    def rename_current(self) -> None:
        model = self._current_library_model()
        if model is None:
            return
        new, ok = QInputDialog.getText(
            self.parentWidget(), "Rename model", "New name:", text=model.name
        )
        if not ok or new.strip() == model.name:
            return
        try:
            path = library.rename(model.name, new)
        except (SketchbookError, OSError) as exc:
            QMessageBox.warning(self.parentWidget(), "Rename model", str(exc))
            return
        self.modelChosen.emit(str(path))

    def delete_current(self) -> None:
        model = self._current_library_model()
        if model is None:
            return
        answer = QMessageBox.question(
            self.parentWidget(),
            "Delete model",
            f"Delete '{model.name}' from your model library? This cannot be undone.\n"
            "The default model is loaded instead.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            library.delete(model.name)
        except (SketchbookError, OSError) as exc:
            QMessageBox.warning(self.parentWidget(), "Delete model", str(exc))
            return
        self.modelChosen.emit(str(library.list_models()[0].path))
