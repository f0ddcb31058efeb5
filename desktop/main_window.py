"""The main window: builds the panels, the menus and the status bar, and connects them to the
session (`core.session.state`) and the inference service. The state lives in the session, the work
in the requests (`core.session.requests`); nothing here computes or keeps numbers of its own."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.drawings.strokes import Drawing
from core.session import requests
from core.session.state import Session
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
from desktop.live_analysis import LiveAnalysis, reconstruction_title
from desktop.menus import build_menus
from desktop.preferences import (
    DEFAULT_SIZE,
    START_DELAY_MS,
    Preferences,
)
from desktop.retrain import Retrainer
from desktop.samples_panel import SamplesPanel
from desktop.thought_actions import ThoughtActions
from desktop.walk_panel import WalkPanel
from desktop.work_status import WorkStatus
from desktop.workspace_loader import WorkspaceLoader


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
        self._sample_after_load = False  # a freshly trained model shows its random faces
        self.service = InferenceService(self)
        self.service.early.connect(lambda i, r, a: self.session.deliver(i, r, a, early=True))
        self.service.answered.connect(lambda i, r, a: self.session.deliver(i, r, a, early=False))
        self.service.failed.connect(self._on_failed)
        self.autosaver = Autosaver()
        from core.personal.favourites import Favourites

        self.favourites = Favourites()
        self.generate = GenerationActions(self)
        self.live = LiveAnalysis(self)
        self.status = WorkStatus(self.statusBar(), self.service.cancel_running)
        self.service.progress.connect(self.status.progressed)
        self.loader = WorkspaceLoader(
            self, self.session, self.service, self.prefs, self.status, self._analyse_if_drawn
        )
        self.loader.ready.connect(self.ready)
        self.loader.opened.connect(self._opened)
        self._build_panels()
        build_menus(self)
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
        if self.loader.closed:
            return  # closed before it started: nothing to restore, load or offer
        from core.base.atomic import remove_stale_temps
        from core.base.paths import data_dir, model_library_dir

        self.live.start()
        for folder in (data_dir(), model_library_dir()):
            remove_stale_temps(folder)
        self._restore_drawing()
        self.favourites.load()
        self.loader.load(*self._initial)
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
        recon_box = self.recon_box = QGroupBox(
            reconstruction_title(self.prefs.tries, self.prefs.pick)
        )
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
        self.loader.listen()

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

    def retrain(self, cluster: int | None = None) -> None:
        self.retrainer.ask(self.cluster_panel.cluster if cluster is None else cluster)

    def _trained(self, path: str) -> None:
        self._sample_after_load = True
        self.loader.switch_model(path)

    def _opened(self) -> None:
        if self._sample_after_load:  # a freshly trained model shows its random faces
            self._sample_after_load = False
            self._show_samples()

    def _analyse_if_drawn(self) -> None:
        if not self.canvas.is_empty():
            self.live.analyse_now()

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
            self.loader.failed(message)
        elif isinstance(request, requests.Analyse):
            self.statusBar().showMessage(message, 5000)
        else:
            QMessageBox.information(self, "Latent Sketchbook", message)

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
        self.loader.closed = True
        self._save_settings()
        self.service.stop()
        error = self.autosaver.finish(self.canvas.drawing(include_current=False))
        if error:
            QMessageBox.warning(self, "Latent Sketchbook", f"Could not save your drawing: {error}")
        super().closeEvent(event)
