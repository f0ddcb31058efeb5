"""What the window asks the model for: one small class per request.

Each request says which waiting request it replaces (`key`: a newer one of the same key makes
the older one pointless), how urgent it is (`priority`: what the person is doing right now goes
first), whether Cancel stops it (`long`), and whether it stops mid-way once a newer one of its
key waits (`overtakable`). `run` does the work on the worker thread and returns the answer, or
a stream (`core.base.streams`) that yields an early answer first; `apply` puts an answer into the
session on the GUI thread. Adding a feature touches one class here, not the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from core.base.errors import BadRequest
from core.drawings.metrics import DEFAULT_PICK, DEFAULT_TRIES
from core.drawings.strokes import Drawing
from core.latent.generate import DEFAULT_SAMPLE_SPREAD, DEFAULT_SOURCE, source_caption

if TYPE_CHECKING:
    from core.base.streams import Stream
    from core.latent.indexing import Progress
    from core.latent.workspace import Workspace
    from core.model.sketcher import Sketcher
    from core.session.analysis import Analysis
    from core.session.state import Session

PREVIEW_FACES = 5000  # a dataset still to be indexed shows this many faces first (if 4x bigger)
WALK_TEMPERATURE = 0.05  # faces walked on the map: nearly deterministic, so a drag is smooth
SAMPLES_PER_GRID = 16
ENDINGS_TEMPERATURE = 0.3


@dataclass(frozen=True, eq=False)
class Request:
    key: ClassVar[str]
    priority: ClassVar[int]
    long: ClassVar[bool] = False
    overtakable: ClassVar[bool] = False

    def run(self, report: Progress) -> Any:
        raise NotImplementedError

    def wanted_by(self, session: Session) -> bool:
        """Whether its answer still means something to the session."""
        return True

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        """Show `answer` (`continues`: the final answer of a request whose early one is shown)."""
        raise NotImplementedError


@dataclass(frozen=True, eq=False)
class OnWorkspace(Request):
    """A request worked out under one model and dataset: pointless once another is loaded."""

    workspace: Workspace

    def wanted_by(self, session: Session) -> bool:
        return session.workspace is self.workspace


@dataclass(frozen=True, eq=False)
class LoadWorkspace(Request):
    key: ClassVar[str] = "load"
    priority: ClassVar[int] = 0
    long: ClassVar[bool] = True

    model: str | None
    data: str | None
    clusters: int | str = "auto"
    projection: str = "pca"
    sketcher: Sketcher | None = None  # keep this model (only the dataset or index changes)

    def run(
        self, report: Progress
    ) -> Stream[tuple[Workspace, list[str]], tuple[Workspace, list[str]]]:
        """A stream: None between encoder batches (the service answers the person's drawing
        there), a first look at a big dataset early, then the whole of it."""
        from core.base.streams import map_early
        from core.latent.workspace import workspace_stream
        from core.model.device import all_cores

        notices: list[str] = []
        with all_cores():
            stream = workspace_stream(
                self.model,
                self.data,
                self.clusters,
                progress=report,
                notice=notices.append,
                sketcher=self.sketcher,
                projection=self.projection,
                preview=PREVIEW_FACES,
            )
            workspace = yield from map_early(
                stream,
                lambda look: (
                    look,
                    [
                        *notices,
                        f"a first look: {len(look.index):,} of {look.preview_of:,} faces, "
                        "clustered on their own; the map fills in when the rest are encoded",
                    ],
                ),
            )
        return workspace, notices

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        session.set_workspace(*answer)


@dataclass(frozen=True, eq=False)
class LoadModel(OnWorkspace):
    """The weights of a workspace mapped from the cache before its model was loaded: asked
    once the map is up, so the first pen-up finds them in (a pen-up before that loads them
    itself). Answers the device the model runs on."""

    key: ClassVar[str] = "model"
    priority: ClassVar[int] = 2

    def run(self, report: Progress) -> str:
        from core.model.device import describe
        from core.model.lazy_model import model_of

        return describe(model_of(self.workspace.sketcher).device)

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        session.show_model_loaded(self.workspace, answer)


@dataclass(frozen=True, eq=False)
class Analyse(OnWorkspace):
    """The live view of the drawing: reconstruction, cluster, map place, nearest faces."""

    key: ClassVar[str] = "analyse"
    priority: ClassVar[int] = 1
    overtakable: ClassVar[bool] = True

    drawing: Drawing
    epoch: int  # the session's drawing epoch when asked: a cleared canvas drops the answer
    tries: int = DEFAULT_TRIES  # decodes of its z, one shown ...
    pick: str = DEFAULT_PICK  # ... chosen by the model, or by nearness to the drawing

    def run(self, report: Progress) -> Any:
        from core.session.analysis import analyse_stream

        sketcher, index = self.workspace.sketcher, self.workspace.index
        return analyse_stream(sketcher, index, self.drawing, tries=self.tries, pick=self.pick)

    def wanted_by(self, session: Session) -> bool:
        return super().wanted_by(session) and session.drawing_epoch == self.epoch

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        session.show_analysis(answer, continues)


@dataclass(frozen=True, eq=False)
class MoreTries(OnWorkspace):
    """The live reconstruction carried on from the tries decoded at pen-up to all the tries
    Model > Reconstruction asks for, shown only while its analysis is still the one on screen.
    It shares the live view's key: a newer drawing's analysis replaces it while it waits and
    stops it between decoder chunks while it runs, so it never delays a pen-up."""

    key: ClassVar[str] = "analyse"
    priority: ClassVar[int] = 1
    overtakable: ClassVar[bool] = True

    base: Analysis
    tries: int

    def run(self, report: Progress) -> Any:
        from core.session.analysis import more_tries_stream

        return more_tries_stream(self.workspace.sketcher, self.base, self.tries)

    def wanted_by(self, session: Session) -> bool:
        return super().wanted_by(session) and session.analysis is self.base

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        session.show_more_tries(answer)


@dataclass(frozen=True, eq=False)
class Walk(OnWorkspace):
    """The faces at places on the map: the cursor's, then where it is heading
    (`core.latent.walk_ahead`), decoded as one batch for little more than the cursor's alone."""

    key: ClassVar[str] = "walk"
    priority: ClassVar[int] = 2

    places: tuple[tuple[float, float], ...]

    def run(self, report: Progress) -> list[Drawing]:
        z = self.workspace.index.map_to_latent(np.array(self.places))
        return self.workspace.sketcher.decode(z, temperature=WALK_TEMPERATURE, seed=0)

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        session.show_walked(self.places, answer)


