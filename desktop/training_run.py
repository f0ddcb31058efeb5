"""A training run as a child process (`sketchbook train --json-progress`), read without threads.

The child is a separate process so a crash, an out-of-memory kill or a Cancel can never take the
window down, and training never competes with the window for the GIL. QProcess delivers its
output through the event loop; each line is one small JSON object, cheap to parse on the GUI
thread.
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QObject, QProcess, Signal


class TrainingRun(QObject):
    stepped = Signal(
        int, int, float, float
    )  # step, steps, training loss, seconds left (-1: unknown)
    evaluated = Signal(int, float)  # step, validation loss
    ended = Signal(str, str)  # "done" | "cancelled" | "failed", a message a person can read

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.process = QProcess(self)
        self.process.readyReadStandardOutput.connect(self._read_stdout)
        self.process.readyReadStandardError.connect(self._read_stderr)
        self.process.finished.connect(self._finished)
        self.process.errorOccurred.connect(self._error)
        self._buffer = b""
        self._errors: list[str] = []
        self._cancelled = False
        self._ended = False
        self._started_at = 0.0
        self._first_step: tuple[int, float] | None = None
        self.best_step: int | None = None
        self.cluster_share: float | None = None  # of fresh random faces (T=0.3), in the cluster

    def start(self, arguments: list[str]) -> None:
        """Run `python -m core <arguments>` with this interpreter (what `sketchbook` runs)."""
        self._started_at = time.monotonic()
        self.process.start(sys.executable, ["-m", "core", *arguments, "--json-progress"])

    def is_running(self) -> bool:
        return self.process.state() != QProcess.ProcessState.NotRunning

    def cancel(self) -> None:
        """Ask the child to stop (SIGTERM): it ends the step, keeps its best model and exits."""
        if self.is_running():
            self._cancelled = True
            self.process.terminate()

    def kill(self) -> None:
        """Stop at once (the app is closing); waits so no orphan is left behind."""
        if self.is_running():
            self._cancelled = True
            self.process.kill()
            self.process.waitForFinished(5000)

    # ------------------------------------------------------------------ the child's output
    def _read_stdout(self) -> None:
        self._buffer += bytes(self.process.readAllStandardOutput())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue  # a stray print is not progress
            if isinstance(event, dict):
                self._handle(event)

    def _handle(self, event: dict) -> None:
        kind = event.get("event")
        if kind == "step":
            step, steps = int(event["step"]), int(event["steps"])
            now = time.monotonic()
            if self._first_step is None:
                self._first_step = (step, now)
            first, since = self._first_step
            rate = (step - first) / (now - since) if now > since and step > first else 0.0
            left = (steps - step) / rate if rate > 0 else -1.0
            self.stepped.emit(step, steps, float(event["loss"]), left)
        elif kind == "specialised":
            self.cluster_share = float(event["share_fresh"]["T=0.3"])
        elif kind == "eval":
            if event.get("improved"):
                self.best_step = int(event["step"])
            self.evaluated.emit(int(event["step"]), float(event["valid_loss"]))

    def _read_stderr(self) -> None:
        text = bytes(self.process.readAllStandardError()).decode("utf-8", "replace")
        self._errors = (self._errors + [t for t in text.splitlines() if t.strip()])[-20:]

    # ------------------------------------------------------------------ the end
    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._read_stdout()
        if self._cancelled:
            self._end("cancelled", "training cancelled")
        elif status == QProcess.ExitStatus.NormalExit and code == 0:
            minutes = (time.monotonic() - self._started_at) / 60
            self._end("done", f"training finished in {minutes:.1f} min")
        else:
            last = self._errors[-1] if self._errors else f"exit code {code}"
            if status != QProcess.ExitStatus.NormalExit:
                last = "the training process was killed or crashed"
            self._end("failed", f"training stopped: {last}")

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._end("failed", "could not start the training process")

    def _end(self, outcome: str, message: str) -> None:
        if not self._ended:
            self._ended = True
            self.ended.emit(outcome, message)
