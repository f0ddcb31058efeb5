"""sketch-rnn (Ha & Eck 2017): a bidirectional-LSTM encoder to a VAE latent z, and an LSTM
decoder with a mixture-of-Gaussians head over pen offsets plus a 3-way pen state.

Training uses the fused `nn.LSTM` with teacher forcing; generation steps the same weights one
point at a time (`DecoderStepper`), with the z-dependent part of the input projection computed
once per face so each step is two small matmuls.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence

from core.model.aux_losses import PictureHead, identity_loss, picture_loss, raster_targets


@dataclass(frozen=True)
class ModelConfig:
    """Architecture and loss settings; travels inside every model file."""

    enc_size: int = 256
    dec_size: int = 512
    z_size: int = 128
    num_mixtures: int = 20
    max_len: int = 250
    kl_weight: float = 0.5
    kl_tolerance: float = 0.2
    kl_weight_start: float = 0.01
    kl_decay_rate: float = 0.99995
    random_scale: float = 0.15
    point_drop: float = 0.1
    # share of the decoder's previous-point inputs blanked while training: the decoder must then
    # take the drawing from z instead of copying its own last step (0 = sketch-rnn as published)
    decoder_input_dropout: float = 0.0
    # share of those inputs replaced by the decoder's own likeliest guess at that point, from a
    # first teacher-forced pass (scheduled sampling, in parallel): drawing alone, it is fed its
    # own slips, and teacher forcing never showed it one (0 = sketch-rnn as published)
    decoder_own_inputs: float = 0.0
    # share of training drawings whose strokes the encoder sees in a random order while the
    # decoder is still taught them as drawn: z should hold the face, not the order it came in
    stroke_order_shuffle: float = 0.0
    # weight of the picture loss: a small head predicts a coarse raster of the drawing from z,
    # so z must hold the face's layout (core.model.aux_losses; 0 = none, and no head)
    picture_loss: float = 0.0
    # weight of the identity loss: InfoNCE between the encodings of a face seen in two stroke
    # orders against the batch's other faces, so z tells faces apart (needs stroke_order_shuffle)
    identity_loss: float = 0.0

    @classmethod
    def from_dict(cls, values: dict) -> ModelConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})

    def to_dict(self) -> dict:
        return asdict(self)


PRESETS: dict[str, ModelConfig] = {
    # sketch-rnn's reference sizes
    "default": ModelConfig(),
    # what the shipped CPU model uses: ~4x cheaper per step, trained for more steps in the same time
    "small": ModelConfig(
        enc_size=128, dec_size=384, z_size=64, num_mixtures=20, kl_decay_rate=0.9997
    ),
    # for tests: trains in seconds
    "tiny": ModelConfig(
        enc_size=32, dec_size=64, z_size=16, num_mixtures=5, max_len=200, kl_decay_rate=0.99
    ),
}


class SketchRNN(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        c = config
        self.encoder = nn.LSTM(5, c.enc_size, batch_first=True, bidirectional=True)
        self.to_mu = nn.Linear(2 * c.enc_size, c.z_size)
        self.to_presig = nn.Linear(2 * c.enc_size, c.z_size)
        self.to_init_state = nn.Linear(c.z_size, 2 * c.dec_size)
        self.decoder = nn.LSTM(5 + c.z_size, c.dec_size, batch_first=True)
        self.head = nn.Linear(c.dec_size, 6 * c.num_mixtures + 3)
        # training only; in the file so that a fine-tune goes on pulling the same way
        self.picture = PictureHead(c.z_size) if c.picture_loss > 0 else None

    # ------------------------------------------------------------------ encoder
    def encode(
        self, points: torch.Tensor, lengths: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """mu and log-variance of q(z | drawing). `points`: (b, t, 5) without the start token."""
        packed = pack_padded_sequence(
            points, lengths.clamp(min=1).cpu(), batch_first=True, enforce_sorted=False
        )
        _, (h, _) = self.encoder(packed)
        h = torch.cat([h[0], h[1]], dim=1)
        return self.to_mu(h), self.to_presig(h)

    def initial_state(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, c = torch.tanh(self.to_init_state(z)).chunk(2, dim=1)
        return h.unsqueeze(0).contiguous(), c.unsqueeze(0).contiguous()

    # ------------------------------------------------------------------ decoder (teacher forcing)
    def decode_teacher_forced(self, inputs: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Head outputs for every step. `inputs`: (b, t, 5) starting with the start token."""
        zs = z.unsqueeze(1).expand(-1, inputs.shape[1], -1)
        out, _ = self.decoder(torch.cat([inputs, zs], dim=2), self.initial_state(z))
        return self.head(out)

    def forward(
        self,
        batch: torch.Tensor,
        lengths: torch.Tensor,
        sample: bool = True,
        encoder_view: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        """Loss parts for a stroke-5 batch from `pad_stroke5` (start token first).
        `encoder_view`: the same drawings as the encoder should see them (strokes reordered),
        padded alike; None shows it `batch`."""
        targets = batch[:, 1:]
        seen = targets if encoder_view is None else encoder_view[:, 1:]
        mu, presig = self.encode(seen, lengths)
        z = mu + torch.exp(presig / 2) * torch.randn_like(mu) if sample else mu
        inputs = batch[:, :-1]
        q = self.config.decoder_own_inputs
        if self.training and sample and q > 0:
            inputs = self._with_own_guesses(inputs, z, q)
        p = self.config.decoder_input_dropout
        if self.training and sample and p > 0:
            keep = torch.rand(inputs.shape[:2], device=inputs.device) >= p
            keep[:, 0] = True  # the start token stays: it says where a drawing begins
            inputs = inputs * keep.unsqueeze(2)
        params = self.decode_teacher_forced(inputs, z)
        offsets_nll, pen_nll = reconstruction_loss(
            params, targets, lengths, self.config.num_mixtures
        )
        kl = -0.5 * torch.mean(1 + presig - mu.pow(2) - presig.exp())
        parts = {"offsets": offsets_nll, "pen": pen_nll, "kl": kl}
        if self.training and sample:
            parts.update(self._aux_losses(targets, lengths, z, mu, encoder_view))
        return parts

    def _aux_losses(self, targets, lengths, z, mu, encoder_view) -> dict[str, torch.Tensor]:
        """The weighted pulls on z that are not the decoder's (see core.model.aux_losses)."""
        c, out = self.config, {}
        if self.picture is not None:
            target = raster_targets(targets, lengths)
            out["picture"] = c.picture_loss * picture_loss(self.picture(z), target)
        if c.identity_loss > 0 and encoder_view is not None:
            as_drawn, _ = self.encode(targets, lengths)
            out["identity"] = c.identity_loss * identity_loss(mu, as_drawn)
        return out

    def _with_own_guesses(self, inputs: torch.Tensor, z: torch.Tensor, share: float):
        """`inputs` with `share` of its points (never the start token) replaced by what the
        decoder, teacher-forced, thinks each point is: its likeliest mixture's mean and pen."""
        with torch.no_grad():
            guesses = greedy_points(self.decode_teacher_forced(inputs, z), self.config)
        own = torch.cat([inputs[:, :1], guesses[:, :-1]], dim=1)  # guess t feeds step t + 1
        swap = torch.rand(inputs.shape[:2], device=inputs.device) < share
        swap[:, 0] = False
        return torch.where(swap.unsqueeze(2), own, inputs)


def greedy_points(params: torch.Tensor, config: ModelConfig) -> torch.Tensor:
    """(b, t, 5) stroke-5 points: each step's likeliest mixture mean and likeliest pen state."""
    pi, mu_x, mu_y, _, _, _, pen_logits = split_params(params, config.num_mixtures)
    best = pi.argmax(dim=-1, keepdim=True)
    xy = torch.cat([mu_x.gather(-1, best), mu_y.gather(-1, best)], dim=-1)
    pen = F.one_hot(pen_logits.argmax(dim=-1), 3).to(xy.dtype)
    return torch.cat([xy, pen], dim=-1)


def split_params(params: torch.Tensor, num_mixtures: int):
    """Mixture logits, means, log-sigmas, correlations and pen logits from the head output."""
    m = num_mixtures
    pi, mu_x, mu_y, log_sx, log_sy, rho_raw = params[..., : 6 * m].split(m, dim=-1)
    pen_logits = params[..., 6 * m :]
    rho = torch.tanh(rho_raw) * 0.999
    return pi, mu_x, mu_y, log_sx.clamp(-6, 4), log_sy.clamp(-6, 4), rho, pen_logits


def reconstruction_loss(
    params: torch.Tensor, targets: torch.Tensor, lengths: torch.Tensor, num_mixtures: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Offset NLL over the real points and pen cross-entropy over the points plus the end step,
    each averaged per point, so the numbers do not depend on how much padding a batch has."""
    pi, mu_x, mu_y, log_sx, log_sy, rho, pen_logits = split_params(params, num_mixtures)
    x, y = targets[..., 0:1], targets[..., 1:2]
    sx, sy = log_sx.exp(), log_sy.exp()
    nx, ny = (x - mu_x) / sx, (y - mu_y) / sy
    one_minus = 1 - rho.pow(2)
    zq = nx.pow(2) + ny.pow(2) - 2 * rho * nx * ny
    log_n = -zq / (2 * one_minus) - (
        math.log(2 * math.pi) + log_sx + log_sy + 0.5 * torch.log(one_minus)
    )
    log_p = torch.logsumexp(F.log_softmax(pi, dim=-1) + log_n, dim=-1)
    steps = torch.arange(targets.shape[1], device=targets.device).unsqueeze(0)
    point_mask = (steps < lengths.unsqueeze(1)).float()
    pen_mask = (steps <= lengths.unsqueeze(1)).float()  # the points and the end token
    offsets_nll = -(log_p * point_mask).sum() / point_mask.sum().clamp(min=1)
    pen_target = targets[..., 2:].argmax(dim=-1)
    pen_ce = F.cross_entropy(pen_logits.transpose(1, 2), pen_target, reduction="none")
    pen_nll = (pen_ce * pen_mask).sum() / pen_mask.sum().clamp(min=1)
    return offsets_nll, pen_nll


class DecoderStepper:
    """Runs the decoder one point at a time for a batch, sampling as sketch-rnn does.

    The step itself is written once, in `_generate_steps`; a prefix of known points (a
    half-drawn face to complete) goes through the same fused `nn.LSTM` that training uses.
    Temperature divides the mixture and pen logits (the pen's never below
    PEN_TEMPERATURE_FLOOR) and scales the Gaussians' variance; greedy takes the likeliest
    mixture's mean and the likeliest pen state.
    """

    @torch.inference_mode()
    def __init__(self, model: SketchRNN, z: torch.Tensor, primer: torch.Tensor | None = None):
        """`primer` (b, t, 5), starting with the start token: points the decoder has already
        been fed (teacher-forced); generation then continues from its state."""
        lstm = model.decoder
        self.model = model
        w_ih = lstm.weight_ih_l0
        self.w_point, self.w_hh, self.head_w = _step_weights(model)
        # the z part of the input and both biases are the same at every step
        self.constant = z @ w_ih[:, 5:].t() + lstm.bias_ih_l0 + lstm.bias_hh_l0
        h, c = model.initial_state(z)
        if primer is not None and primer.shape[1] > 0:
            zs = z.unsqueeze(1).expand(-1, primer.shape[1], -1)
            _, (h, c) = lstm(torch.cat([primer, zs], dim=2), (h, c))
        self.h, self.c = h[0], c[0]
        self.head_b = model.head.bias
        self.m = model.config.num_mixtures

    def chunks(
        self, point: torch.Tensor, noise: torch.Tensor | None, temperature: float, limit: int
    ) -> Iterator[torch.Tensor]:
        """Generate up to `limit` rows after the input rows `point` (b, 5), as chunks (b, n, 5);
        stops when every row has drawn its end token. `noise` (limit, 1 or b, 4): per step, one
        row of random numbers shared by every face, or one per face; None means greedy.

        The first chunk is FIRST_CHUNK steps (what a live view draws first), the rest CHUNK
        steps (fewer for a big batch, see CHUNK_ROW_STEPS); between two chunks the caller may
        simply stop iterating, so a request that was overtaken ends within a few milliseconds. Chunking never changes the result: step i
        always uses noise row i.
        """
        greedy = noise is None
        chunk = max(FIRST_CHUNK, min(CHUNK, CHUNK_ROW_STEPS // max(1, point.shape[0])))
        if noise is None:
            noise = torch.zeros(limit, 1, 4, device=point.device)
        done = torch.zeros(point.shape[0], dtype=torch.bool, device=point.device)
        made, first = 0, True
        while made < limit:
            n = min(FIRST_CHUNK if first else chunk, limit - made)
            with torch.inference_mode():  # per chunk: never left on while the consumer runs
                out, self.h, self.c, done = _generate(
                    point, self.h, self.c, done, self.constant, self.w_point, self.w_hh,
                    self.head_w, self.head_b, noise[made : made + n], temperature,
                    PEN_TEMPERATURE_FLOOR, greedy, self.m, n,
                )  # fmt: skip
            made, first = made + out.shape[1], False
            yield out
            point = out[:, -1]
            if out.shape[1] < n or bool(done.all()):
                return


def _step_weights(model: SketchRNN) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The decoder's weights laid out for one step (transposed, contiguous), kept on the model
    while its weights are unchanged: making them took ~0.7 ms of every live reconstruction.
    A weight changed in place (a training step, load_state_dict) bumps its version: remade."""
    lstm, head = model.decoder, model.head
    sources = (lstm.weight_ih_l0, lstm.weight_hh_l0, head.weight)
    stamp = tuple((id(w), w._version, w.device) for w in sources)
    cached = getattr(model, "_step_weights_cache", None)
    if cached is None or cached[0] != stamp:
        with torch.no_grad():
            laid = (
                sources[0][:, :5].t().contiguous(),
                sources[1].t().contiguous(),
                sources[2].t().contiguous(),
            )
        cached = (stamp, laid)
        model._step_weights_cache = cached
    return cached[1]


# steps generated between two chances to stop: ~2 ms of decoding at batch 1 on a CPU
CHUNK = 16
# ... and fewer for a big batch, down to FIRST_CHUNK: a chunk is at most this many rows times
# steps (16 steps of a live view's 16 tries, 5 of the 48 more that follow: ~3 ms), so a pen-up
# overtakes the rest of the previous stroke's tries within a few milliseconds
CHUNK_ROW_STEPS = 256
FIRST_CHUNK = 4  # a live view draws one point a frame at first: four cover its first frames
# the pen state (down, up, end) is never sampled colder than this: at the app's 0.05-0.1 the end
# of a drawing, seldom the likeliest state at any one point, was almost never drawn and 30% of
# the faces walked on the map circled on to the 250-point limit (0 of 120 at 0.5, 1 at 0.4, 6 at
# 0.3; reconstructions alike: mean rank 20.8 against 20.4 of 60)
PEN_TEMPERATURE_FLOOR = 0.4


def _generate_steps(
    point: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
    done: torch.Tensor,
    constant: torch.Tensor,
    w_point: torch.Tensor,
    w_hh: torch.Tensor,
    head_w: torch.Tensor,
    head_b: torch.Tensor,
    noise: torch.Tensor,
    temperature: float,
    pen_floor: float,
    greedy: bool,
    m: int,
    limit: int,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The generation loop, compiled so its per-step cost is the arithmetic, not Python.

    Temperature divides the mixture and pen logits (the pen's never below `pen_floor`) and
    scales the Gaussians' variance; greedy takes the likeliest mixture's mean and pen state.
    Each step's noise (two uniforms, two normals) is either shared by every row (noise
    (limit, 1, 4): a face depends only on its z and the seed, whatever else is in its batch) or
    one per row (noise (limit, b, 4): independent random faces).
    Returns the rows made and the state to go on from (h, c, which rows have ended).
    """
    b = point.shape[0]
    finished = torch.tensor([0.0, 0.0, 0.0, 0.0, 1.0], device=point.device)
    pens = torch.arange(3, device=point.device)
    t = max(temperature, 1e-3)
    pen_t = max(temperature, pen_floor)
    spread = math.sqrt(t)
    size = h.shape[1]
    # one row per step of every random number it needs: uniforms for the mixture and the pen,
    # then the two normals as a (1, 2) pair the offsets scale at once
    pick, pen_pick, normals = noise[:, :, 0:1], noise[:, :, 1:2], noise[:, :, 2:4]
    rows_made: list[torch.Tensor] = []
    # every op below costs a few microseconds of dispatch at batch 1, more than its arithmetic:
    # the loop is written to need as few as possible (one sigmoid for three gates, one gather
    # for the chosen mixture's five parameters)
    for step in range(limit):
        gates = torch.addmm(constant, point, w_point)
        gates.addmm_(h, w_hh)
        sig = torch.sigmoid(gates)
        c = sig[:, size : 2 * size] * c + sig[:, :size] * torch.tanh(gates[:, 2 * size : 3 * size])
        h = sig[:, 3 * size :] * torch.tanh(c)
        params = torch.addmm(head_b, h, head_w)
        per_mixture = params[:, m : 6 * m].view(b, 5, m)  # mu x, mu y, log sx, log sy, corr
        if greedy:
            k = params[:, :m].argmax(1)
            pen = params[:, 6 * m :].argmax(1)
        else:
            cdf = torch.softmax(params[:, :m] / t, 1).cumsum(1)
            k = (cdf < pick[step]).sum(1).clamp(max=m - 1)
            pen_cdf = torch.softmax(params[:, 6 * m :] / pen_t, 1).cumsum(1)
            pen = (pen_cdf < pen_pick[step]).sum(1).clamp(max=2)
        chosen = per_mixture.gather(2, k.view(b, 1, 1).expand(b, 5, 1)).view(b, 5)
        offsets = chosen[:, 0:2]
        if not greedy:
            sigma = chosen[:, 2:4].clamp(-6.0, 4.0).exp() * spread
            r = torch.tanh(chosen[:, 4:5]) * 0.999
            n = normals[step]  # (1 or b, 2)
            first = n[:, 0:1].expand(b, 1)
            correlated = torch.cat([first, r * first + torch.sqrt(1 - r * r) * n[:, 1:2]], 1)
            offsets = offsets + sigma * correlated
        rows = torch.cat([offsets, (pen.unsqueeze(1) == pens).to(offsets.dtype)], 1)
        rows = torch.where(done.unsqueeze(1), finished, rows)
        rows_made.append(rows)
        done = done | (pen == 2)
        point = rows
        if bool(done.all()):
            break
    return torch.stack(rows_made, 1), h, c, done


# TorchScript is marked deprecated in favour of torch.compile, but torch.compile needs a C++
# toolchain and tens of seconds at start-up; scripting is instant and 2-3x faster than Python here.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    _generate = torch.jit.script(_generate_steps)
