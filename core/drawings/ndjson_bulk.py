"""The coordinates of a block of Quick, Draw! ndjson lines, parsed with numpy in one pass.

json.loads spends ~30 us a line building Python ints that are thrown away at once; at 160,000
faces that is most of the read. Quick, Draw!'s `"drawing": [[[x...], [y...](, [t...])], ...]`
is regular enough to read as bytes: find each line's drawing section, tokenise the integers,
and take each number's stroke and axis from the bracket depth. Whatever this does not
recognise (exponents, odd spacing, a broken line) is handed back by line for the careful
per-line reader to parse or to report: this is a fast path, never the judge of a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

_SECTION = re.compile(rb'"drawing":\s*\[')
_SECTION_END = re.compile(rb"\]\s*\]\s*\]")
_OPEN, _CLOSE, _COMMA, _SPACE, _MINUS, _DOT = 0x5B, 0x5D, 0x2C, 0x20, 0x2D, 0x2E
MAX_DIGITS = 12  # characters; beyond this a "coordinate" is not one: the careful reader judges


@dataclass
class BulkLines:
    """What the fast path made of a block: per good line its points (flat), stroke lengths
    and the line's text around its drawing (for key and labels); and the lines it left."""

    good: np.ndarray  # (G,) line indices within the block, ascending
    heads: list[bytes]  # per good line, the line with its drawing replaced by 0
    points: np.ndarray  # (P, 2) float32
    stroke_lengths: np.ndarray  # (S,) points per stroke, empty strokes dropped
    strokes_per_line: np.ndarray  # (G,)
    timed: bool
    left: np.ndarray  # line indices for the careful reader


def parse_block(block: bytes, line_starts: np.ndarray, line_ends: np.ndarray) -> BulkLines:
    """Lines i are block[line_starts[i]:line_ends[i]] (without the newline)."""
    n = len(line_starts)
    sec_start = np.full(n, -1, np.int64)
    sec_end = np.full(n, -1, np.int64)
    for m in _SECTION.finditer(block):
        line = int(np.searchsorted(line_ends, m.start()))
        if line < n and sec_start[line] == -1:
            sec_start[line] = m.end() - 1  # the outer '['
        elif line < n:
            sec_start[line] = -2  # two drawings in one line: the careful reader decides
    found = sec_start >= 0
    ends = np.array([m.end() for m in _SECTION_END.finditer(block)], np.int64)
    if found.any() and len(ends):
        nxt = np.searchsorted(ends, sec_start[found])
        ok = nxt < len(ends)
        end = ends[np.minimum(nxt, len(ends) - 1)]
        ok &= end <= line_ends[found]
        sec_end[found] = np.where(ok, end, -1)
    good = (sec_start >= 0) & (sec_end > sec_start)
    for _ in range(2):  # a second pass only when the first finds lines it cannot read
        result, bad = _parse_sections(block, sec_start[good], sec_end[good])
        if not bad.any():
            break
        good[np.flatnonzero(good)[bad]] = False
    good_lines = np.flatnonzero(good)
    heads = [
        block[line_starts[i] : sec_start[i]] + b"0" + block[sec_end[i] : line_ends[i]]
        for i in good_lines
    ]
    points, stroke_lengths, strokes_per_line, timed = result
    return BulkLines(
        good_lines, heads, points, stroke_lengths, strokes_per_line, timed, np.flatnonzero(~good)
    )


