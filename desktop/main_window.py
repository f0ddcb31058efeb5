"""The main window: builds the panels, the menus and the status bar, and connects them to the
session (`core.session`) and the inference service. The state lives in the session, the work
in the requests (`core.requests`); nothing here computes or keeps numbers of its own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core import requests
from core.gc_pauses import freeze_long_lived
from core.session import Session
from core.strokes import Drawing
from desktop import keep
from desktop.arithmetic_panel import ArithmeticPanel
from desktop.autosaver import Autosaver
from desktop.average_panel import AveragePanel
from desktop.canvas import SketchCanvas
from desktop.cluster_panel import ClusterPanel
from desktop.completion_panel import CompletionPanel
from desktop.drawing_view import DrawingView
from desktop.favourites_panel import FavouritesPanel
from desktop.generation_actions import GenerationActions
from desktop.inference import InferenceService
from desktop.interpolation_panel import InterpolationPanel
from desktop.keep import KeepAction
from desktop.latent_3d import Latent3D
from desktop.latent_map import LatentMap
from desktop.lazy_progress_bar import LazyProgressBar
from desktop.live_analysis import LiveAnalysis, reconstruction_title
from desktop.menus import add_action, build_menus
from desktop.preferences import (
    DEFAULT_SIZE,
    START_DELAY_MS,
    Preferences,
)
from desktop.retrain import Retrainer
from desktop.samples_panel import SamplesPanel
from desktop.thought_actions import ThoughtActions
from desktop.walk_panel import WalkPanel

DATA_FILTER = "Drawings (*.ndjson *.npz *.bin *.json);;All files (*)"
MODEL_FILTER = "Latent Sketchbook models (*.safetensors);;All files (*)"


class MainWindow(QMainWindow):
    ready = Signal()  # a workspace is loaded and shown
    analysisShown = Signal()  # a live analysis reached the screen
    reconstructionImproved = Signal()  # its face, now the nearest of all the tries asked for

    def __init__(
        self, model: str | None = None, data: str | None = None, settings: QSettings | None = None
    ):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Latent Sketchbook")
        self.prefs = Preferences(settings)
        self.session = Session()
        self._closed = False
        self._sample_after_load = False  # a freshly trained model shows its random faces
        self.service = InferenceService(self)
        self.service.early.connect(lambda i, r, a: self.session.deliver(i, r, a, early=True))
        self.service.answered.connect(lambda i, r, a: self.session.deliver(i, r, a, early=False))
        self.service.failed.connect(self._on_failed)
        self.service.progress.connect(self._on_progress)
        self.autosaver = Autosaver()
        from core.favourites import Favourites

        self.favourites = Favourites()
        self.generate = GenerationActions(self)
        self.live = LiveAnalysis(self)
        self._build_panels()
        build_menus(self)
        self._build_status_bar()
        self._connect_session()
        self._restore_settings()
        self._initial = (
            model or self.prefs.value("model") or None,
            data or self.prefs.value("data") or None,
        )
        # the model loads once the window is on screen: importing torch on the worker thread
        # while the window is being built would hold the GIL and delay the first paint
        QTimer.singleShot(START_DELAY_MS, self, self._start)

    @property
    def workspace(self):
        return self.session.workspace

    @property
    def last_analysis(self):
        """The newest complete analysis on screen."""
        return self.session.analysis

    def _start(self) -> None:
        if self._closed:
            return  # closed before it started: nothing to restore, load or offer
        from core.atomic import remove_stale_temps
        from core.paths import data_dir, model_library_dir

        self.live.start()
        for folder in (data_dir(), model_library_dir()):
            remove_stale_temps(folder)
        self._restore_drawing()
        self.favourites.load()
        self.load(*self._initial)
        self.retrainer.offer_resume()  # a training run the last session closed on

    def _restore_drawing(self) -> None:
        """Bring back the drawing of last time: quietly after a clean close, by asking after a
        crash (the person may not want it)."""
        drawing, message = self.autosaver.restore(self)
        if drawing is not None:
            self.canvas.set_drawing(drawing)
        if message:
            self.statusBar().showMessage(message, 15000)

    # ================================================================== building
    def _build_panels(self) -> None:
        self.canvas = SketchCanvas()
        self.canvas.drawingChanged.connect(self._drawing_changed)
        canvas_box = QGroupBox("Your drawing (Ctrl+Z undo, Ctrl+Shift+Z redo, Ctrl+N clear)")
        QVBoxLayout(canvas_box).addWidget(self.canvas)

        self.reconstruction = DrawingView(animate=True)
        self.reconstruction.setObjectName("reconstructionView")
        self.reconstruction.setAccessibleName("The model's reconstruction of your drawing")
        self.reconstruction.setMinimumSize(220, 220)
        recon_box = self.recon_box = QGroupBox(reconstruction_title(self.prefs.tries))
        QVBoxLayout(recon_box).addWidget(self.reconstruction)
        self.cluster_panel = ClusterPanel()
        self.cluster_panel.neighbourClicked.connect(self.generate.show_dataset_face)
        self.cluster_panel.retrainRequested.connect(self.retrain)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(recon_box, 3)
        middle_layout.addWidget(self.cluster_panel, 2)

        self.map = LatentMap()
        self.map.cursorMoved.connect(self.generate.walk)
        self.map.pointClicked.connect(self.generate.show_dataset_face)
        self.map.clusterMenuRequested.connect(self._cluster_menu)
        self.thoughts = ThoughtActions(self)
        self.map.selected.connect(self.thoughts.average_box)
        self.map.setMinimumWidth(320)
        self.space_3d = Latent3D()
        self.space_3d.pointClicked.connect(self.generate.show_dataset_face)
        self.map_tabs = QTabWidget()
        self.map_tabs.setObjectName("mapTabs")
        self.map_tabs.addTab(self.map, "2-D map")
        self.map_tabs.addTab(self.space_3d, "3-D")
        map_box = QGroupBox("Latent map")
        QVBoxLayout(map_box).addWidget(self.map_tabs)

        self.walk_panel = WalkPanel()
        self.interpolation = InterpolationPanel()
        self.interpolation.interpolateRequested.connect(self.generate.interpolate)
        self.samples = SamplesPanel()
        self.samples.samplesRequested.connect(self.generate.sample)
        self.completion = CompletionPanel()
        self.completion.completionRequested.connect(self.generate.complete)
        self.average = AveragePanel()
        self.average.averageRequested.connect(self.thoughts.average_of)
        self.arithmetic = ArithmeticPanel()
        self.arithmetic.arithmeticRequested.connect(self.thoughts.arithmetic)
        self.favourites_panel = FavouritesPanel()
        self.favourites_panel.trainRequested.connect(self.thoughts.train_on_favourites)
        for source, emitter in (
            ("dataset", self.cluster_panel.nearest),
            ("dataset", self.cluster_panel.members),
            ("generated", self.walk_panel),
            ("generated", self.interpolation.strip),
            ("generated", self.samples.grid),
            ("generated", self.completion.grid),
            ("generated", self.average),
            ("generated", self.arithmetic),
            ("favourite", self.favourites_panel),
        ):
            emitter.keepRequested.connect(lambda face, action, s=source: self.keep(face, action, s))
        for grid in (
            self.cluster_panel.nearest,
            self.cluster_panel.members,
            self.interpolation.strip,
            self.samples.grid,
            self.completion.grid,
            self.average.members,
            self.favourites_panel.grid,
        ):
            grid.averageRequested.connect(self.thoughts.average_faces)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("generationTabs")
        self.tabs.addTab(self.walk_panel, "Walk the map")
        self.tabs.addTab(self.interpolation, "Interpolate")
        self.tabs.addTab(self.samples, "Random faces")
        self.tabs.addTab(self.completion, "Finish my face")
        self.tabs.addTab(self.average, "Average")
        self.tabs.addTab(self.arithmetic, "Face arithmetic")
        self.tabs.addTab(self.favourites_panel, "Favourites")
        self.retrainer = Retrainer(self, lambda: self.session.workspace)
        self.retrainer.modelReady.connect(self._trained)
        self.retrainer.started.connect(lambda: self.tabs.setCurrentWidget(self.retrainer.panel))
        self.tabs.addTab(self.retrainer.panel, "Training")

        top = QSplitter(Qt.Orientation.Horizontal)
        for part in (canvas_box, middle, map_box):
            top.addWidget(part)
        top.setSizes([420, 360, 520])
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(top)
        self.main_splitter.addWidget(self.tabs)
        self.main_splitter.setSizes([560, 300])
        self.setCentralWidget(self.main_splitter)

    def _connect_session(self) -> None:
        """Every panel renders what the session says; the window only adds its own chrome."""
        s = self.session
        for panel in (
            self.map,
            self.cluster_panel,
            self.walk_panel,
            self.interpolation,
            self.samples,
            self.completion,
            self.average,
            self.arithmetic,
            self.space_3d,
        ):
            panel.bind(s)
        self.favourites_panel.bind(self.favourites)
        s.analysis_started.connect(lambda a: self.reconstruction.set_drawing(a.reconstruction))
        s.analysis_finished.connect(lambda a: self.reconstruction.extend_drawing(a.reconstruction))
        s.drawing_cleared.connect(lambda: self.reconstruction.set_drawing(None))
        s.face_selected.connect(lambda *_: self.tabs.setCurrentWidget(self.walk_panel))
        s.workspace_changed.connect(self._loaded)
        s.model_loaded.connect(self._model_loaded)

    def set_projection(self, name: str) -> None:
        """Lay the map out again with another projection (the clusters stay the same)."""
        self.prefs.set("projection", name)
        self.reindex()

    def set_clusters(self, value: str) -> None:
        """Cluster the dataset again into this many clusters ("auto": the best silhouette);
        remembered, and kept when the model changes (after a retrain too)."""
        self.prefs.set("clusters", value)
        self.reindex()

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.status_model = QLabel("model: loading")
        self.status_data = QLabel("dataset: -")
        self.status_device = QLabel("device: -")
        self.activity = QLabel("")
        self.activity.setObjectName("activityLabel")
        self.progress = LazyProgressBar()
        self.progress.setObjectName("backgroundProgress")
        self.progress.setMaximumWidth(180)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelBackground")
        self.cancel_button.clicked.connect(self.service.cancel_running)
        self.cancel_button.hide()
        for w in (self.status_model, self.status_data, self.status_device):
            status.addPermanentWidget(w)
        status.addWidget(self.activity)
        status.addWidget(self.progress)
        status.addWidget(self.cancel_button)

    # ================================================================== settings
    def _restore_settings(self) -> None:
        geometry = self.prefs.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(*DEFAULT_SIZE)
        splitter = self.prefs.value("splitter")
        if splitter is not None:
            self.main_splitter.restoreState(splitter)
        self.samples.restore(self.prefs)
        tab = str(self.prefs.value("tab", 0))
        self.tabs.setCurrentIndex(int(tab) if tab.isdigit() else 0)  # junk: the first tab

    def _save_settings(self) -> None:
        self.prefs.set("geometry", self.saveGeometry())
        self.prefs.set("splitter", self.main_splitter.saveState())
        self.samples.remember(self.prefs)
        self.prefs.set("tab", self.tabs.currentIndex())

    def refresh_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.prefs.recent("data"):
            add_action(
                self,
                self.recent_menu,
                path,
                lambda _=False, p=path: self.load(None, p, keep_model=True),
            )
        self.recent_menu.setEnabled(bool(self.recent_menu.actions()))

    # ================================================================== loading
    def load(
        self,
        model: str | None,
        data: str | None,
        keep_model: bool = False,
        k: int | str | None = None,
    ) -> None:
        """Load a model and dataset in the background; the current ones stay usable until then.
        `k` None: the number of clusters the person chose (Model > Number of clusters)."""
        if self._closed:
            return  # a start-up load scheduled before the window was closed
        ws = self.workspace
        self.service.submit(
            requests.LoadWorkspace(
                model,
                data,
                self.prefs.k if k is None else k,
                self.prefs.projection,
                ws.sketcher if keep_model and ws else None,
            )
        )
        self._show_activity("loading the model and dataset")

    def _loaded(self, workspace, notices: list[str]) -> None:
        index = workspace.index
        first_look = workspace.preview_of is not None  # the rest is still encoding
        self.status_model.setText(f"model: {workspace.model_name}")
        of = f" of {workspace.preview_of:,}, more coming" if first_look else ""
        self.status_data.setText(
            f"dataset: {workspace.data_name} ({len(index):,} faces{of}, {index.k} clusters)"
        )
        if getattr(workspace.sketcher, "loaded", True):
            from core.device import describe  # torch is in: the model is

            self.status_device.setText(f"device: {describe(workspace.sketcher.device)}")
        else:  # mapped from the cache: the weights load now, on the worker
            self.status_device.setText("device: loading the model")
            self.service.submit(requests.LoadModel(workspace))
        if first_look:
            for message in notices:
                self.statusBar().showMessage(message, 8000)
            if not self.canvas.is_empty():
                self.live.analyse_now()
            return  # the progress bar and Cancel stay: the loading goes on
        self._hide_activity()
        if workspace.sketcher.path and Path(workspace.sketcher.path).name != "default.safetensors":
            self.prefs.set("model", workspace.sketcher.path)
        self.prefs.set("data", str(workspace.data_path))
        for message in notices:
            self.statusBar().showMessage(message, 8000)
        if not self.canvas.is_empty():
            self.live.analyse_now()
        if self._sample_after_load:
            self._sample_after_load = False
            self._show_samples()
        if getattr(workspace.sketcher, "loaded", True):
            self._model_loaded(workspace)

    def _model_loaded(self, workspace, device: str | None = None) -> None:
        """Everything is in: the map and the weights. `ready` says so (tests, benchmarks)."""
        if device is not None:
            self.status_device.setText(f"device: {device}")
        if workspace.preview_of is not None or workspace is not self.workspace:
            return
        freeze_long_lived()  # no 250 ms full collections of the imports while drawing
        self.ready.emit()

    def _data_path(self) -> str | None:
        return str(self.workspace.data_path) if self.workspace else None

    def open_dataset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a dataset", "", DATA_FILTER)
        if path:
            self.prefs.remember("data", path)
            self.refresh_recent()
            self.load(None, path, keep_model=True)

    def open_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a model", "", MODEL_FILTER)
        if path:
            self.load(path, self._data_path())

    def switch_model(self, path: str) -> None:
        """Load another model over the same dataset (the map is rebuilt under it)."""
        self.load(path, self._data_path())

    def reindex(self) -> None:
        if self.workspace:
            self.load(None, self._data_path(), keep_model=True)

    def retrain(self, cluster: int | None = None) -> None:
        self.retrainer.ask(self.cluster_panel.cluster if cluster is None else cluster)

    def _trained(self, path: str) -> None:
        self._sample_after_load = True
        self.switch_model(path)

    def _cluster_menu(self, cluster: int, where) -> None:
        menu = QMenu(self)
        menu.addAction(f"Retrain on cluster {cluster}...", lambda: self.retrain(cluster))
        menu.addAction(f"Random faces like cluster {cluster}", lambda: self._show_samples(cluster))
        menu.addAction(
            f"Average face of cluster {cluster}", lambda: self.thoughts.average_cluster(cluster)
        )
        menu.popup(where.toPoint())

    def _show_samples(self, cluster: int = -1) -> None:
        """Switch to the random faces and draw new ones (-1: not a cluster's)."""
        self.tabs.setCurrentWidget(self.samples)
        self.generate.sample(self.samples.temperature(), cluster)

    def show_collection(self) -> None:
        from core.paths import collection_path

        path = collection_path()
        if not path.exists():
            QMessageBox.information(
                self, "Your collection", "Your collection is empty: save a drawing first (Ctrl+S)."
            )
            return
        self.load(None, str(path), keep_model=True, k="auto")

    # ================================================================== live analysis
    def _drawing_changed(self) -> None:
        drawing = self.canvas.drawing(include_current=False)
        self.autosaver.submit(drawing)
        self.undo_action.setEnabled(bool(self.canvas.strokes))
        self.redo_action.setEnabled(bool(self.canvas.redo_stack))
        self.session.set_drawing(self.canvas.drawing())
        self.live.drawing_changed()

    # ================================================================== failures, progress
    def _on_failed(self, request_id: int, request, message: str) -> None:
        if isinstance(request, requests.LoadWorkspace):
            self._hide_activity()
            if message == "cancelled":
                ws = self.workspace
                first_look = ws is not None and ws.preview_of is not None
                self.statusBar().showMessage(
                    f"loading cancelled; the first look at {ws.data_name} stays open"
                    if first_look
                    else "loading cancelled; the previous dataset stays open",
                    8000,
                )
                return
            if self.workspace is None:
                self.status_model.setText("model: not loaded")
            QMessageBox.warning(self, "Could not open", message)
        elif isinstance(request, requests.Analyse):
            self.statusBar().showMessage(message, 5000)
        else:
            QMessageBox.information(self, "Latent Sketchbook", message)

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        self._show_activity(stage)
        self.progress.setRange(0, max(total, 1) if total > 1 else 0)  # 0: busy, no measure
        if total > 1:
            self.progress.setValue(done)

    def _show_activity(self, text: str) -> None:
        self.activity.setText(text)
        self.progress.show()
        self.cancel_button.show()

    def _hide_activity(self) -> None:
        self.activity.setText("")
        self.progress.hide()
        self.cancel_button.hide()

    # ================================================================== keeping faces
    def keep(self, face: Drawing | None, action: KeepAction, source: str = "drawn") -> None:
        """Heart, save, copy or export a face; None means the drawing on the canvas."""
        if face is None:
            if self.canvas.is_empty():
                self.statusBar().showMessage("the canvas is empty: nothing to keep", 5000)
                return
            face = self.canvas.drawing()
        if action in (KeepAction.FAVOURITE, KeepAction.UNFAVOURITE):
            message = self.thoughts.favourite(face, action, source)
        else:
            message = keep.keep_face(self, face, action)
        if message:
            self.statusBar().showMessage(message, 6000)

    # ================================================================== window
    def about(self) -> None:
        QMessageBox.about(
            self,
            "About Latent Sketchbook",
            "Draw a face and watch a sketch-rnn VAE think about it.\n\n"
            "Contains drawings from the Quick, Draw! Dataset by Google, licensed CC BY 4.0.",
        )

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if not self.retrainer.may_close():
            event.ignore()
            return
        self._closed = True
        self._save_settings()
        self.service.stop()
        error = self.autosaver.finish(self.canvas.drawing(include_current=False))
        if error:
            QMessageBox.warning(self, "Latent Sketchbook", f"Could not save your drawing: {error}")
        super().closeEvent(event)
