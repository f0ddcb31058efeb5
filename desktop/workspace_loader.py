"""Opening a model and a dataset: File > Open, Open recent, the model library, re-indexing with
another projection or number of clusters, and what the window says while a load goes on, when
its first look is up, when every face is mapped and when the weights are in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from core.base.gc_pauses import freeze_long_lived
from core.session import requests
from core.session.state import Session
from desktop.inference import InferenceService
from desktop.preferences import Preferences
from desktop.work_status import WorkStatus

DATA_FILTER = "Drawings (*.ndjson *.npz *.bin *.json);;All files (*)"
MODEL_FILTER = "Latent Sketchbook models (*.safetensors);;All files (*)"


class WorkspaceLoader(QObject):
    """Submits the loads and shows their outcome; the workspace itself lives in the session."""

    ready = Signal()  # the map and the weights are in (tests and benchmarks wait for it)
    opened = Signal()  # a workspace is whole: every face mapped

    def __init__(
        self,
        parent: QWidget,
        session: Session,
        service: InferenceService,
        prefs: Preferences,
        status: WorkStatus,
        drawing_waits: Callable[[], None],
    ) -> None:
        super().__init__(parent)
        self.session, self.service, self.prefs, self.status = session, service, prefs, status
        self.drawing_waits = drawing_waits  # analyse the canvas' drawing under the new model
        self.closed = False  # the window closed: a start-up load scheduled before is dropped
        self.recent_menu = QMenu("Open recent", parent)

    def listen(self) -> None:
        """Take the session's load events; called after the panels bind, so `ready` comes
        when they already show the new workspace."""
        self.session.workspace_changed.connect(self._loaded)
        self.session.model_loaded.connect(self._model_loaded)

    # ---------------------------------------------------------------- asking
    def load(
        self,
        model: str | None,
        data: str | None,
        keep_model: bool = False,
        k: int | str | None = None,
    ) -> None:
        """Load a model and dataset in the background; the current ones stay usable until then.
        `k` None: the number of clusters the person chose (Model > Number of clusters)."""
        if self.closed:
            return  # a start-up load scheduled before the window was closed
        ws = self.session.workspace
        keep = ws.sketcher if keep_model and ws else None
        k = self.prefs.k if k is None else k
        self.service.submit(requests.LoadWorkspace(model, data, k, self.prefs.projection, keep))
        self.status.busy("loading the model and dataset")

    def data_path(self) -> str | None:
        ws = self.session.workspace
        return str(ws.data_path) if ws else None

    def open_dataset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parent(), "Open a dataset", "", DATA_FILTER)
        if path:
            self.prefs.remember("data", path)
            self.refresh_recent()
            self.load(None, path, keep_model=True)

    def open_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parent(), "Open a model", "", MODEL_FILTER)
        if path:
            self.load(path, self.data_path())

    def switch_model(self, path: str) -> None:
        """Load another model over the same dataset (the map is rebuilt under it)."""
        self.load(path, self.data_path())

    def reindex(self) -> None:
        if self.session.workspace:
            self.load(None, self.data_path(), keep_model=True)

    def set_projection(self, name: str) -> None:
        """Lay the map out again with another projection (the clusters stay the same)."""
        self.prefs.set("projection", name)
        self.reindex()

    def set_clusters(self, value: str) -> None:
        """Cluster the dataset again into this many clusters ("auto": the best silhouette);
        remembered, and kept when the model changes (after a retrain too)."""
        self.prefs.set("clusters", value)
        self.reindex()

    def show_collection(self) -> None:
        from core.base.paths import collection_path

        path = collection_path()
        if not path.exists():
            QMessageBox.information(
                self.parent(),
                "Your collection",
                "Your collection is empty: save a drawing first (Ctrl+S).",
            )
            return
        self.load(None, str(path), keep_model=True, k="auto")

    def refresh_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.prefs.recent("data"):
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.load(None, p, keep_model=True))
        self.recent_menu.setEnabled(bool(self.recent_menu.actions()))

    # ---------------------------------------------------------------- answers
    def _loaded(self, workspace, notices: list[str]) -> None:
        index = workspace.index
        first_look = workspace.preview_of is not None  # the rest is still encoding
        self.status.model.setText(f"model: {workspace.model_name}")
        of = f" of {workspace.preview_of:,}, more coming" if first_look else ""
        self.status.data.setText(
            f"dataset: {workspace.data_name} ({len(index):,} faces{of}, {index.k} clusters)"
        )
        if getattr(workspace.sketcher, "loaded", True):
            from core.model.device import describe  # torch is in: the model is

            self.status.device.setText(f"device: {describe(workspace.sketcher.device)}")
        else:  # mapped from the cache: the weights load now, on the worker
            self.status.device.setText("device: loading the model")
            self.service.submit(requests.LoadModel(workspace))
        for message in notices:
            self.status.say(message)
        self.drawing_waits()
        if first_look:
            return  # the progress bar and Cancel stay: the loading goes on
        self.status.idle()
        if workspace.sketcher.path and Path(workspace.sketcher.path).name != "default.safetensors":
            self.prefs.set("model", workspace.sketcher.path)
        self.prefs.set("data", str(workspace.data_path))
        self.opened.emit()
        if getattr(workspace.sketcher, "loaded", True):
            self._model_loaded(workspace)

    def _model_loaded(self, workspace, device: str | None = None) -> None:
        """Everything is in: the map and the weights. `ready` says so."""
        if device is not None:
            self.status.device.setText(f"device: {device}")
        if workspace.preview_of is not None or workspace is not self.session.workspace:
            return
        freeze_long_lived()  # no 250 ms full collections of the imports while drawing
        self.ready.emit()

    def failed(self, message: str) -> None:
        """A load that did not happen: cancelled (what stays open is said) or refused."""
        self.status.idle()
        ws = self.session.workspace
        if message == "cancelled":
            first_look = ws is not None and ws.preview_of is not None
            self.status.say(
                f"loading cancelled; the first look at {ws.data_name} stays open"
                if first_look
                else "loading cancelled; the previous dataset stays open"
            )
            return
        if ws is None:
            self.status.model.setText("model: not loaded")
        QMessageBox.warning(self.parent(), "Could not open", message)
