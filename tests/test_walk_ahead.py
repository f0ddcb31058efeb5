"""Dragging the map: faces decoded ahead of the cursor are shown as it reaches them, and they
are the very faces a request for that place alone would have drawn."""

from __future__ import annotations

import numpy as np

from core.drawings.strokes import Drawing
from core.latent.walk_ahead import AHEAD, FRAME_S, WalkAhead
from core.session.requests import WALK_TEMPERATURE
from core.session.state import Session


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def face(i: int) -> Drawing:
    return Drawing([np.array([[i, 0], [i + 1, 1]], np.float64)], key=f"face{i}")


def drag(ahead: WalkAhead, clock: Clock, start: float, speed: float, moves: int):
    """Moves along x every 8 ms at `speed` map units a second; the last move's places."""
    places = ()
    for i in range(moves):
        clock.now += 0.008
        places = ahead.moved((start + speed * 0.008 * i, 2.0))
    return places


def test_a_steady_drag_asks_for_the_cursor_and_one_frame_of_travel_ahead_per_place():
    clock = Clock()
    ahead = WalkAhead(clock)
    places = np.array(drag(ahead, clock, 0.0, speed=3.0, moves=6))
    assert len(places) == AHEAD + 1
    np.testing.assert_allclose(places[0], (3.0 * 0.008 * 5, 2.0))
    np.testing.assert_allclose(np.diff(places[:, 0]), 3.0 * FRAME_S)
    np.testing.assert_allclose(places[:, 1], 2.0)


def test_a_cursor_at_rest_asks_for_its_own_place_only():
    clock = Clock()
    ahead = WalkAhead(clock)
    assert ahead.moved((1.0, 1.0)) == ((1.0, 1.0),)
    clock.now += 0.2  # a pause longer than the velocity window
    assert ahead.moved((1.5, 1.0)) == ((1.5, 1.0),)


def test_the_face_shown_is_the_one_decoded_nearest_the_cursor_or_none_off_the_path():
    clock = Clock()
    ahead = WalkAhead(clock)
    places = drag(ahead, clock, 0.0, speed=3.0, moves=6)
    faces = [face(i) for i in range(len(places))]
    ahead.offer(places, faces)
    step = 3.0 * FRAME_S
    x0 = places[0][0]
    assert ahead.face_near((x0 + 2 * step + 0.3 * step, 2.0)) is faces[2]
    assert ahead.face_near((x0 + 2 * step + 0.7 * step, 2.0)) is faces[3]
    assert ahead.face_near((x0 + 2 * step, 2.0 + step)) is None  # turned off the path
    assert ahead.face_near((x0 + 10 * step, 2.0)) is None  # beyond what was decoded
    ahead.forget()
    assert ahead.face_near(places[0]) is None


def test_a_session_shows_a_face_decoded_ahead_the_moment_the_cursor_reaches_it():
    session = Session()
    clock = Clock()
    session.walk_ahead = WalkAhead(clock)
    shown: list[Drawing] = []
    session.walked.connect(shown.append)
    places = ()
    for i in range(6):
        clock.now += 0.008
        places = session.walk_to((0.024 * i, 0.0))
    faces = [face(i) for i in range(len(places))]
    session.show_walked(places, faces)  # the worker's answer; the cursor is still on place 0
    assert shown == [faces[0]]
    clock.now += 0.008
    session.walk_to(places[1])  # no answer needed: the face is already decoded
    assert shown == [faces[0], faces[1]]
    clock.now += 0.008
    session.walk_to((places[1][0], 5.0))  # off the path: wait for the worker's answer
    assert shown == [faces[0], faces[1]]


def test_a_face_decoded_in_a_batch_along_the_path_is_the_face_decoded_there_alone(
    sketcher, faces_index
):
    _, index = faces_index
    lo, hi = index.map_xy.min(0), index.map_xy.max(0)
    places = [tuple(lo + (hi - lo) * t) for t in np.linspace(0.3, 0.5, AHEAD + 1)]
    batch = sketcher.decode(index.map_to_latent(np.array(places)), WALK_TEMPERATURE, seed=0)
    for place, in_batch in zip(places, batch, strict=True):
        alone = sketcher.decode(index.map_to_latent(np.array([place])), WALK_TEMPERATURE, seed=0)
        np.testing.assert_allclose(in_batch.points(), alone[0].points(), atol=1e-2)  # pixels
    assert not np.array_equal(batch[0].points(), batch[-1].points())
