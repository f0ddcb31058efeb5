"""Cluster colours, shared by the CLI's report and the desktop map so both agree."""

from __future__ import annotations

# Okabe-Ito and Tableau colours: tell clusters apart, also for colour-blind eyes
PALETTE = [
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (204, 121, 167),
    (86, 180, 233),
    (213, 94, 0),
    (240, 228, 66),
    (120, 28, 109),  # a dark magenta, not black: the map's cross and marker stay readable on it
    (148, 103, 189),
    (140, 86, 75),
    (127, 127, 127),
    (188, 189, 34),
]


def cluster_colour(cluster: int) -> tuple[int, int, int]:
    return PALETTE[cluster % len(PALETTE)]
