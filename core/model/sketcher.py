"""The inference API everything else uses: drawings in, thought vectors and drawings out.

`Sketcher` wraps a trained model with the data scale it was trained at and the device it runs
on, and does the canvas -> model preprocessing that DESIGN.md fixes: fit into 0..255, RDP at 2,
stroke-3, divide by the scale factor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from core.base import trace
from core.base.resources import default_model_path
from core.base.streams import Stream, map_early, run_to_end
from core.drawings.metrics import DEFAULT_PICK, DEFAULT_TRIES
from core.drawings.model_input import (
    CanonicalMemo,
    canonical_pack,
    checked_pack,
    model_sequence,
    model_sequences,
)
from core.drawings.packed import PackedDrawings
from core.drawings.strokes import (
    Drawing,
    from_stroke3,
    pad_stroke5,
    stroke5_to_stroke3,
)
from core.model.device import pick_device
from core.model.modelfile import load_model
from core.model.network import DecoderStepper, SketchRNN
from core.model.sampling_gaussian import SamplingGaussian
from core.model.try_choice import choose_tries

DEFAULT_TEMPERATURE = 0.1
DEFAULT_SEED = 0
# a reconstruction is at most this much longer than what it redraws: at low temperature the
# decoder now and then circles instead of ending, and those extra points are never the face
# padded drawing-steps per encoder batch on the CPU (256 faces of 60 steps): about 50 ms on
# this machine's two cores, the longest a pen-up waits while a big file is indexed
ENCODE_STEPS_PER_BATCH = 256 * 60
SEQUENCES_PER_STEP = 20_000  # model sequences of a pack built between two pauses
RECON_LENGTH_FACTOR = 1.5
RECON_LENGTH_SLACK = 10


def sampling_noise(
    seed: int | None, limit: int, rows: int = 1, tries: int = 1, first_try: int = 0
) -> torch.Tensor:
    """The random numbers a sampled decode uses, (limit, (tries - first_try) * rows, 4), try by
    try: per step two uniforms (mixture, pen) and two normals (the offset). Each try's numbers
    are drawn after the tries before it, so they never depend on how many tries follow: a
    decode with more tries keeps the one-try decode as its first try, and tries 16-63 decoded
    later give exactly the faces a batch of 64 would have."""
    gen = torch.Generator()
    gen.manual_seed(seed if seed is not None else int(torch.randint(0, 2**31, (1,))))
    blocks = []
    for _ in range(tries):
        uniforms = torch.rand(limit, rows, 2, generator=gen)
        blocks.append(torch.cat([uniforms, torch.randn(limit, rows, 2, generator=gen)], 2))
    return torch.cat(blocks[first_try:], 1)


class Sketcher:
    """A loaded model ready to encode, decode and complete drawings (batched, no grad)."""

    def __init__(
        self,
        model: SketchRNN,
        scale: float,
        data: dict | None = None,
        info: dict | None = None,
        path: str = "",
        device: torch.device | None = None,
        gaussian: SamplingGaussian | None = None,
    ):
        self.device = device or next(model.parameters()).device
        self.model = model.to(self.device).eval()
        self.scale = scale
        self.data = data or {}
        self.canonical_memo = CanonicalMemo()  # a pen-up's earlier strokes, simplified before
        self.info = info or {}
        self.path = path
        self.config = model.config
        self.gaussian = gaussian  # where its own random faces come from (None: not stored)

    @classmethod
    def load(cls, path: str | Path | None = None, device: str | None = None) -> Sketcher:
        """`path` None or "default" means the shipped model."""
        resolved = default_model_path() if path in (None, "default") else Path(path)
        dev = pick_device(device)
        model, scale, data, info, gaussian = load_model(resolved, dev)
        return cls(model, scale, data, info, path=str(resolved), device=dev, gaussian=gaussian)

    # -------------------------------------------------------------- encode
    def batch(
        self, drawings: list[Drawing], memo: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The model's padded input for a few drawings (a pen-up's one). A lone drawing's
        earlier strokes keep their simplification from the last pen-up (`CanonicalMemo`),
        unless `memo` is off (the model's own decodes are not the canvas's drawing)."""
        packed = checked_pack(drawings)
        lone = memo and len(packed) == 1
        canonical = self.canonical_memo.canonical(packed) if lone else canonical_pack(packed)
        seqs = model_sequences(canonical, self.scale, self.config.max_len)
        batch, lengths = pad_stroke5(seqs)
        return torch.from_numpy(batch).to(self.device), torch.from_numpy(lengths).to(self.device)

    @property
    def content_hash(self) -> str:
        """sha256 of the model file (what caches are keyed by), computed once."""
        if not hasattr(self, "_content_hash"):
            h = hashlib.sha256()
            if self.path and Path(self.path).exists():
                h.update(Path(self.path).read_bytes())
            else:
                for name, tensor in sorted(self.model.state_dict().items()):
                    h.update(name.encode() + tensor.detach().cpu().numpy().tobytes())
            self._content_hash = h.hexdigest()
        return self._content_hash

    def encode_many(
        self,
        drawings: Sequence[Drawing],
        batch_size: int = 512,
        progress: Callable[[int, int], None] | None = None,
        simplified: bool = False,
    ) -> np.ndarray:
        """mu of many drawings, batched by length so padding costs next to nothing. A
        `PackedDrawings` is brought into canonical form all at once (if not already)."""
        return run_to_end(self.encode_stream(drawings, batch_size, progress, simplified))

    @torch.inference_mode()
    def encode_stream(
        self,
        drawings: Sequence[Drawing],
        batch_size: int = 512,
        progress: Callable[[int, int], None] | None = None,
        simplified: bool = False,
        only: np.ndarray | None = None,
    ) -> Stream[None, np.ndarray]:
        """`encode_many` as a stream: None after each batch (a moment in which the worker can
        answer the person's drawing), then mu. `only`: just these positions of `drawings`, taken
        from a pack a part at a time (one copy of most of 160,000 faces held the GIL ~100 ms)."""
        if not isinstance(drawings, PackedDrawings):
            drawings = checked_pack(drawings)
        drawings = canonical_pack(drawings, simplified)
        wanted = np.arange(len(drawings)) if only is None else np.asarray(only)
        seqs = []
        for part in range(0, len(wanted), SEQUENCES_PER_STEP):  # ~80 ms a part here
            chosen = wanted[part : part + SEQUENCES_PER_STEP]
            whole = len(chosen) == len(drawings)
            piece = drawings if whole else drawings.subset(chosen)
            seqs += model_sequences(piece, self.scale, self.config.max_len)
            yield None
        lengths = np.array([len(s) for s in seqs])
        order = np.argsort(lengths, kind="stable")
        mu = np.zeros((len(seqs), self.config.z_size), np.float32)
        start = 0
        while start < len(order):
            # as many of the next (longer) drawings as fit ENCODE_STEPS_PER_BATCH padded steps: a
            # batch of 250-point faces takes as long as one of 60-point faces, so the worker's
            # pauses stay short (and 128-256 rows encode no slower per step than 512 here)
            width = lengths[order[min(start + batch_size, len(order)) - 1]] + 1
            budget = ENCODE_STEPS_PER_BATCH if self.device.type == "cpu" else batch_size * width
            rows = max(1, min(batch_size, budget // max(width, 1)))
            chosen = order[start : start + rows]
            batch, batch_lengths = pad_stroke5([seqs[i] for i in chosen])
            b = torch.from_numpy(batch).to(self.device)
            out, _ = self.model.encode(b[:, 1:], torch.from_numpy(batch_lengths).to(self.device))
            mu[chosen] = out.cpu().numpy()
            start += len(chosen)
            if progress:
                progress(start, len(order))
            yield None
        return mu

    @torch.inference_mode()
    def encode(self, drawings: list[Drawing]) -> tuple[np.ndarray, np.ndarray]:
        """(mu, sigma) of every drawing, each (n, z_size)."""
        if not drawings:
            z = self.config.z_size
            return np.zeros((0, z), np.float32), np.zeros((0, z), np.float32)
        batch, lengths = self.batch(drawings)
        mu, presig = self.model.encode(batch[:, 1:], lengths)
        return mu.cpu().numpy(), torch.exp(presig / 2).cpu().numpy()

    def _mu_of_tries(self, drawings: list[Drawing]) -> torch.Tensor:
        """mu of the model's own decodes (for its own pick), leaving the canvas's memo alone."""
        batch, lengths = self.batch(drawings, memo=False)
        return self.model.encode(batch[:, 1:], lengths)[0]

    # -------------------------------------------------------------- decode
    @torch.inference_mode()
    def decode(
        self,
        z: np.ndarray,
        temperature: float = DEFAULT_TEMPERATURE,
        greedy: bool = False,
        seed: int | None = DEFAULT_SEED,
        max_len: int | None = None,
        independent: bool = False,
    ) -> list[Drawing]:
        """One drawing per row of z. A fixed seed makes sampling repeatable. By default every
        row shares one sequence of random numbers, so a face depends only on its z and the seed
        (an interpolation strip changes only as z does, a batch never changes a face);
        `independent` gives each row its own (random faces that are really independent draws:
        with shared noise, faces of nearby z come out nearly alike)."""
        z_t = torch.as_tensor(
            np.asarray(z, np.float32).reshape(-1, self.config.z_size), device=self.device
        )
        stream = self.decode_stream(
            z_t, temperature, greedy, seed, max_len, independent=independent
        )
        return run_to_end(stream)

    @torch.inference_mode()
    def decode_tries(
        self,
        z: np.ndarray,
        tries: int,
        temperature: float = DEFAULT_TEMPERATURE,
        seed: int | None = DEFAULT_SEED,
    ) -> list[list[Drawing]]:
        """Each row of z decoded `tries` times in one batch, with the random numbers of a
        reconstruction's tries: try 0 is exactly `decode`'s face, and a place's tries depend
        only on its z and the seed."""
        z_t = torch.as_tensor(
            np.asarray(z, np.float32).reshape(-1, self.config.z_size), device=self.device
        )
        faces = run_to_end(self._all_tries_stream(z_t, tries, temperature, seed))
        return [faces[b * tries : (b + 1) * tries] for b in range(len(z_t))]

    def _all_tries_stream(
        self,
        z: torch.Tensor,
        tries: int,
        temperature: float,
        seed: int | None,
        limits: list[int] | None = None,
        first_try: int = 0,
    ) -> Stream[list[Drawing], list[Drawing]]:
        """Tries `first_try`..`tries - 1` of every row of z as one batch, row b * n + k being
        row b's try first_try + k (n of them); try k uses the same random numbers for every
        row, try 0 those of a one-try decode. `limits`: each row's own most points (default
        the model's length)."""
        n = tries - first_try
        limit = max(limits) if limits else self.config.max_len
        rows = z.repeat_interleave(n, 0)
        start = torch.zeros(len(rows), 5, device=self.device)
        start[:, 2] = 1.0
        noise = self._noise(seed, limit, 1, tries, first_try).repeat(1, len(z), 1)
        row_limits = [m for m in limits for _ in range(n)] if limits else None
        stepper = DecoderStepper(self.model, rows)
        return self._stream_with(
            stepper, start, [None] * len(rows), temperature, limit, noise, row_limits
        )

    def decode_stream(
        self,
        z: torch.Tensor,
        temperature: float = DEFAULT_TEMPERATURE,
        greedy: bool = False,
        seed: int | None = DEFAULT_SEED,
        max_len: int | None = None,
        row_limits: list[int] | None = None,
        independent: bool = False,
    ) -> Stream[list[Drawing], list[Drawing]]:
        """Decode from the start token, one drawing per row of z (on the model's device).

        Yields the drawings' first few points as soon as the decoder has drawn them, then None
        after every further chunk of steps (a chance for the consumer to stop: a live view
        drops an analysis that a newer drawing overtook); returns the whole drawings."""
        start = torch.zeros(len(z), 5, device=self.device)
        start[:, 2] = 1.0
        stepper = DecoderStepper(self.model, z)
        prefixes = [None] * len(z)
        return self._stream(
            stepper, start, prefixes, temperature, greedy, seed, max_len, row_limits, independent
        )

    def _stream(
        self,
        stepper: DecoderStepper,
        point: torch.Tensor,
        prefixes: list[np.ndarray | None],
        temperature: float,
        greedy: bool,
        seed: int | None,
        max_len: int | None,
        row_limits: list[int] | None = None,
        independent: bool = False,
    ) -> Stream[list[Drawing], list[Drawing]]:
        """Step the decoder; each row ends at its end token, or at its own limit if given."""
        limit = max_len or self.config.max_len
        rows = len(point) if independent else 1
        noise = None if greedy else self._noise(seed, limit, rows)
        return self._stream_with(stepper, point, prefixes, temperature, limit, noise, row_limits)

    def _noise(
        self, seed: int | None, limit: int, rows: int, tries: int = 1, first_try: int = 0
    ) -> torch.Tensor:
        """`sampling_noise` for the first `limit` steps, drawn for the model's whole length
        first: step i's numbers never depend on how long the longest face of a batch may be,
        so a reconstruction is the same alone as beside others."""
        whole = max(limit, self.config.max_len)
        return sampling_noise(seed, whole, rows, tries, first_try)[:limit]

    def _stream_with(
        self,
        stepper: DecoderStepper,
        point: torch.Tensor,
        prefixes: list[np.ndarray | None],
        temperature: float,
        limit: int,
        noise: torch.Tensor | None,
        row_limits: list[int] | None = None,
    ) -> Stream[list[Drawing], list[Drawing]]:
        """`_stream` with its random numbers given: (limit, 1 or rows, 4), None for greedy."""
        noise = None if noise is None else noise.to(self.device)
        parts = []
        for rows in stepper.chunks(point, noise, temperature, limit):
            parts.append(rows)
            yield self._drawings(rows, prefixes, row_limits) if len(parts) == 1 else None
        out = torch.cat(parts, 1) if parts else torch.zeros(len(point), 0, 5)
        return self._drawings(out, prefixes, row_limits)

    def _drawings(
        self,
        rows: torch.Tensor,
        prefixes: list[np.ndarray | None],
        row_limits: list[int] | None,
    ) -> list[Drawing]:
        """Generated stroke-5 rows (b, n, 5) back to drawings, each cut at its end token or its
        own limit, after the stroke-3 points it was primed with."""
        out = rows.cpu().numpy()
        drawings = []
        for i, seq in enumerate(out):
            s3 = stroke5_to_stroke3(seq[: row_limits[i]] if row_limits is not None else seq)
            s3[:, :2] *= self.scale
            prefix = prefixes[i]
            full = np.concatenate([prefix, s3]) if prefix is not None else s3
            if len(full):
                full[-1, 2] = 1.0
            drawings.append(from_stroke3(full))
        return drawings

    # -------------------------------------------------------------- complete
    @torch.inference_mode()
    def continue_drawing(
        self,
        partial: Drawing,
        z: np.ndarray | None = None,
        n: int = 1,
        temperature: float = 0.3,
        seed: int | None = DEFAULT_SEED,
    ) -> list[Drawing]:
        """`n` different endings of a half-drawn face (sketch-rnn's "predict"): the decoder is
        fed the strokes so far (through the fused LSTM, as in training), then samples on.
        z defaults to the partial's own mu."""
        seq = model_sequence(partial, self.scale, self.config.max_len - 1)
        if z is None:
            z = self.encode([partial])[0][0]
        z_t = torch.as_tensor(np.asarray(z, np.float32).reshape(1, -1), device=self.device).repeat(
            n, 1
        )
        rows = torch.from_numpy(seq).to(self.device)
        start = torch.zeros(1, 5, device=self.device)
        start[0, 2] = 1.0
        primer = torch.cat([start, rows[:-1]]).unsqueeze(0).repeat(n, 1, 1)
        stepper = DecoderStepper(self.model, z_t, primer)
        prefix = stroke5_to_stroke3(seq)
        prefix[:, :2] *= self.scale
        prefix[-1, 2] = seq[-1, 3]  # the pen as drawn: the face goes on from its last point
        remaining = self.config.max_len - len(seq)
        point = rows[-1:].repeat(n, 1)
        stream = self._stream(stepper, point, [prefix] * n, temperature, False, seed, remaining)
        return run_to_end(stream)

    def reconstruct(
        self,
        drawings: list[Drawing],
        temperature: float = DEFAULT_TEMPERATURE,
        greedy: bool = False,
        seed: int | None = DEFAULT_SEED,
        tries: int = DEFAULT_TRIES,
        pick: str = DEFAULT_PICK,
    ) -> list[Drawing]:
        """What the model makes of each drawing: its mu decoded `tries` times, one try kept by
        `pick` (`core.model.try_choice`; the app shows exactly this)."""
        return self.encode_and_reconstruct(drawings, temperature, greedy, seed, tries, pick)[1]

    @torch.inference_mode()
    def encode_and_reconstruct(
        self,
        drawings: list[Drawing],
        temperature: float = DEFAULT_TEMPERATURE,
        greedy: bool = False,
        seed: int | None = DEFAULT_SEED,
        tries: int = DEFAULT_TRIES,
        pick: str = DEFAULT_PICK,
    ) -> tuple[np.ndarray, list[Drawing]]:
        """mu of each drawing and its reconstruction, which is at most RECON_LENGTH_FACTOR times
        the drawing's own length (each row's limit is its own: the batch never changes a face)."""
        mu, limits = self.encode_for_reconstruction(drawings)
        stream = self.reconstruct_stream(
            mu, limits, drawings, temperature, greedy, seed, tries, pick
        )
        faces = run_to_end(stream)
        return mu.cpu().numpy(), faces

    @torch.inference_mode()
    def encode_for_reconstruction(self, drawings: list[Drawing]) -> tuple[torch.Tensor, list[int]]:
        """The first half of `encode_and_reconstruct`: mu (on the model's device) and the most
        points each reconstruction may have. The live view places the drawing on the map and in
        its cluster from mu before the decoder has drawn anything."""
        batch, lengths = self.batch(drawings)
        trace.mark("worker: canonical form")
        mu, _ = self.model.encode(batch[:, 1:], lengths)
        return mu, self._reconstruction_limits(lengths)

    def reconstruction_limits(self, drawings: list[Drawing]) -> list[int]:
        """The most points each drawing's reconstruction may have, without encoding it again
        (its canonical form is memoized): what carrying a reconstruction on to more tries needs."""
        return self._reconstruction_limits(self.batch(drawings)[1])

    def _reconstruction_limits(self, lengths: torch.Tensor) -> list[int]:
        return [
            min(self.config.max_len, int(RECON_LENGTH_FACTOR * n) + RECON_LENGTH_SLACK)
            for n in lengths.tolist()
        ]

    def reconstruct_stream(
        self,
        mu: torch.Tensor,
        limits: list[int],
        originals: list[Drawing],
        temperature: float = DEFAULT_TEMPERATURE,
        greedy: bool = False,
        seed: int | None = DEFAULT_SEED,
        tries: int = DEFAULT_TRIES,
        pick: str = DEFAULT_PICK,
    ) -> Stream[list[Drawing], list[Drawing]]:
        """The second half, as a stream (see `decode_stream`): decode each mu up to its limit,
        `tries` times with different random numbers, and keep one try by `pick`
        (`core.model.try_choice`). The early answer is each face's first try, which is also
        the whole answer with one try. Greedy decoding has only one try to give."""
        tries = 1 if greedy else max(1, tries)
        if tries == 1:
            return self.decode_stream(mu, temperature, greedy, seed, max(limits), limits)
        return self._tries_stream(mu, limits, originals, temperature, seed, tries, pick=pick)

    def more_tries_stream(
        self,
        mu: torch.Tensor,
        limits: list[int],
        originals: list[Drawing],
        kept: list[Drawing],
        first_try: int,
        tries: int,
        temperature: float = DEFAULT_TEMPERATURE,
        seed: int | None = DEFAULT_SEED,
        pick: str = DEFAULT_PICK,
    ) -> Stream[list[Drawing], list[Drawing]]:
        """A reconstruction carried further: `kept` is each face's pick of its first
        `first_try` tries (`reconstruct_stream`'s answer); tries first_try..tries-1 are decoded
        now and the pick of all is returned, exactly the answer of `tries` tries at once.
        This is how the window shows sixteen tries at pen-up and sixty-four a moment later."""
        return self._tries_stream(
            mu, limits, originals, temperature, seed, tries, first_try, kept, pick
        )

    def _tries_stream(
        self,
        mu: torch.Tensor,
        limits: list[int],
        originals: list[Drawing],
        temperature: float,
        seed: int | None,
        tries: int,
        first_try: int = 0,
        kept: list[Drawing] | None = None,
        pick: str = DEFAULT_PICK,
    ) -> Stream[list[Drawing], list[Drawing]]:
        n = tries - first_try
        candidates = yield from map_early(
            self._all_tries_stream(mu, tries, temperature, seed, limits, first_try),
            lambda rows: rows[::n],  # each face's first try of this batch
        )
        groups = [
            ([kept[b]] if kept else []) + candidates[b * n : (b + 1) * n]
            for b in range(len(originals))
        ]
        with torch.inference_mode():
            return choose_tries(pick, mu, originals, groups, limits, self._mu_of_tries)
