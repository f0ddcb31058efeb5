"""Retrain on a cluster, from the dialog to a new model in the library: starts the child process,
feeds the training panel, and on the end installs, keeps or discards the run's model, asking the
person whenever something could be lost (a cancelled run, the app closed mid-training). A run the
app closed on (or crashed during) is offered again on the next start and goes on with --resume."""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from core.base.errors import SketchbookError
from core.personal import library
from core.training import training_runs
from core.training.retrain_plan import (
    DATASET_STEPS,
    FINE_TUNES,
    dataset_training_arguments,
    retrain_arguments,
)
from core.training.training_runs import InterruptedRun, RunRecord
from desktop.retrain_dialog import RetrainDialog, RetrainRequest
from desktop.training_panel import TrainingPanel
from desktop.training_run import TrainingRun

ABANDONED_AFTER_S = 3600.0  # a run folder untouched this long belongs to no running app


class Retrainer(QObject):
    modelReady = Signal(str)  # a new model is in the library: its path, to be loaded
    started = Signal()

    def __init__(self, parent: QWidget, workspace: Callable[[], object]):
        super().__init__(parent)
        self.window, self.workspace = parent, workspace
        self.panel = TrainingPanel()
        self.panel.cancelRequested.connect(self.cancel)
        self.run: TrainingRun | None = None
        self.request: RetrainRequest | None = None
        self.what = ""
        self.report_share = True
        self.out: Path | None = None
        library.sweep_abandoned_runs(ABANDONED_AFTER_S)

    def is_running(self) -> bool:
        return self.run is not None and self.run.is_running()

    def ask(self, cluster: int | None = None) -> None:
        """Open the dialog for `cluster` (default: the first) and start what the person chose."""
        ws = self.workspace()
        if ws is None:
            QMessageBox.information(self.window, "Retrain", "Wait for the model to load first.")
            return
        if self.is_running():
            QMessageBox.information(
                self.window, "Retrain", "A model is already training; wait for it or cancel it."
            )
            return
        dialog = RetrainDialog(ws.index, ws.drawings, cluster or 0, ws.data_name, self.window)
        if dialog.exec() == RetrainDialog.DialogCode.Accepted:
            self.start(dialog.request())

    def train_on_favourites(self, path: str, count: int) -> None:
        """The retrain path on the favourites: re-centred on their Gaussian (one cluster of
        their own index), then the quick fine-tune, as for a cluster."""
        if self.workspace() is None or self.is_running():
            self.ask()  # says what is in the way
            return
        steps = FINE_TUNES["quick"].steps
        request = RetrainRequest(0, steps, False, "favourites")
        what = f"your {count} favourites"
        # in an index of their own, every face is "in the cluster": no share to report
        self.start(request, data=path, clusters=1, what=what, report_share=False)

    def train_on_dataset(self, steps: int | None = None) -> None:
        """Model > Train a model on this dataset: the open model fine-tuned on every face of the
        open file, in the same child process, panel and library as a cluster retrain."""
        ws = self.workspace()
        if ws is None or self.is_running():
            self.ask()  # says what is in the way
            return
        if steps is None:
            choice, ok = QInputDialog.getItem(
                self.window,
                "Train a model on this dataset",
                f"Fine-tune {ws.model_name} on all {len(ws.index):,} faces of {ws.data_name}. "
                "How long?",
                list(DATASET_STEPS),
                0,
                False,
            )
            if not ok:
                return
            steps = DATASET_STEPS[choice]
        request = RetrainRequest(0, steps, False, Path(ws.data_name).stem)
        out_of = f"all {len(ws.index):,} faces of {ws.data_name}"
        self.start(
            request,
            what=out_of,
            arguments=lambda out: dataset_training_arguments(
                ws.sketcher.path, str(ws.data_path), out, steps
            ),
            report_share=False,  # the whole dataset: no cluster to land in
        )

    def start(
        self,
        request: RetrainRequest,
        data: str | None = None,
        clusters: int | None = None,
        what: str | None = None,
        arguments: Callable[[Path], list[str]] | None = None,
        report_share: bool = True,
    ) -> None:
        """Train in a child process on cluster `request.cluster` of `data` (default: the open
        dataset, under its index of `clusters`), or on the command line `arguments` gives for
        the run's output file."""
        ws = self.workspace()
        try:
            name = library.free_name(request.name)
            self.out = library.start_run(name)
        except (SketchbookError, OSError) as exc:
            QMessageBox.warning(self.window, "Retrain", f"Could not start training: {exc}")
            return
        how = "from scratch" if request.scratch else f"fine-tuning {ws.model_name}"
        title = (
            f"Training '{name}' on cluster {request.cluster} of {ws.data_name} ({how})"
            if what is None
            else f"Training '{name}' on {what} ({how})"
        )
        command = (
            arguments(self.out)
            if arguments
            else retrain_arguments(
                ws.sketcher.path,
                data or str(ws.data_path),
                request.cluster,
                clusters or ws.index.k,
                self.out,
                steps=request.steps,
                scratch=request.scratch,
            )
        )
        what = what or f"cluster {request.cluster}"
        self._launch(RunRecord(name, title, what, command, request.steps, report_share))

    def _launch(self, record: RunRecord, resume_from: InterruptedRun | None = None) -> None:
        """Start the child for `record` (from its checkpoint when resuming); the record beside
        the run says how to start it again if this app goes away first."""
        record = dataclasses.replace(record, owner_pid=os.getpid())
        unrecorded = None
        try:
            training_runs.record_run(self.out, record)
        except OSError as exc:  # only the resume offer is lost; the training can still run
            unrecorded = f"(this run cannot be continued after a restart: {exc})"
        self.request = RetrainRequest(0, record.steps, False, record.name)
        self.what, self.report_share = record.what, record.report_share
        self.run = TrainingRun(self)
        self.run.stepped.connect(self.panel.stepped)
        self.run.evaluated.connect(self.panel.evaluated)
        self.run.ended.connect(self._ended)
        self.panel.begin(record.title, record.steps)
        if unrecorded:
            self.panel.eta.setText(unrecorded)
        if resume_from is not None and resume_from.step:
            self.panel.stepped(resume_from.step, record.steps, float("nan"), -1.0)
        self.run.start(resume_from.arguments() if resume_from else record.arguments)
        self.started.emit()

    def offer_resume(self) -> None:
        """On start: a run this app closed on, or crashed during, is offered again (the newest;
        older ones wait for later starts, since one run trains at a time)."""
        if self.is_running():
            return
        runs = training_runs.interrupted_runs()
        if not runs:
            return
        run = runs[0]
        choice = self._ask_resume(run)
        if choice == "continue":
            self.resume(run)
        elif choice == "discard":
            library.discard(run.out)

    def resume(self, run: InterruptedRun) -> None:
        """Go on with an interrupted run: the same command line with --resume."""
        self.out = run.out
        self._launch(run.record, resume_from=run)

    def _ask_resume(self, run: InterruptedRun) -> str:
        at = (
            f"at step {run.step:,} of {run.record.steps:,}"
            if run.step
            else "before its first checkpoint"
        )
        text = (
            f"'{run.record.name}' stopped {at} when the app last closed.\n\n"
            f"{run.record.title}.\n\nContinue it now?"
        )
        choice = self._choose("Continue training?", text, "Continue", "Discard", "Later")
        return {"accept": "continue", "destroy": "discard"}.get(choice, "later")

    def cancel(self) -> None:
        if self.is_running():
            self.panel.eta.setText("stopping...")
            self.run.cancel()

    def may_close(self) -> bool:
        """Asked by the window before it closes: pause a running training until the next start,
        discard it, or stay open."""
        if not self.is_running():
            return True
        choice = self._ask_on_close()
        if choice == "stay":
            return False
        self.run.ended.disconnect(self._ended)
        self.run.kill()
        if choice == "discard":
            library.discard(self.out)
        else:  # if the record cannot be rewritten it is still offered: its owner will be gone
            with contextlib.suppress(OSError):
                training_runs.release(self.out)
        return True

    def _ask_on_close(self) -> str:
        text = (
            f"'{self.request.name}' is still training.\n\n"
            "Continue next time: it stops now and the app offers to go on from its last "
            "checkpoint when it next starts. Discard: what it learned so far is thrown away."
        )
        choice = self._choose(
            "Training in progress", text, "Continue next time", "Discard", "Keep the app open"
        )
        return {"accept": "pause", "destroy": "discard"}.get(choice, "stay")

    def _ended(self, outcome: str, message: str) -> None:
        name, out = self.request.name, self.out
        if outcome == "cancelled" and out.exists() and self._keep_partial(name):
            outcome, message = "done", "training cancelled; the model trained so far was kept"
        if outcome != "done":
            library.discard(out)
            self.panel.finish(message + "; nothing was added to the library")
            if outcome == "failed":
                QMessageBox.warning(self.window, "Retrain", message)
            return
        try:
            path = library.install(out, name)
        except (SketchbookError, OSError) as exc:
            library.discard(out)
            self.panel.finish(f"the new model could not be saved: {exc}")
            QMessageBox.warning(self.window, "Retrain", f"The new model could not be saved: {exc}")
            return
        share = self.run.cluster_share
        landed = (
            f"; {share:.0%} of 100 fresh random faces (T=0.3) are like {self.what}"
            if share is not None and self.report_share
            else ""
        )
        self.panel.finish(f"{message}: '{name}' is in your model library and now loaded{landed}")
        self.modelReady.emit(str(path))

    def _keep_partial(self, name: str) -> bool:
        best = f" (its best was at step {self.run.best_step})" if self.run.best_step else ""
        text = f"Keep '{name}' as trained so far{best}, or discard it?"
        return self._choose("Training cancelled", text, "Keep", "Discard") == "accept"

    def _choose(
        self, title: str, text: str, accept: str, destroy: str, reject: str | None = None
    ) -> str:
        """Ask with named buttons; "accept", "destroy" or "reject" (also a closed box)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.window)
        buttons = {
            box.addButton(accept, QMessageBox.ButtonRole.AcceptRole): "accept",
            box.addButton(destroy, QMessageBox.ButtonRole.DestructiveRole): "destroy",
        }
        if reject:
            box.addButton(reject, QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return buttons.get(box.clickedButton(), "reject")
