"""Procedural faces drawn the way people draw them in Quick, Draw!, with their factors as labels.

The full Quick, Draw! face set cannot be downloaded here, so volume comes from this generator:
head outline first (circle, oval, squarish or egg; often left open, sometimes overshooting),
then eyes, nose and mouth, with optional ears, hair and eyebrows, in a mostly-usual order, with
hand jitter and varied size and position. The factors become labels, which makes clustering
measurable. Points come out at about Quick, Draw!'s simplified density (RDP at 2 on 0..255).
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass

import numpy as np

from core.drawings.strokes import Drawing

HEADS = ("circle", "oval", "squarish", "egg")
EYES = ("dot", "circle", "line", "pupil")
NOSES = ("none", "line", "L", "circle")
MOUTHS = ("smile", "frown", "straight", "open")
HAIRS = ("none", "spiky", "fringe", "curly")


@dataclass(frozen=True)
class FaceStyle:
    """How likely each feature is; the defaults follow what real Quick, Draw! faces show."""

    head: tuple[float, ...] = (0.45, 0.3, 0.1, 0.15)
    eyes: tuple[float, ...] = (0.4, 0.3, 0.2, 0.1)
    nose: tuple[float, ...] = (0.5, 0.2, 0.2, 0.1)
    mouth: tuple[float, ...] = (0.6, 0.08, 0.14, 0.18)
    hair: tuple[float, ...] = (0.75, 0.08, 0.1, 0.07)
    ears: float = 0.15
    eyebrows: float = 0.1
    open_head: float = 0.45  # outline left with a gap
    jitter: float = 1.3  # hand tremor, in 0..255 units
    # A real hand's slow wander along a stroke (amplitude in 0..255 units) and the size of the
    # eyes, nose and mouth against the generator's first guess. Both off by default, so the
    # shipped model's training data (`sketchbook faces --seed 1`) stays the same face for face;
    # `REAL_HAND` closes the gap `benchmarks.face_calibration` measures against real faces.
    wander: float = 0.0
    feature_scale: float = 1.0


@functools.cache
def _unit(n: int) -> np.ndarray:
    """0..1 in n steps; cached because np.linspace costs more than the face it helps draw."""
    out = np.linspace(0.0, 1.0, n)
    out.flags.writeable = False
    return out


class _Pen:
    """One face's hand: a random source plus the tremor it adds to every stroke."""

    def __init__(self, rng: random.Random, noise: np.random.Generator, jitter: float):
        self.rng = rng
        self.noise = noise
        self.jitter = jitter

    def shake(self, pts: np.ndarray) -> np.ndarray:
        return pts + self.noise.normal(0.0, self.jitter, pts.shape)

    def ellipse(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        start: float,
        sweep: float,
        n: int,
        wobble: float = 0.04,
    ) -> np.ndarray:
        """An arc of an ellipse whose radius drifts slowly, as a hand-drawn circle does."""
        t = start + sweep * _unit(n)
        k = self.rng.choice((2.0, 3.0))
        drift = 1.0 + wobble * np.sin(k * t + self.rng.uniform(0, 6.28))
        pts = np.stack([cx + rx * drift * np.cos(t), cy + ry * drift * np.sin(t)], 1)
        return self.shake(pts)

    def line(self, *xy: float) -> np.ndarray:
        return self.shake(np.asarray(xy, np.float64).reshape(-1, 2))


def _pick(rng: random.Random, names: tuple[str, ...], weights: tuple[float, ...]) -> str:
    return rng.choices(names, weights)[0]


