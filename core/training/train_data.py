"""What a training run is given: scaled stroke-3 sequences, named validation sets, the scale."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class TrainData:
    train: list[np.ndarray]
    valid: dict[str, list[np.ndarray]] = field(default_factory=dict)
    scale: float = 1.0
    description: dict = field(default_factory=dict)