def _parse_sections(
    block: bytes, starts: np.ndarray, ends: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray, bool], np.ndarray]:
    """((points, stroke lengths, strokes per section, timed), bad) for sections
    block[starts[k]:ends[k]] (ascending, apart); `bad` marks sections that are not plain
    integer drawings. Per-character work is a few byte comparisons and cumulative sums over
    the block in place; everything else runs on the positions of brackets and numbers."""
    c = np.frombuffer(block, np.uint8)
    k = len(starts)
    if not k:
        return _nothing(k), np.zeros(0, bool)
    edge = np.zeros(len(c) + 1, np.int8)
    edge[starts] = 1
    edge[ends] -= 1
    inside = np.cumsum(edge[:-1], dtype=np.int8).view(bool)

    def per_section(flags: np.ndarray) -> np.ndarray:
        return np.logical_or.reduceat(flags, starts)  # gaps between sections are masked off

    def section_of(positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(starts, positions, "right") - 1

    is_open, is_close = (c == _OPEN) & inside, (c == _CLOSE) & inside
    is_digit = (c >= 0x30) & (c <= 0x39) & inside
    is_minus = (c == _MINUS) & inside
    is_dot = (c == _DOT) & inside
    is_num = is_digit | is_minus | is_dot
    allowed = is_num | is_open | is_close | (c == _COMMA) | (c == _SPACE)
    bad = per_section(inside & ~allowed)
    depth = np.cumsum(is_open.view(np.int8) - is_close.view(np.int8), dtype=np.int32)
    base = depth[starts] - 1  # the outer '[' opens depth 1
    if base.any():  # an unbalanced section earlier in the block shifts the rest
        shift = np.zeros(len(c) + 1, np.int32)
        shift[starts] = np.diff(np.r_[0, base])
        depth -= np.cumsum(shift[:-1], dtype=np.int32)
    bad |= depth[ends - 1] != 0
    bad |= per_section(inside & ((depth < 0) | (depth > 3)))

    stroke_open = is_open & (depth == 2)
    list_open = is_open & (depth == 3)
    # numbers: a run of digits with an optional leading minus, always inside an x/y/t list
    tok_start = is_num.copy()
    tok_start[1:] &= ~is_num[:-1]
    tok_at = np.flatnonzero(tok_start)
    bad |= per_section(tok_start & (depth != 3))
    bad |= per_section(is_minus & ~tok_start)
    num_end = np.flatnonzero(is_num & ~np.r_[is_num[1:], False]) + 1  # one past each token
    negative = is_minus[tok_at]
    first_digit = tok_at + negative
    tok_len = num_end - first_digit
    # a decimal point: at most one, with digits on both sides (JSON's own rule)
    dot_at = np.flatnonzero(is_dot)
    tok_of_dot = np.searchsorted(tok_at, dot_at, "right") - 1
    decimals = np.zeros(len(tok_at), np.int64)
    decimals[tok_of_dot] = num_end[tok_of_dot] - dot_at - 1
    odd = (tok_len > MAX_DIGITS) | (tok_len < 1)
    odd[tok_of_dot[(dot_at == first_digit[tok_of_dot]) | (decimals[tok_of_dot] < 1)]] = True
    odd |= np.bincount(tok_of_dot, minlength=len(tok_at)) > 1
    bad[section_of(tok_at[odd])] = True
    values = np.zeros(len(tok_at), np.float64)  # exact below 2**53
    for j in range(int(tok_len.max(initial=0)) if not bad.any() else 0):
        more = np.flatnonzero(tok_len > j)
        char = c[first_digit[more] + j]
        digit = more[char != _DOT]
        values[digit] = values[digit] * 10 + (c[first_digit[digit] + j] - 0x30)
    if len(dot_at):
        values /= 10.0**decimals
    values[negative] *= -1

    stroke_count = np.cumsum(stroke_open, dtype=np.int32)
    list_count = np.cumsum(list_open, dtype=np.int32)
    stroke_at = np.flatnonzero(stroke_open)
    stroke_of_tok = stroke_count[tok_at] - 1
    lists_before = list_count[stroke_at]  # lists opened before each stroke's first
    safe = np.maximum(stroke_of_tok, 0)
    axis = list_count[tok_at] - 1 - (lists_before[safe] if len(stroke_at) else 0)
    bad[section_of(tok_at[(stroke_of_tok < 0) | (axis > 2)])] = True
    # per stroke: as many x as y, and at least its x and y lists
    xs, ys = axis == 0, axis == 1
    count_x = np.bincount(safe[xs], minlength=len(stroke_at))
    count_y = np.bincount(safe[ys], minlength=len(stroke_at))
    lists_per_stroke = np.diff(np.r_[lists_before, int(list_count[-1])])
    stroke_sec = section_of(stroke_at)
    bad[stroke_sec[(count_x != count_y) | (lists_per_stroke < 2)]] = True
    if bad.any():
        return _nothing(k), bad
    keep = count_x > 0
    strokes_per_sec = np.bincount(stroke_sec[keep], minlength=k)
    points = np.stack([values[xs], values[ys]], 1).astype(np.float32)
    timed = bool((lists_per_stroke > 2).any())
    return (points, count_x[keep], strokes_per_sec, timed), bad


def _nothing(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    return np.zeros((0, 2), np.float32), np.zeros(0, np.int64), np.zeros(k, np.int64), False