def _head(pen: _Pen, kind: str, cx: float, cy: float, r: float, is_open: bool) -> list[np.ndarray]:
    rng = pen.rng
    direction = -1.0 if rng.random() < 0.35 else 1.0
    start = (
        rng.uniform(-math.pi, math.pi)
        if rng.random() < 0.4
        else -math.pi / 2 + rng.uniform(-0.6, 0.6)
    )
    if is_open:
        sweep = 2 * math.pi - rng.uniform(0.25, 1.1)
    else:
        sweep = 2 * math.pi + rng.uniform(0.0, 0.45)  # closed, often overshooting
    sweep *= direction
    if kind == "squarish":
        w, h = r * rng.uniform(0.85, 1.05), r * rng.uniform(0.95, 1.15)
        corners = [
            (-w, -h),
            (w, -h),
            (w, h * 0.8),
            (w * 0.6, h),
            (-w * 0.6, h),
            (-w, h * 0.8),
            (-w, -h),
        ]
        if is_open:
            corners = corners[:-1]
        pts = np.array([(cx + x, cy + y) for x, y in corners])
        return [pen.shake(pts)]
    n = rng.randint(18, 30)
    if kind == "circle":
        return [pen.ellipse(cx, cy, r, r * rng.uniform(0.92, 1.08), start, sweep, n)]
    if kind == "oval":
        return [pen.ellipse(cx, cy, r * rng.uniform(0.68, 0.82), r * 1.05, start, sweep, n)]
    # egg: wide at the top, narrow at the chin
    t = start + sweep * _unit(n)
    ry = r * 1.08
    rx = r * (0.82 - 0.16 * np.sin(t))
    pts = np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], 1)
    return [pen.shake(pts)]


def _eyes(pen: _Pen, kind: str, cx: float, cy: float, r: float) -> list[np.ndarray]:
    rng = pen.rng
    gap = r * rng.uniform(0.3, 0.45)
    ey = cy - r * rng.uniform(0.15, 0.35)
    size = r * rng.uniform(0.09, 0.16)
    strokes = []
    for side in (-1, 1) if rng.random() < 0.8 else (1, -1):
        ex = cx + side * gap + rng.gauss(0, r * 0.03)
        eyy = ey + rng.gauss(0, r * 0.03)
        if kind == "dot":
            strokes.append(pen.line(ex, eyy, ex + rng.uniform(-2, 2), eyy + rng.uniform(0.5, 3)))
        elif kind == "line":  # a short dash, upright more often than flat
            if rng.random() < 0.6:
                strokes.append(
                    pen.line(ex, eyy - size * 1.3, ex + rng.gauss(0, 1.5), eyy + size * 1.3)
                )
            else:
                strokes.append(pen.line(ex - size, eyy, ex + size, eyy + rng.gauss(0, 1.5)))
        else:
            circle = pen.ellipse(
                ex, eyy, size, size * rng.uniform(0.8, 1.2), rng.uniform(0, 6), 2 * math.pi, 8
            )
            strokes.append(circle)
            if kind == "pupil":
                strokes.append(
                    pen.line(ex, eyy, ex + rng.uniform(-1.5, 1.5), eyy + rng.uniform(0.5, 2.5))
                )
    return strokes


def _nose(pen: _Pen, kind: str, cx: float, cy: float, r: float) -> list[np.ndarray]:
    rng = pen.rng
    top, bottom = cy - r * 0.05, cy + r * rng.uniform(0.15, 0.3)
    x = cx + rng.gauss(0, r * 0.04)
    if kind == "line":
        return [pen.line(x, top, x + rng.gauss(0, 2), bottom)]
    if kind == "L":
        return [
            pen.line(
                x,
                top,
                x - r * rng.uniform(0.04, 0.1),
                bottom,
                x + r * rng.uniform(0.06, 0.14),
                bottom + 2,
            )
        ]
    if kind == "circle":
        s = r * rng.uniform(0.07, 0.11)
        return [pen.ellipse(x, (top + bottom) / 2, s, s, rng.uniform(0, 6), 2 * math.pi, 7)]
    return []