@dataclass(frozen=True, eq=False)
class WalkRest(OnWorkspace):
    """The face at the cursor's place once it rests (`core.latent.rest_face`): of sixteen tries, the
    one the model itself puts back nearest that place; shown only if the cursor is still there."""

    key: ClassVar[str] = "walk-rest"
    priority: ClassVar[int] = 2
    overtakable: ClassVar[bool] = True

    place: tuple[float, float]

    def run(self, report: Progress) -> Drawing:
        from core.latent.rest_face import faces_at_rest

        z = self.workspace.index.map_to_latent(np.array([self.place]))
        return faces_at_rest(self.workspace.sketcher, z, WALK_TEMPERATURE)[0]

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        session.show_rested(self.place, answer)


@dataclass(frozen=True, eq=False)
class ReconstructFace(OnWorkspace):
    """The model's reconstruction of a dataset face the person clicked."""

    key: ClassVar[str] = "reconstruct-face"
    priority: ClassVar[int] = 3

    position: int
    tries: int = DEFAULT_TRIES
    pick: str = DEFAULT_PICK

    def run(self, report: Progress) -> Drawing:
        face = self.workspace.drawings[self.position]
        return self.workspace.sketcher.reconstruct([face], tries=self.tries, pick=self.pick)[0]

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        session.show_face_reconstruction(self.workspace.index.keys[self.position], answer)


@dataclass(frozen=True, eq=False)
class Complete(OnWorkspace):
    """Several endings of the half-drawn face."""

    key: ClassVar[str] = "complete"
    priority: ClassVar[int] = 3

    partial: Drawing
    n: int
    seed: int

    def run(self, report: Progress) -> list[Drawing]:
        from core.latent.generate import complete

        return complete(
            self.workspace.sketcher, self.partial, self.n, ENDINGS_TEMPERATURE, seed=self.seed
        )

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        session.show_endings(answer)


