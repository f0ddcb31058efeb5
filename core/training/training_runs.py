"""Training runs that outlive the window that started them.

A run's folder under the library's `.training/` holds, beside the checkpoint `sketchbook train`
writes (`model.last.safetensors`, `model.optim.safetensors`, `model.state.json`), a `run.json`
record of how it was started: its name, what it trains on, the command line and the app that
owns it. When the app closes mid-run (the person chose "continue next time") or crashes, the
folder stays; the next start finds it here and offers to go on with `sketchbook train ...
--resume`, losing at most one checkpoint interval. Light on purpose (no torch): read at launch.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from core.base.atomic import atomic_write_text
from core.base.paths import model_library_dir
from core.base.processes import process_alive

RECORD = "run.json"
NO_OWNER = 0  # the app let the run go on purpose (closed with "continue next time")


@dataclass(frozen=True)
class RunRecord:
    """How a run was started: enough to start it again with `--resume`."""

    name: str
    title: str  # the training panel's heading, e.g. "Training 'x' on cluster 2 of faces"
    what: str  # what it learns from, for the closing message ("cluster 2")
    arguments: list[str]
    steps: int
    report_share: bool = True
    owner_pid: int = NO_OWNER


@dataclass(frozen=True)
class InterruptedRun:
    record: RunRecord
    out: Path  # the run's model file, beside its checkpoint
    step: int  # where its last checkpoint stands (0: none yet, it starts over)

    def arguments(self) -> list[str]:
        """The command line that carries on from the checkpoint (or starts over without one)."""
        base = [a for a in self.record.arguments if a != "--resume"]
        return base + ["--resume"] if self.step > 0 else base


def record_run(out: Path, record: RunRecord) -> None:
    """Write (or rewrite) the record beside the run's model file."""
    atomic_write_text(out.parent / RECORD, json.dumps(asdict(record)))


def release(out: Path) -> None:
    """Mark a run as owned by no app, so the next start offers it."""
    found = _read_record(out.parent)
    if found is not None:
        record_run(out, replace(found, owner_pid=NO_OWNER))


def checkpoint_step(out: Path) -> int:
    """The step of the last complete checkpoint beside `out` (0 when there is none): the state
    file is written last, so it is there only when the weights and moments are."""
    stem = out.with_suffix("")
    parts = [Path(f"{stem}.{p}") for p in ("last.safetensors", "optim.safetensors", "state.json")]
    if not all(p.exists() for p in parts):
        return 0
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        return max(0, int(json.loads(parts[2].read_text())["step"]))
    return 0


def interrupted_runs(model_file: str = "model.safetensors") -> list[InterruptedRun]:
    """Runs with a record whose app is gone: the ones to offer to continue, newest first."""
    runs = model_library_dir() / ".training"
    found = []
    for folder in runs.iterdir() if runs.exists() else []:
        record = _read_record(folder)
        if record is None or process_alive(record.owner_pid):
            continue
        out = folder / model_file
        found.append((folder.stat().st_mtime, InterruptedRun(record, out, checkpoint_step(out))))
    found.sort(key=lambda pair: -pair[0])
    return [run for _, run in found]


def is_resumable(folder: Path) -> bool:
    """A folder the sweep of abandoned runs must keep: recorded, and owned by no running app
    (the next start offers it) or by one that still runs it."""
    return _read_record(folder) is not None


def _read_record(folder: Path) -> RunRecord | None:
    with contextlib.suppress(OSError, ValueError, TypeError):
        values = json.loads((folder / RECORD).read_text())
        record = RunRecord(**values)
        if isinstance(record.arguments, list) and all(isinstance(a, str) for a in record.arguments):
            return record
    return None
