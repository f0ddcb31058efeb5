"""The window's menu bar: File, Edit, Model and Help, each action wired to the window's own
methods (the window keeps what it does; this only lays the menus out)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from desktop.choice_menu import fill_choice_menu
from desktop.keep import KeepAction
from desktop.library_menu import LibraryMenu
from desktop.preferences import CLUSTER_COUNTS, TRIES_OFFERED

if TYPE_CHECKING:
    from desktop.canvas import SketchCanvas
    from desktop.live_analysis import LiveAnalysis
    from desktop.preferences import Preferences
    from desktop.retrain import Retrainer
    from desktop.workspace_loader import WorkspaceLoader


class MenuOwner(Protocol):
    """What the menus need of the window they are built into (the main window is one): the
    menus know these parts, never the window's class, so the window may import them."""

    canvas: SketchCanvas
    live: LiveAnalysis
    loader: WorkspaceLoader
    prefs: Preferences
    retrainer: Retrainer
    model_menu: QMenu
    library_menu: LibraryMenu
    undo_action: QAction
    redo_action: QAction

    @property
    def workspace(self): ...

    def menuBar(self) -> QMenuBar: ...  # noqa: N802 - Qt's name

    def keep(self, face, action: KeepAction) -> None: ...

    def retrain(self) -> None: ...

    def about(self) -> None: ...

    def close(self) -> bool: ...


def add_action(
    window: MenuOwner, menu, text: str, slot, shortcut=None, name: str | None = None
) -> QAction:
    """One menu action: its text, what it calls, its shortcut and a stable objectName."""
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    if name:
        action.setObjectName(name)
    menu.addAction(action)
    return action


def build_menus(w: MenuOwner) -> None:
    """File, Edit, Model and Help, each action wired to the window's own methods."""
    bar = w.menuBar()
    file = bar.addMenu("&File")
    add_action(
        w,
        file,
        "Open dataset...",
        w.loader.open_dataset,
        QKeySequence.StandardKey.Open,
        "openDataset",
    )
    file.addMenu(w.loader.recent_menu)
    add_action(w, file, "Open model...", w.loader.open_model, "Ctrl+Shift+O", "openModel")
    file.addSeparator()
    for text, action, shortcut, name in (
        ("Save drawing to collection", KeepAction.SAVE, QKeySequence.StandardKey.Save,
         "saveToCollection"),
        ("Export drawing as PNG...", KeepAction.EXPORT_PNG, "Ctrl+E", None),
        ("Export drawing as SVG...", KeepAction.EXPORT_SVG, "Ctrl+Shift+E", None),
    ):  # fmt: skip
        add_action(w, file, text, lambda _=False, a=action: w.keep(None, a), shortcut, name)
    add_action(
        w, file, "Show my collection on the map", w.loader.show_collection, None, "showCollection"
    )
    file.addSeparator()
    add_action(w, file, "Quit", w.close, QKeySequence.StandardKey.Quit)
    edit = bar.addMenu("&Edit")
    add_action(
        w,
        edit,
        "Add drawing to favourites",
        lambda: w.keep(None, KeepAction.FAVOURITE),
        "Ctrl+D",
        "favouriteDrawing",
    )
    w.undo_action = add_action(
        w, edit, "Undo stroke", w.canvas.undo, QKeySequence.StandardKey.Undo, "undo"
    )
    w.redo_action = add_action(w, edit, "Redo stroke", w.canvas.redo, "Ctrl+Shift+Z", "redo")
    add_action(w, edit, "Clear drawing", w.canvas.clear, QKeySequence.StandardKey.New, "clear")
    add_action(
        w,
        edit,
        "Copy drawing",
        lambda: w.keep(None, KeepAction.COPY),
        QKeySequence.StandardKey.Copy,
    )
    w.model_menu = bar.addMenu("&Model")
    add_action(w, w.model_menu, "Retrain on cluster...", lambda: w.retrain(), "Ctrl+R", "retrain")
    add_action(
        w,
        w.model_menu,
        "Train a model on this dataset...",
        lambda: w.retrainer.train_on_dataset(),
        None,
        "trainOnDataset",
    )
    w.library_menu = LibraryMenu(lambda: w.workspace.sketcher.path if w.workspace else None, w)
    w.library_menu.modelChosen.connect(w.loader.switch_model)
    w.model_menu.addMenu(w.library_menu)
    _map_menus(w)
    w.model_menu.addSeparator()
    add_action(w, w.model_menu, "Re-index dataset", w.loader.reindex, None, "reindex")
    help_menu = bar.addMenu("&Help")
    add_action(w, help_menu, "About Latent Sketchbook", w.about)
    w.loader.refresh_recent()


def _map_menus(w: MenuOwner) -> None:
    from core.latent.projections import umap_available

    fill_choice_menu(
        w.model_menu.addMenu("Map projection"),
        [("pca", "PCA (stable, invertible)"), ("umap", "UMAP (keeps neighbours)")],
        w.prefs.projection,
        w.loader.set_projection,
        "projection",
        disabled=None if umap_available() else {"umap": "needs: pip install umap-learn"},
    )
    fill_choice_menu(
        w.model_menu.addMenu("Number of clusters"),
        [("auto", "Automatic (best silhouette)")]
        + [(str(k), f"{k} clusters") for k in CLUSTER_COUNTS],
        w.prefs.clusters,
        w.loader.set_clusters,
        "clusters",
    )
    reconstruction = w.model_menu.addMenu("Reconstruction")
    fill_choice_menu(
        reconstruction,
        [("model", "The model's own pick (the try it encodes nearest z)")]
        + [("drawing", "Closest to my drawing (chosen with the drawing in hand)")],
        w.prefs.pick,
        w.live.set_pick,
        "pick",
    )
    reconstruction.addSeparator()
    fill_choice_menu(
        reconstruction,
        [("1", "The model's first try")]
        + [(str(t), f"Of {t} tries") for t in TRIES_OFFERED if t > 1],
        str(w.prefs.tries),
        w.live.set_tries,
        "tries",
    )