def _mouth(pen: _Pen, kind: str, cx: float, cy: float, r: float) -> list[np.ndarray]:
    rng = pen.rng
    w = r * rng.uniform(0.3, 0.6)
    my = cy + r * rng.uniform(0.4, 0.58)
    x = cx + rng.gauss(0, r * 0.04)
    if kind == "straight":
        return [pen.line(x - w, my, x + w, my + rng.gauss(0, 2))]
    depth = r * rng.uniform(0.12, 0.4)
    if kind in ("smile", "frown"):
        sign = 1 if kind == "smile" else -1
        left_to_right = rng.random() < 0.75
        a0, a1 = (math.pi, 0.0) if left_to_right else (0.0, math.pi)
        t = a0 + (a1 - a0) * _unit(rng.randint(6, 11))
        pts = np.stack([x + w * np.cos(t), my - sign * depth * 0.4 + sign * depth * np.sin(t)], 1)
        return [pen.shake(pts)]
    # open: a closed D shape (flat top, round bottom), often with a teeth line across
    t = math.pi * _unit(7)
    bottom = np.stack([x + w * np.cos(t), my + depth * np.sin(t)], 1)
    shape = np.vstack([[(x - w, my), (x + w, my)], bottom[1:]])
    strokes = [pen.shake(shape)]
    if rng.random() < 0.7:
        strokes.append(pen.line(x - w * 0.8, my + depth * 0.45, x + w * 0.8, my + depth * 0.45))
    return strokes


def _ears(pen: _Pen, cx: float, cy: float, r: float, head_rx: float) -> list[np.ndarray]:
    rng = pen.rng
    size = r * rng.uniform(0.15, 0.25)
    strokes = []
    for side in (-1, 1):
        ex = cx + side * head_rx * 0.98
        a0 = -math.pi / 2 if side > 0 else -math.pi / 2
        sweep = math.pi * side
        strokes.append(pen.ellipse(ex, cy, size, size * 1.4, a0, sweep, 6))
    return strokes


def _hair(pen: _Pen, kind: str, cx: float, cy: float, r: float) -> list[np.ndarray]:
    rng = pen.rng
    top = cy - r
    if kind == "spiky":
        n = rng.randint(4, 7)
        xs = np.linspace(cx - r * 0.6, cx + r * 0.6, 2 * n + 1)
        ys = np.where(
            np.arange(2 * n + 1) % 2 == 1, top - r * rng.uniform(0.2, 0.35), top + r * 0.05
        )
        return [pen.shake(np.stack([xs, ys], 1))]
    if kind == "fringe":
        n = rng.randint(3, 6)
        return [
            pen.line(x, top + 2, x + rng.uniform(-6, 6), top - r * rng.uniform(0.15, 0.3))
            for x in np.linspace(cx - r * 0.5, cx + r * 0.5, n)
        ]
    if kind == "curly":
        n = rng.randint(3, 5)
        return [
            pen.ellipse(x, top - r * 0.05, r * 0.14, r * 0.12, math.pi, math.pi * 1.6, 7)
            for x in np.linspace(cx - r * 0.55, cx + r * 0.55, n)
        ]
    return []


def _eyebrows(pen: _Pen, cx: float, cy: float, r: float) -> list[np.ndarray]:
    rng = pen.rng
    by = cy - r * rng.uniform(0.4, 0.55)
    gap, w = r * 0.38, r * rng.uniform(0.1, 0.16)
    tilt = rng.uniform(-4, 4)
    return [
        pen.line(cx + s * gap - w, by + s * tilt, cx + s * gap + w, by - s * tilt) for s in (-1, 1)
    ]


