"""The state a person builds up in one window, as a Qt-free model with change events.

napari keeps its `ViewerModel` free of any widget and lets the Qt views listen; this is the same
idea. The window turns the person's actions into calls here (or into requests whose answers
come back through `deliver`), and each panel subscribes to the events it renders. Everything
that referred to an old dataset is reset in one place, `set_workspace`; a dataset face is
remembered by its key, not its position, so another dataset never makes it point elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from psygnal import Signal

from core.base import trace
from core.base.errors import BadRequest
from core.drawings.strokes import Drawing
from core.latent.walk_ahead import WalkAhead

if TYPE_CHECKING:
    from core.latent.workspace import Workspace
    from core.session.analysis import Analysis


@dataclass(frozen=True)
class End:
    """One end of an interpolation: the drawing, the last generated face, the selected
    dataset face, or a cluster's centre (`cluster`)."""

    kind: str  # "drawing", "generated", "selected" or "centre"
    cluster: int = -1

    @property
    def label(self) -> str:
        if self.kind == "centre":
            return f"centre of cluster {self.cluster}"
        return {
            "drawing": "current drawing",
            "generated": "last generated face",
            "selected": "clicked dataset face",
        }[self.kind]


DRAWING, GENERATED, SELECTED = End("drawing"), End("generated"), End("selected")


class Answerable(Protocol):
    """What the session needs of a request to take its answer (every class of
    `core.session.requests` is one): the requests know the session, not the other way round."""

    key: str

    def wanted_by(self, session: Session) -> bool: ...

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None: ...


