"""Two training-only pulls on z, so that a thought vector holds the face and not a typical one.

An autoregressive decoder can draw a plausible face while ignoring most of z: the next point is
mostly predictable from the last ones. These terms give z jobs the decoder cannot do for it:

- the picture loss: a small head predicts a coarse raster of the drawing from z alone
  (sketch-pix2seq's point, Chen et al. 2017: the layout must then be in z);
- the identity loss: InfoNCE between the encodings of two views of one face (strokes in another
  order) against the other faces of the batch, so z tells faces apart.

Neither is used to draw; both are weighted by `ModelConfig` fields that are 0 for models made
before them, whose files then load unchanged.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

PICTURE_SIZE = 32  # pixels a side: a face's layout, not its line quality
PICTURE_HIDDEN = 256
SEGMENT_SAMPLES = 16  # points laid along each pen-down segment: with the grown pixel, no gaps
IDENTITY_TEMPERATURE = 0.1  # sharpness of InfoNCE's softmax over cosine similarities


class PictureHead(nn.Module):
    """z -> logits of a PICTURE_SIZE x PICTURE_SIZE raster of the drawing."""

    def __init__(self, z_size: int):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(z_size, PICTURE_HIDDEN),
            nn.ReLU(),
            nn.Linear(PICTURE_HIDDEN, PICTURE_SIZE * PICTURE_SIZE),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


@torch.no_grad()
def raster_targets(
    points: torch.Tensor, lengths: torch.Tensor, size: int = PICTURE_SIZE
) -> torch.Tensor:
    """(b, size*size) ink in [0, 1] for a stroke-5 batch without its start token: each drawing
    fitted to the box by its longer side and centred (the size and place of a face on the page
    are not what makes it this face), pen-down segments sampled, one pixel grown on each side."""
    b, t, _ = points.shape
    steps = torch.arange(t, device=points.device).unsqueeze(0)
    real = steps < lengths.unsqueeze(1)
    xy = torch.cumsum(points[..., :2] * real.unsqueeze(2), dim=1)
    big = torch.finfo(xy.dtype).max
    low = torch.where(real.unsqueeze(2), xy, torch.full_like(xy, big)).amin(1, keepdim=True)
    high = torch.where(real.unsqueeze(2), xy, torch.full_like(xy, -big)).amax(1, keepdim=True)
    extent = (high - low).amax(2, keepdim=True).clamp(min=1e-6)
    unit = (xy - (low + high) / 2) / extent + 0.5  # in [0, 1], centred
    # a line from point i to point i+1 when point i's pen stays down (stroke-5 column 2)
    drawn = (points[:, :-1, 2] > 0.5) & real[:, 1:]
    fractions = torch.linspace(0, 1, SEGMENT_SAMPLES, device=points.device).view(1, 1, -1, 1)
    start, end = unit[:, :-1].unsqueeze(2), unit[:, 1:].unsqueeze(2)
    along = start + (end - start) * fractions  # (b, t-1, SEGMENT_SAMPLES, 2)
    keep = drawn.unsqueeze(2).expand(-1, -1, SEGMENT_SAMPLES)
    # lone points (a dot, a stroke of one point) are ink too
    pixels = torch.cat([along.reshape(b, -1, 2), unit], dim=1)
    keep = torch.cat([keep.reshape(b, -1), real], dim=1)
    cells = (pixels * (size - 1)).round().clamp(0, size - 1).long()
    flat = cells[..., 1] * size + cells[..., 0]
    ink = torch.zeros(b, size * size, device=points.device)
    ink.scatter_add_(1, flat, keep.to(ink.dtype))
    grown = F.max_pool2d((ink > 0).float().view(b, 1, size, size), 3, stride=1, padding=1)
    return grown.view(b, size * size)


def picture_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy per pixel of the predicted raster."""
    return F.binary_cross_entropy_with_logits(logits, target)


def identity_loss(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Symmetric InfoNCE: row i of `a` should be nearest (by cosine) row i of `b` among all of
    `b`'s rows, and the other way round."""
    if a.shape[0] < 2:
        return a.new_zeros(())
    a, b = F.normalize(a, dim=1), F.normalize(b, dim=1)
    logits = a @ b.t() / IDENTITY_TEMPERATURE
    labels = torch.arange(a.shape[0], device=a.device)
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2
