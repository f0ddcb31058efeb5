"""The main window: builds the panels, the menus and the status bar, and wires the person's
actions to jobs on the inference service and its results back to the panels. Nothing here
computes: every number comes from core, on the service's thread."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import qthrottled

from core.strokes import Drawing
from desktop import keep
from desktop.autosaver import Autosaver
from desktop.canvas import SketchCanvas
from desktop.choice_menu import fill_choice_menu
from desktop.cluster_panel import ClusterPanel
from desktop.completion_panel import CompletionPanel
from desktop.drawing_view import DrawingView
from desktop.inference import InferenceService, all_cores
from desktop.interpolation_panel import InterpolationPanel
from desktop.latent_map import LatentMap
from desktop.library_menu import LibraryMenu
from desktop.retrain import Retrainer
from desktop.samples_panel import SamplesPanel
from desktop.walk_panel import WalkPanel

DATA_FILTER = "Drawings (*.ndjson *.npz *.bin *.json);;All files (*)"
MODEL_FILTER = "Latent Sketchbook models (*.safetensors);;All files (*)"
RECENT = 8
CLUSTER_COUNTS = range(2, 13)  # what Model > Number of clusters offers besides automatic
LIVE_MS = 120  # analysis rate while a stroke is still being drawn
WALK_TEMPERATURE = 0.05
START_DELAY_MS = 150


class MainWindow(QMainWindow):
    ready = Signal()  # a workspace is loaded and shown
    analysisShown = Signal()  # a live analysis reached the screen

    def __init__(
        self, model: str | None = None, data: str | None = None, settings: QSettings | None = None
    ):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Latent Sketchbook")
        self.settings = settings or QSettings("latent-sketchbook", "Latent Sketchbook")
        self.workspace = None
        self.last_generated: Drawing | None = None
        self.last_analysis = None  # the newest complete analysis on screen
        self.selected_dataset_face: int | None = None
        self._closed = False
        self._shown: dict[str, int] = {}  # newest request id whose result is on screen, per kind
        self._live_request: int | None = None  # the analysis whose decoder is still drawing
        self._sample_after_load = False  # a freshly trained model shows its random faces
        self.service = InferenceService(self)
        self.service.resultReady.connect(self._on_result)
        self.service.failed.connect(self._on_failed)
        self.service.progress.connect(self._on_progress)
        self.autosaver = Autosaver()
        self.projection = self._remembered_projection()
        self.clusters = str(self.settings.value("clusters", "auto"))
        self._build_panels()
        self._build_menus()
        self._build_status_bar()
        self._restore_settings()
        self._initial = (
            model or self.settings.value("model") or None,
            data or self.settings.value("data") or None,
        )
        # the model loads once the window is on screen: importing torch on the worker thread
        # while the window is being built would hold the GIL and delay the first paint
        QTimer.singleShot(START_DELAY_MS, self, self._start)

    def _start(self) -> None:
        from core.atomic import remove_stale_temps
        from core.paths import data_dir, model_library_dir

        for folder in (data_dir(), model_library_dir()):
            remove_stale_temps(folder)
        self._restore_drawing()
        self.load(*self._initial)

    def _restore_drawing(self) -> None:
        """Bring back the drawing of last time: quietly after a clean close, by asking after a
        crash (the person may not want it)."""
        from core.autosave import clear_autosave, load_autosave

        saved = load_autosave()
        if saved is None:
            return
        strokes = len(saved.drawing.strokes)
        if not saved.closed_cleanly:
            answer = QMessageBox.question(
                self,
                "Restore your drawing?",
                "Latent Sketchbook did not close properly last time. Restore the drawing you "
                f"were making ({strokes} strokes)?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
            )
            if answer != QMessageBox.StandardButton.Yes:
                clear_autosave()
                return
        self.canvas.set_drawing(saved.drawing)
        self.statusBar().showMessage(
            f"your drawing from last time is back ({strokes} strokes; Ctrl+N clears it)", 8000
        )

    # ================================================================== building
    def _build_panels(self) -> None:
        self.canvas = SketchCanvas()
        self.canvas.strokeMoved.connect(self._analyse_while_drawing)
        self.canvas.drawingChanged.connect(self._drawing_changed)
        canvas_box = QGroupBox("Your drawing (Ctrl+Z undo, Ctrl+Shift+Z redo, Ctrl+N clear)")
        canvas_layout = QVBoxLayout(canvas_box)
        canvas_layout.addWidget(self.canvas)

        self.reconstruction = DrawingView(animate=True)
        self.reconstruction.setObjectName("reconstructionView")
        self.reconstruction.setAccessibleName("The model's reconstruction of your drawing")
        self.reconstruction.setMinimumSize(220, 220)
        recon_box = QGroupBox("The model's reconstruction")
        recon_layout = QVBoxLayout(recon_box)
        recon_layout.addWidget(self.reconstruction)
        self.cluster_panel = ClusterPanel()
        self.cluster_panel.neighbourClicked.connect(self.show_dataset_face)
        self.cluster_panel.retrainRequested.connect(self.retrain)
        self.cluster_panel.nearest.keepRequested.connect(self.keep)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(recon_box, 3)
        middle_layout.addWidget(self.cluster_panel, 2)

        self.map = LatentMap()
        self.map.cursorMoved.connect(self._walk)
        self.map.pointClicked.connect(self.show_dataset_face)
        self.map.clusterMenuRequested.connect(self._cluster_menu)
        self.map.setMinimumWidth(320)
        map_box = QGroupBox("Latent map")
        map_layout = QVBoxLayout(map_box)
        map_layout.addWidget(self.map)

        self.walk_panel = WalkPanel()
        self.interpolation = InterpolationPanel()
        self.interpolation.interpolateRequested.connect(self.interpolate)
        self.interpolation.strip.keepRequested.connect(self.keep)
        self.samples = SamplesPanel()
        self.samples.samplesRequested.connect(self.sample)
        self.samples.grid.keepRequested.connect(self.keep)
        self.completion = CompletionPanel()
        self.completion.completionRequested.connect(self.complete)
        self.completion.grid.keepRequested.connect(self.keep)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("generationTabs")
        self.tabs.addTab(self.walk_panel, "Walk the map")
        self.tabs.addTab(self.interpolation, "Interpolate")
        self.tabs.addTab(self.samples, "Random faces")
        self.tabs.addTab(self.completion, "Finish my face")
        self.retrainer = Retrainer(self, lambda: self.workspace)
        self.retrainer.modelReady.connect(self._trained)
        self.retrainer.started.connect(lambda: self.tabs.setCurrentWidget(self.retrainer.panel))
        self.tabs.addTab(self.retrainer.panel, "Training")

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(canvas_box)
        top.addWidget(middle)
        top.addWidget(map_box)
        top.setSizes([420, 360, 520])
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(top)
        self.main_splitter.addWidget(self.tabs)
        self.main_splitter.setSizes([560, 300])
        self.setCentralWidget(self.main_splitter)

    def _action(self, menu, text: str, slot, shortcut=None, name: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        if name:
            action.setObjectName(name)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(
            file, "Open dataset...", self.open_dataset, QKeySequence.StandardKey.Open, "openDataset"
        )
        self.recent_menu = file.addMenu("Open recent")
        self._action(file, "Open model...", self.open_model, "Ctrl+Shift+O", "openModel")
        file.addSeparator()
        self._action(
            file,
            "Save drawing to collection",
            lambda: self.keep(None, "Save to collection"),
            QKeySequence.StandardKey.Save,
            "saveToCollection",
        )
        self._action(
            file, "Show my collection on the map", self.show_collection, None, "showCollection"
        )
        self._action(
            file, "Export drawing as PNG...", lambda: self.keep(None, "Export as PNG..."), "Ctrl+E"
        )
        self._action(
            file,
            "Export drawing as SVG...",
            lambda: self.keep(None, "Export as SVG..."),
            "Ctrl+Shift+E",
        )
        file.addSeparator()
        self._action(file, "Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(
            edit, "Undo stroke", self.canvas.undo, QKeySequence.StandardKey.Undo, "undo"
        )
        self.redo_action = self._action(
            edit, "Redo stroke", self.canvas.redo, "Ctrl+Shift+Z", "redo"
        )
        self._action(
            edit, "Clear drawing", self.canvas.clear, QKeySequence.StandardKey.New, "clear"
        )
        self._action(
            edit, "Copy drawing", lambda: self.keep(None, "Copy"), QKeySequence.StandardKey.Copy
        )
        self.model_menu = bar.addMenu("&Model")
        self._action(
            self.model_menu, "Retrain on cluster...", lambda: self.retrain(), "Ctrl+R", "retrain"
        )
        self.library_menu = LibraryMenu(
            lambda: self.workspace.sketcher.path if self.workspace else None, self
        )
        self.library_menu.modelChosen.connect(self.switch_model)
        self.model_menu.addMenu(self.library_menu)
        self._build_map_menus()
        self.model_menu.addSeparator()
        self._action(self.model_menu, "Re-index dataset", self.reindex, None, "reindex")
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "About Latent Sketchbook", self.about)
        self._refresh_recent()

    def _build_map_menus(self) -> None:
        from core.projections import umap_available

        fill_choice_menu(
            self.model_menu.addMenu("Map projection"),
            [("pca", "PCA (stable, invertible)"), ("umap", "UMAP (keeps neighbours)")],
            self.projection,
            self.set_projection,
            "projection",
            disabled=None if umap_available() else {"umap": "needs: pip install umap-learn"},
        )
        fill_choice_menu(
            self.model_menu.addMenu("Number of clusters"),
            [("auto", "Automatic (best silhouette)")]
            + [(str(k), f"{k} clusters") for k in CLUSTER_COUNTS],
            self.clusters,
            self.set_clusters,
            "clusters",
        )

    def _remembered_projection(self) -> str:
        from core.projections import umap_available

        chosen = str(self.settings.value("projection", "pca"))
        return chosen if chosen == "umap" and umap_available() else "pca"

    def set_projection(self, name: str) -> None:
        """Lay the map out again with another projection (the clusters stay the same)."""
        self.projection = name
        self.settings.setValue("projection", name)
        if self.workspace:
            self.load(None, str(self.workspace.data_path), keep_model=True)

    def set_clusters(self, value: str) -> None:
        """Cluster the dataset again into this many clusters ("auto": the best silhouette);
        remembered, and kept when the model changes (after a retrain too)."""
        self.clusters = value
        self.settings.setValue("clusters", value)
        if self.workspace:
            self.load(None, str(self.workspace.data_path), keep_model=True)

    def _k(self) -> int | str:
        return int(self.clusters) if self.clusters.isdigit() else "auto"

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.status_model = QLabel("model: loading")
        self.status_data = QLabel("dataset: -")
        self.status_device = QLabel("device: -")
        self.activity = QLabel("")
        self.activity.setObjectName("activityLabel")
        self.progress = QProgressBar()
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
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1320, 900)
        splitter = self.settings.value("splitter")
        if splitter is not None:
            self.main_splitter.restoreState(splitter)
        self.samples.set_temperature(
            float(self.settings.value("temperature", self.samples.temperature()))
        )
        self.tabs.setCurrentIndex(int(self.settings.value("tab", 0)))

    def _save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("splitter", self.main_splitter.saveState())
        self.settings.setValue("temperature", self.samples.temperature())
        self.settings.setValue("tab", self.tabs.currentIndex())

    def _remember(self, kind: str, path: str) -> None:
        recent = [p for p in (self.settings.value(f"recent_{kind}") or []) if p != path]
        self.settings.setValue(f"recent_{kind}", [path, *recent][:RECENT])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.value("recent_data") or []:
            self._action(
                self.recent_menu, path, lambda _=False, p=path: self.load(None, p, keep_model=True)
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
        from core import workspace as ws_module

        if self._closed:
            return  # a start-up load scheduled before the window was closed
        sketcher = self.workspace.sketcher if keep_model and self.workspace else None
        k = self._k() if k is None else k
        report, notices, projection = self.service.report, [], self.projection

        def job():
            with all_cores():
                ws = ws_module.load_workspace(
                    model,
                    data,
                    k,
                    progress=report,
                    notice=notices.append,
                    sketcher=sketcher,
                    projection=projection,
                )
            return ws, notices

        self.service.submit("load", job)
        self._show_activity("loading the model and dataset")

    def _loaded(self, result) -> None:
        workspace, notices = result
        self.workspace = workspace
        self._forget_live_answers()  # they were worked out under the old model or dataset
        index = workspace.index
        self.map.set_index(index, workspace.drawings)
        self.cluster_panel.set_index(index, workspace.drawings)
        self.cluster_panel.reset()
        self.interpolation.set_ends(self._end_names())
        self.status_model.setText(f"model: {workspace.model_name}")
        self.status_data.setText(
            f"dataset: {workspace.data_name} ({len(index)} faces, {index.k} clusters)"
        )
        from core.device import describe

        self.status_device.setText(f"device: {describe(workspace.sketcher.device)}")
        self._hide_activity()
        if workspace.sketcher.path and Path(workspace.sketcher.path).name != "default.safetensors":
            self.settings.setValue("model", workspace.sketcher.path)
        self.settings.setValue("data", str(workspace.data_path))
        for message in notices:
            self.statusBar().showMessage(message, 8000)
        if not self.canvas.is_empty():
            self.analyse_now()
        if self._sample_after_load:
            self._sample_after_load = False
            self._show_samples()
        self.ready.emit()

    def open_dataset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a dataset", "", DATA_FILTER)
        if path:
            self._remember("data", path)
            self.load(None, path, keep_model=True)

    def open_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a model", "", MODEL_FILTER)
        if path:
            self.load(path, str(self.workspace.data_path) if self.workspace else None)

    def switch_model(self, path: str) -> None:
        """Load another model over the same dataset (the map is rebuilt under it)."""
        self.load(path, str(self.workspace.data_path) if self.workspace else None)

    def retrain(self, cluster: int | None = None) -> None:
        if cluster is None:
            cluster = self.cluster_panel.cluster
        self.retrainer.ask(cluster)

    def _trained(self, path: str) -> None:
        self._sample_after_load = True
        self.switch_model(path)

    def _cluster_menu(self, cluster: int, where) -> None:
        menu = QMenu(self)
        menu.addAction(f"Retrain on cluster {cluster}...", lambda: self.retrain(cluster))
        menu.addAction(f"Random faces like cluster {cluster}", lambda: self._show_samples(cluster))
        menu.popup(where.toPoint())

    def _show_samples(self, cluster: int = -1) -> None:
        """Switch to the random faces and draw new ones (-1: from the whole prior)."""
        self.tabs.setCurrentWidget(self.samples)
        self.sample(self.samples.temperature(), cluster)

    def reindex(self) -> None:
        if self.workspace:
            self.load(None, str(self.workspace.data_path), keep_model=True)

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
        self.autosaver.submit(self.canvas.drawing(include_current=False))
        self.undo_action.setEnabled(bool(self.canvas.strokes))
        self.redo_action.setEnabled(bool(self.canvas.redo_stack))
        if self.canvas.is_empty():
            self._forget_live_answers()  # they are for a drawing that is gone
            self.reconstruction.set_drawing(None)
            self.cluster_panel.reset()
            self.map.clear_marker()
            self.samples.set_cluster(None)
        elif not self.canvas.current:  # pen-up, undo, redo: one analysis of the newest drawing
            self._analyse_while_drawing.cancel()  # a trailing live request would only repeat it
            self.analyse_now()

    def _forget_live_answers(self) -> None:
        """Analyses asked for so far and still on their way are never shown."""
        self._shown["analyse"] = self.service.latest.get("analyse", 0)
        self._live_request = None

    @qthrottled(timeout=LIVE_MS)
    def _analyse_while_drawing(self) -> None:
        self.analyse_now()

    def analyse_now(self) -> None:
        """Ask for the newest drawing's analysis; older requests still waiting are dropped."""
        if self.workspace is None or self.canvas.is_empty():
            return
        from core.analysis import analyse

        ws, drawing, service = self.workspace, self.canvas.drawing(), self.service
        stale = lambda: service.is_waiting("analyse")  # noqa: E731 - read on the worker
        self.service.submit(
            "analyse",
            lambda: analyse(ws.sketcher, ws.index, drawing, 6, stale, service.publish),
        )

    def _show_analysis(self, analysis) -> None:
        """A new drawing's answer: cluster, marker, and its reconstruction starting to draw.
        It usually comes first with the reconstruction's first points (`complete` False)."""
        self.reconstruction.set_drawing(analysis.reconstruction)
        self.cluster_panel.show_analysis(analysis.cluster, analysis.confidence, analysis.neighbours)
        self.map.set_marker(analysis.map_xy)
        self.samples.set_cluster(analysis.cluster)
        if analysis.complete:
            self._finish_analysis(analysis)

    def _finish_analysis(self, analysis) -> None:
        """The decoder has ended: the rest of the reconstruction joins the animation."""
        self.reconstruction.extend_drawing(analysis.reconstruction)
        self.last_analysis = analysis
        self.analysisShown.emit()

    # ================================================================== walking the map
    def _walk(self, x: float, y: float) -> None:
        if self.workspace is None:
            return
        ws = self.workspace

        def job():
            z = ws.index.map_to_latent(np.array([x, y]))
            return ws.sketcher.decode(z, temperature=WALK_TEMPERATURE, seed=0)[0]

        self.service.submit("walk", job)

    def show_dataset_face(self, i: int) -> None:
        if self.workspace is None:
            return
        ws = self.workspace
        face = ws.drawings[i]
        self.walk_panel.show_clicked(face, f"{ws.index.keys[i]} (cluster {ws.index.labels[i]})")
        self.tabs.setCurrentWidget(self.walk_panel)
        self.selected_dataset_face = i
        self.interpolation.set_ends(self._end_names())
        self.service.submit("complete", lambda: ("clicked", ws.sketcher.reconstruct([face])[0]))

    # ================================================================== generating
    def _end_names(self) -> list[str]:
        names = ["current drawing", "last generated face"]
        if self.selected_dataset_face is not None:
            names.append("clicked dataset face")
        if self.workspace:
            names += [f"centre of cluster {c}" for c in range(self.workspace.index.k)]
        return names

    def _end_source(self, name: str):
        """What an end stands for, captured now on the GUI thread: a drawing to encode, or a
        vector the index already has."""
        from core.errors import BadRequest

        ws = self.workspace
        if name == "current drawing":
            if self.canvas.is_empty():
                raise BadRequest("the canvas is empty: draw a face to use it as an end")
            return self.canvas.drawing()
        if name == "last generated face":
            if self.last_generated is None:
                raise BadRequest("no face has been generated yet: sample or walk the map first")
            return self.last_generated
        if name == "clicked dataset face":
            return ws.index.mu[self.selected_dataset_face]
        return ws.index.centroids[int(name.rsplit(" ", 1)[1])]

    def interpolate(self, a: str, b: str, steps: int) -> None:
        if self.workspace is None:
            return
        from core.errors import SketchbookError
        from core.generate import interpolate

        ws = self.workspace
        try:
            ends = [self._end_source(a), self._end_source(b)]
        except SketchbookError as exc:
            QMessageBox.information(self, "Interpolate", str(exc))
            return

        def job():
            z = [ws.sketcher.encode([e])[0][0] if isinstance(e, Drawing) else e for e in ends]
            return interpolate(ws.sketcher, z[0], z[1], steps)

        self.service.submit("interpolate", job)

    def sample(self, temperature: float, cluster: int) -> None:
        if self.workspace is None:
            return
        from core.generate import sample_faces

        ws = self.workspace
        chosen = None if cluster < 0 else cluster
        seed = int(np.random.default_rng().integers(2**31))
        self.settings.setValue("temperature", temperature)

        def job():
            faces = sample_faces(ws.sketcher, 16, temperature, ws.index, chosen, seed=seed)
            return faces, ("random" if chosen is None else f"cluster {chosen}")

        self.service.submit("samples", job)

    def complete(self, n: int) -> None:
        if self.workspace is None:
            return
        if self.canvas.is_empty():
            QMessageBox.information(
                self, "Finish my face", "Draw part of a face first: there is nothing to finish."
            )
            return
        from core.generate import complete

        ws, partial = self.workspace, self.canvas.drawing()
        seed = int(np.random.default_rng().integers(2**31))
        self.service.submit(
            "complete", lambda: ("endings", complete(ws.sketcher, partial, n, seed=seed))
        )

    # ================================================================== results
    def _on_result(self, kind: str, request: int, result) -> None:
        if kind == "analyse" and result.complete and request == self._live_request:
            self._live_request = None
            self._finish_analysis(result)  # the rest of an answer whose start is on screen
            return
        if request <= self._shown.get(kind, 0):
            return  # a newer answer of this kind is already on screen: never go backwards
        self._shown[kind] = request
        if kind == "load":
            self._loaded(result)
        elif kind == "analyse":
            self._live_request = None if result.complete else request
            self._show_analysis(result)
        elif kind == "walk":
            self.last_generated = result
            self.walk_panel.show_cursor_face(result)
        elif kind == "interpolate":
            self.last_generated = result[-1]
            self.interpolation.show_strip(result)
        elif kind == "samples":
            faces, caption = result
            self.last_generated = faces[0]
            self.samples.show_samples(faces, caption)
        elif kind == "complete":
            what, payload = result
            if what == "clicked":
                self.walk_panel.show_clicked_reconstruction(payload)
            else:
                self.last_generated = payload[0]
                self.completion.show_endings(payload)

    def _on_failed(self, kind: str, request: int, message: str) -> None:
        if kind == "load":
            self._hide_activity()
            if message == "cancelled":
                self.statusBar().showMessage(
                    "loading cancelled; the previous dataset stays open", 8000
                )
                return
            if self.workspace is None:
                self.status_model.setText("model: not loaded")
            QMessageBox.warning(self, "Could not open", message)
        elif kind == "analyse":
            self.statusBar().showMessage(message, 5000)
        else:
            QMessageBox.information(self, "Latent Sketchbook", message)

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        self._show_activity(stage)
        self.progress.setRange(0, max(total, 1) if stage == "encoding" else 0)
        if stage == "encoding":
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
    def keep(self, face: Drawing | None, action: str) -> None:
        """Save, copy or export a face; None means the drawing on the canvas."""
        if face is None:
            if self.canvas.is_empty():
                self.statusBar().showMessage("the canvas is empty: nothing to keep", 5000)
                return
            face = self.canvas.drawing()
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
        self.autosaver.stop()
        try:
            from core.autosave import save_autosave

            save_autosave(self.canvas.drawing(include_current=False), closed_cleanly=True)
        except OSError as exc:
            QMessageBox.warning(self, "Latent Sketchbook", f"Could not save your drawing: {exc}")
        super().closeEvent(event)