class Session:
    workspace_changed = Signal(object, list)  # the workspace, notices about loading it
    model_loaded = Signal(object, str)  # the workspace whose weights are now in, the device
    drawing_cleared = Signal()
    analysis_started = Signal(object)  # a new drawing's answer: cluster, marker, first points
    analysis_finished = Signal(object)  # its reconstruction is complete
    reconstruction_improved = Signal(object)  # the same analysis, its face from more tries
    walked = Signal(object)  # the face under the map cursor
    face_selected = Signal(object, str)  # a dataset face the person clicked, and its caption
    face_reconstructed = Signal(object)  # the model's reconstruction of that face
    strip_changed = Signal(list)  # the faces of an interpolation
    samples_changed = Signal(list, str)  # random faces and what they were drawn from
    endings_changed = Signal(list)  # endings of the half-drawn face
    ends_changed = Signal(list)  # the interpolation and arithmetic ends on offer
    average_changed = Signal(object, list, str)  # an Average, its most typical members, caption
    arithmetic_changed = Signal(object)  # the face A - B + C draws

    def __init__(self) -> None:
        self.workspace: Workspace | None = None
        self.drawing = Drawing([])
        self.analysis: Analysis | None = None  # the newest complete analysis on screen
        self.last_generated: Drawing | None = None
        self.selected_key: str | None = None
        self.drawing_epoch = 0  # grows when answers for the drawing so far must not be shown
        self.walk_ahead = WalkAhead()  # faces decoded along the map cursor's path
        self._shown: dict[str, int] = {}  # newest request id whose answer is shown, per key

    # ------------------------------------------------------------------ the person's actions
    def set_workspace(self, workspace: Workspace, notices: list[str] | None = None) -> None:
        """A model and dataset are loaded: forget what belonged to the old ones."""
        same_data = self.workspace is not None and self.workspace.data_path == workspace.data_path
        self.workspace = workspace
        self.analysis = None
        self.drawing_epoch += 1  # analyses on their way were worked out under the old ones
        self.walk_ahead.forget()
        if not (same_data and workspace.position_of(self.selected_key) is not None):
            self.selected_key = None
        self.workspace_changed.emit(workspace, list(notices or []))
        self.ends_changed.emit(self.ends())

    def set_drawing(self, drawing: Drawing) -> None:
        """The canvas changed; an empty one takes its answers with it."""
        self.drawing = drawing
        if drawing.is_empty:
            self.drawing_epoch += 1
            self.analysis = None
            self.drawing_cleared.emit()

    def select_face(self, position: int) -> Drawing:
        """The person clicked dataset face `position` of the open workspace."""
        ws = self._workspace()
        if not 0 <= position < len(ws.drawings):
            raise BadRequest(f"there is no face {position} in {ws.data_name}")
        self.selected_key = ws.index.keys[position]
        face = ws.drawings[position]
        self.face_selected.emit(face, f"{self.selected_key} (cluster {ws.index.labels[position]})")
        self.ends_changed.emit(self.ends())
        return face

    def selected_position(self) -> int | None:
        """Where the selected face is in the open dataset (None: nothing selected)."""
        return workspace.position_of(self.selected_key) if (workspace := self.workspace) else None

    # ------------------------------------------------------------------ interpolation ends
    def ends(self) -> list[End]:
        ends = [DRAWING, GENERATED]
        if self.selected_position() is not None:
            ends.append(SELECTED)
        if self.workspace is not None:
            ends += [End("centre", c) for c in range(self.workspace.index.k)]
        return ends

    def end_source(self, end: End) -> Drawing | np.ndarray:
        """What an end stands for now: a drawing to encode, or a vector the index has."""
        ws = self._workspace()
        if end.kind == "drawing":
            if self.drawing.is_empty:
                raise BadRequest("the canvas is empty: draw a face to use it as an end")
            return self.drawing
        if end.kind == "generated":
            if self.last_generated is None:
                raise BadRequest("no face has been generated yet: sample or walk the map first")
            return self.last_generated
        if end.kind == "selected":
            position = self.selected_position()
            if position is None:
                raise BadRequest("no dataset face is selected: click one on the map")
            return ws.index.mu[position]
        if not 0 <= end.cluster < ws.index.k:
            raise BadRequest(f"there is no cluster {end.cluster} in this index")
        return ws.index.centroids[end.cluster]

    # ------------------------------------------------------------------ answers
    def deliver(self, request_id: int, request: Answerable, answer: Any, early: bool) -> bool:
        """An answer from the worker: shown unless it is out of date. Never goes backwards:
        an answer older than the one shown for its key is dropped, and an early answer is
        followed by its own final one even if newer requests are on their way."""
        if not request.wanted_by(self):
            return False
        shown = self._shown.get(request.key, 0)
        if request_id < shown or (early and request_id == shown):
            return False
        continues = not early and request_id == shown
        self._shown[request.key] = request_id
        request.apply(self, answer, early, continues)
        return True

    def shown(self, key: str) -> int:
        """The newest request id of `key` whose answer is on screen (0: none yet)."""
        return self._shown.get(key, 0)

    def show_analysis(self, analysis: Analysis, continues: bool) -> None:
        trace.mark("gui: answer received")
        if not continues:
            self.analysis_started.emit(analysis)
            trace.mark("gui: widgets updated")
        if analysis.complete:
            self.analysis = analysis
            self.analysis_finished.emit(analysis)

    def show_more_tries(self, analysis: Analysis) -> None:
        """The analysis on screen, its reconstruction now the nearest of more tries."""
        self.analysis = analysis
        self.reconstruction_improved.emit(analysis)

    def walk_to(self, xy: tuple[float, float]) -> tuple[tuple[float, float], ...]:
        """The map cursor moved: show at once a face decoded near it ahead of time, if any;
        returns the places to ask the worker for."""
        self._show_walk_face(self.walk_ahead.face_near(xy))
        return self.walk_ahead.moved(xy)

    def show_walked(self, places: tuple[tuple[float, float], ...], faces: list[Drawing]) -> None:
        """A batch of faces along the cursor's path (`WalkAhead.offer` picks the one to show)."""
        self._show_walk_face(self.walk_ahead.offer(places, faces))

    def show_rested(self, place: tuple[float, float], face: Drawing) -> None:
        """The face decoded for where the cursor rested, if it has not moved since."""
        if self.walk_ahead.cursor() == place:
            self._show_walk_face(face)

    def _show_walk_face(self, face: Drawing | None) -> None:
        if face is not None and face is not self.last_generated:
            self.last_generated = face
            self.walked.emit(face)

    def show_face_reconstruction(self, key: str, face: Drawing) -> None:
        if key == self.selected_key:
            self.face_reconstructed.emit(face)

    def show_strip(self, faces: list[Drawing]) -> None:
        self.last_generated = faces[-1]
        self.strip_changed.emit(faces)

    def show_model_loaded(self, workspace: Workspace, device: str) -> None:
        """The open workspace's model has its weights in (it was mapped from the cache first)."""
        if workspace is self.workspace:
            self.model_loaded.emit(workspace, device)

    def show_samples(self, faces: list[Drawing], caption: str) -> None:
        self.last_generated = faces[0]
        self.samples_changed.emit(faces, caption)

    def show_endings(self, faces: list[Drawing]) -> None:
        self.last_generated = faces[0]
        self.endings_changed.emit(faces)

    def show_average(self, average: Any, members: list[Drawing], caption: str) -> None:
        self.last_generated = average.face
        self.average_changed.emit(average, members, caption)

    def show_arithmetic(self, face: Drawing) -> None:
        self.last_generated = face
        self.arithmetic_changed.emit(face)

    def _workspace(self) -> Workspace:
        if self.workspace is None:
            raise BadRequest("no dataset is open yet")
        return self.workspace
