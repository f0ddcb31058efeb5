"""The session model on its own: no window, no model. What a person built up stays true when
datasets change, and answers that are out of date never reach the screen."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np
import pytest

from core.base.errors import BadRequest
from core.drawings.strokes import Drawing
from core.session.jobs import LatestQueue
from core.session.requests import Complete, ReconstructFace, Request
from core.session.state import DRAWING, SELECTED, End, Session


def workspace(keys: list[str], path: str = "faces.ndjson", k: int = 2):
    """A stand-in for a loaded workspace: what the session reads of one."""
    n = len(keys)
    index = SimpleNamespace(
        keys=keys,
        k=k,
        labels=np.arange(n) % k,
        mu=np.arange(n * 4, dtype=np.float32).reshape(n, 4),
        centroids=np.ones((k, 4), np.float32),
    )
    drawings = [Drawing([np.array([[i, 0], [i + 1, 1]])], key=key) for i, key in enumerate(keys)]
    return SimpleNamespace(
        index=index,
        drawings=drawings,
        data_path=Path(path),
        data_name=path,
        position_of=lambda key: keys.index(key) if key in keys else None,
    )


@dataclass(frozen=True, eq=False)
class Shown(Request):
    """A request whose answer the test can watch being applied."""

    key: ClassVar[str] = "shown"
    priority: ClassVar[int] = 0
    log: list

    def apply(self, session: Session, answer: Any, early: bool, continues: bool) -> None:
        self.log.append((answer, early, continues))


def test_a_selected_face_is_remembered_by_key_and_forgotten_with_its_dataset():
    session = Session()
    session.set_workspace(workspace([f"face{i}" for i in range(10)]))
    session.select_face(7)
    assert SELECTED in session.ends()
    np.testing.assert_array_equal(session.end_source(SELECTED), session.workspace.index.mu[7])
    # the same file indexed again (another k, another order): still the same face
    session.set_workspace(workspace([f"face{i}" for i in reversed(range(10))], k=3))
    np.testing.assert_array_equal(session.end_source(SELECTED), session.workspace.index.mu[2])
    # another, smaller dataset: its position 7 does not exist, and nothing points there
    session.set_workspace(workspace(["a", "b"], path="other.ndjson"))
    assert session.selected_key is None and SELECTED not in session.ends()
    with pytest.raises(BadRequest, match="no dataset face is selected"):
        session.end_source(SELECTED)


def test_ends_say_what_is_missing_instead_of_failing_later():
    session = Session()
    session.set_workspace(workspace(["a", "b", "c"], k=3))
    assert [e.label for e in session.ends()][-1] == "centre of cluster 2"
    with pytest.raises(BadRequest, match="canvas is empty"):
        session.end_source(DRAWING)
    with pytest.raises(BadRequest, match="no cluster 5"):
        session.end_source(End("centre", 5))


def test_answers_never_go_backwards_and_an_early_one_is_followed_by_its_own_end():
    session, log = Session(), []
    assert session.deliver(2, Shown(log), "early 2", early=True)
    assert not session.deliver(1, Shown(log), "final 1", early=False)  # older than on screen
    assert session.deliver(2, Shown(log), "final 2", early=False)
    assert session.deliver(3, Shown(log), "final 3", early=False)
    assert log == [("early 2", True, False), ("final 2", False, True), ("final 3", False, False)]


def test_a_cleared_drawing_or_another_workspace_drops_the_analyses_on_their_way():
    from core.session.requests import Analyse

    session = Session()
    first = workspace(["a", "b"])
    session.set_workspace(first)
    drawing = Drawing([np.array([[0, 0], [5, 5]])])
    session.set_drawing(drawing)
    asked = Analyse(first, drawing, session.drawing_epoch)
    session.set_drawing(Drawing([]))  # Ctrl+N while the model is still answering
    assert not asked.wanted_by(session)
    again = Analyse(first, drawing, session.drawing_epoch)
    session.set_workspace(workspace(["c"], path="other.ndjson"))
    assert not again.wanted_by(session)


def test_more_tries_reach_the_screen_only_while_their_analysis_is_the_one_shown():
    """The rest of the tries arrive a moment after pen-up; if the person drew on meanwhile,
    the better face of the old drawing must not replace the new drawing's."""
    from core.session.analysis import Analysis
    from core.session.requests import MoreTries

    session, ws = Session(), workspace(["a", "b"])
    session.set_workspace(ws)
    drawing = Drawing([np.array([[0, 0], [5, 5]])])
    shown = Analysis(np.zeros(4), drawing, 0, 1.0, np.ones(2), np.zeros(2), np.zeros(0, int))
    session.show_analysis(shown, continues=False)
    better = dataclasses.replace(shown, reconstruction=Drawing([np.array([[0, 0], [6, 6]])]))
    improved = []
    session.reconstruction_improved.connect(improved.append)
    assert session.deliver(7, MoreTries(ws, shown, 64), better, early=False)
    assert improved == [better] and session.analysis is better
    newer = dataclasses.replace(shown, tries=16)
    session.show_analysis(newer, continues=False)  # a newer stroke's analysis
    assert not session.deliver(9, MoreTries(ws, better, 64), shown, early=False)
    assert session.analysis is newer and improved == [better]


def test_a_clicked_face_and_a_completion_wait_side_by_side():
    """Both used to be one kind of request, so a click on the map dropped a waiting
    "Finish my face"."""
    queue, ws = LatestQueue(), workspace(["a", "b"])
    for request in (Complete(ws, Drawing([np.ones((2, 2))]), 6, 0), ReconstructFace(ws, 1)):
        queue.put(request.key, request, request.priority)
    assert sorted(queue.waiting_keys()) == ["complete", "reconstruct-face"]
    taken = [type(queue.take()[2]).__name__ for _ in range(2)]
    assert sorted(taken) == ["Complete", "ReconstructFace"]