def make_face(
    rng: random.Random, noise: np.random.Generator, style: FaceStyle, key: str
) -> Drawing:
    """One face with its factors as labels. Coordinates lie roughly in 0..255."""
    pen = _Pen(rng, noise, style.jitter * rng.uniform(0.6, 1.4))
    r = rng.uniform(70, 110)
    cx, cy = 127 + rng.gauss(0, 10), 130 + rng.gauss(0, 10)
    labels = {
        "head": _pick(rng, HEADS, style.head),
        "eyes": _pick(rng, EYES, style.eyes),
        "nose": _pick(rng, NOSES, style.nose),
        "mouth": _pick(rng, MOUTHS, style.mouth),
        "hair": _pick(rng, HAIRS, style.hair),
        "ears": rng.random() < style.ears,
        "eyebrows": rng.random() < style.eyebrows,
    }
    head_rx = r * (0.75 if labels["head"] in ("oval", "egg") else 1.0)
    head = _head(pen, labels["head"], cx, cy, r, rng.random() < style.open_head)
    inner = [
        _eyes(pen, labels["eyes"], cx, cy, r),
        _nose(pen, labels["nose"], cx, cy, r),
        _mouth(pen, labels["mouth"], cx, cy, r),
    ]
    if style.feature_scale != 1.0:
        inner = [_scaled_in_place(part, style.feature_scale) for part in inner]
    if rng.random() < 0.15:  # some people draw the mouth before the nose, or the eyes last
        rng.shuffle(inner)
    extras = []
    if labels["eyebrows"]:
        extras.append(_eyebrows(pen, cx, cy, r))
    if labels["ears"]:
        extras.append(_ears(pen, cx, cy, r, head_rx))
    if labels["hair"] != "none":
        extras.append(_hair(pen, labels["hair"], cx, cy, r))
    parts = [head, *inner, *extras]
    if rng.random() < 0.08:  # the occasional face drawn from the inside out
        parts = [*inner, head, *extras]
    # people rarely draw upright: a slight tilt and squash of the whole face
    angle, squash = rng.gauss(0, 0.12), rng.uniform(0.85, 1.15)
    c, s_ = math.cos(angle), math.sin(angle)
    warp = np.array([[c * squash, -s_], [s_ * squash, c]]).T
    centre = np.array([cx, cy])
    pieces = [s for part in parts for s in part]
    if style.wander > 0:
        pieces = [_wander(noise, s, style.wander) for s in pieces]
    warped = ((np.concatenate(pieces) - centre) @ warp + centre).astype(np.float32)
    strokes = np.split(warped, np.cumsum([len(p) for p in pieces[:-1]]))
    return Drawing(strokes, key=key, labels={**labels, "word": "face", "procedural": True})


# Chosen by eye and by the calibration table: a smooth lopsided drift, less white tremor. A
# shorter or stronger drift matched the point counts exactly but drew lumpy, zigzag heads.
REAL_HAND = FaceStyle(jitter=0.6, wander=6.0, feature_scale=1.4)


def _wander(noise: np.random.Generator, stroke: np.ndarray, amplitude: float) -> np.ndarray:
    """The stroke resampled every 2 units of its length with a slow sideways drift added: two
    sine waves of random phase and 60-200 units' wavelength over its arc length, as a hand
    drifts off the line it means to follow. White tremor alone leaves little that the
    simplification (RDP at 2) keeps, and no real head is that evenly round. The result is as
    dense as a raw recording: `canonical` simplifies it, as `sketchbook faces` does."""
    if len(stroke) < 2:
        return stroke
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(stroke, axis=0).T))])
    if along[-1] < 4:
        return stroke
    t = np.linspace(0.0, along[-1], max(2, int(along[-1] / 2)))
    dense = np.stack([np.interp(t, along, stroke[:, 0]), np.interp(t, along, stroke[:, 1])], 1)
    wavelengths = noise.uniform(60, 200, 2)
    phases = noise.uniform(0, 2 * np.pi, 2)
    drift = np.sin(t[:, None] * (2 * np.pi / wavelengths) + phases).sum(1) * amplitude / 2
    tangent = np.gradient(dense, axis=0)
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], 1)
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-9)
    return dense + normal * drift[:, None]


def _scaled_in_place(strokes: list[np.ndarray], factor: float) -> list[np.ndarray]:
    """Each stroke grown about its own centre: a feature drawn bigger where it was meant to be."""
    return [(s - s.mean(0)) * factor + s.mean(0) for s in strokes]


def generate_faces(n: int, seed: int = 0, style: FaceStyle | None = None) -> list[Drawing]:
    """`n` faces; the same seed gives the same faces."""
    style = style or FaceStyle()
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    return [make_face(rng, noise, style, key=f"procedural-{seed}-{i}") for i in range(n)]