@dataclass(frozen=True, eq=False)
class Interpolate(OnWorkspace):
    """The faces between two ends, each a drawing (encoded first) or a thought vector."""

    key: ClassVar[str] = "interpolate"
    priority: ClassVar[int] = 4

    a: Drawing | np.ndarray
    b: Drawing | np.ndarray
    steps: int

    def run(self, report: Progress) -> list[Drawing]:
        from core.latent.generate import interpolate

        sketcher = self.workspace.sketcher
        z = [sketcher.encode([e])[0][0] if isinstance(e, Drawing) else e for e in (self.a, self.b)]
        return interpolate(sketcher, z[0], z[1], self.steps)

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        session.show_strip(answer)


@dataclass(frozen=True, eq=False)
class Sample(OnWorkspace):
    """A grid of random faces: like the model's own, the dataset's or from the prior
    (`source`, see `core.latent.generate.SOURCES`), or from one cluster's Gaussian."""

    key: ClassVar[str] = "samples"
    priority: ClassVar[int] = 5

    temperature: float
    cluster: int | None
    seed: int
    n: int = field(default=SAMPLES_PER_GRID)
    source: str = DEFAULT_SOURCE
    spread: float = DEFAULT_SAMPLE_SPREAD  # z drawn this close to the centre of where it comes from

    def run(self, report: Progress) -> list[Drawing]:
        from core.latent.generate import sample_faces

        ws = self.workspace
        return sample_faces(
            ws.sketcher,
            self.n,
            self.temperature,
            ws.index,
            self.cluster,
            self.seed,
            self.spread,
            self.source,
        )

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        if self.cluster is not None:
            caption = f"cluster {self.cluster}"
        else:
            caption = source_caption(self.workspace.sketcher, self.source, self.workspace.index)
        session.show_samples(answer, caption)


@dataclass(frozen=True, eq=False)
class AverageFaces(OnWorkspace):
    """The face the average thought vector of a selection draws: dataset faces by position,
    or drawings from elsewhere (the collection, the favourites), encoded first."""

    key: ClassVar[str] = "average"
    priority: ClassVar[int] = 3

    positions: tuple[int, ...]
    caption: str
    drawings: tuple[Drawing, ...] = ()

    def run(self, report: Progress) -> tuple[Any, list[Drawing]]:
        from core.latent.thoughts import average_face

        ws = self.workspace
        if self.drawings:  # an empty face (a decoder that ended at once) has no vector
            faces = [d for d in self.drawings if not d.is_empty]
            vectors = ws.sketcher.encode_many(faces) if faces else np.zeros((0, 1))
        else:
            vectors = ws.index.mu[list(self.positions)]
            faces = [ws.drawings[i] for i in self.positions]
        if len(vectors) == 0:
            raise BadRequest("nothing selected to average")
        average = average_face(ws.sketcher, vectors)
        return average, [faces[i] for i in average.members]

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        average, members = answer
        session.show_average(average, members, self.caption)


@dataclass(frozen=True, eq=False)
class Arithmetic(OnWorkspace):
    """Face arithmetic: A + strength * (C - B), each end a drawing (encoded) or a vector."""

    key: ClassVar[str] = "arithmetic"
    priority: ClassVar[int] = 2

    a: Drawing | np.ndarray
    b: Drawing | np.ndarray
    c: Drawing | np.ndarray
    strength: float

    def run(self, report: Progress) -> Drawing:
        from core.latent.thoughts import arithmetic_face

        sketcher = self.workspace.sketcher
        ends = [self.a, self.b, self.c]
        drawn = [e for e in ends if isinstance(e, Drawing)]
        encoded = iter(sketcher.encode(drawn)[0]) if drawn else iter(())
        vectors = [next(encoded) if isinstance(e, Drawing) else e for e in ends]
        return arithmetic_face(sketcher, *vectors, strength=self.strength)

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        session.show_arithmetic(answer)
