"""Training progress for people (a tqdm bar with loss, KL, speed and ETA) or for programs
(one JSON object per line on stdout, flushed, which the desktop reads from its child)."""

from __future__ import annotations

import json
import sys

from tqdm import tqdm


class TrainProgress:
    def __init__(self, json_lines: bool, total: int):
        self.json_lines = json_lines
        self.total = total
        self.bar: tqdm | None = None

    def __enter__(self) -> TrainProgress:
        if not self.json_lines:
            self.bar = tqdm(total=self.total, unit="step", dynamic_ncols=True, file=sys.stderr)
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()

    def update(self, event: dict) -> None:
        if self.json_lines:
            sys.stdout.write(json.dumps(event, default=float) + "\n")
            sys.stdout.flush()
            return
        assert self.bar is not None
        kind = event["event"]
        if kind in ("start", "resumed"):
            self.bar.n = event["step"]
            self.bar.refresh()
        elif kind == "step":
            self.bar.n = event["step"]
            self.bar.set_postfix(
                loss=f"{event['loss']:.3f}",
                kl=f"{event['kl']:.3f}",
                sk_s=f"{event['sketches_per_s']:.0f}",
                refresh=False,
            )
            self.bar.refresh()
        elif kind == "eval":
            mark = " (best)" if event["improved"] else ""
            self.bar.write(f"step {event['step']}: validation loss {event['valid_loss']:.4f}{mark}")
        elif kind == "specialised":
            fresh = ", ".join(f"{v:.0%} at {t}" for t, v in event["share_fresh"].items())
            self.bar.write(
                f"kept the {event['kept']} model ({event['share_fine_tuned']:.0%} of the "
                f"fine-tuned model's random faces landed in the cluster, "
                f"{event['share_recentred']:.0%} of the re-centred start's); on fresh samples "
                f"{fresh}"
            )
        elif kind == "warning":
            self.bar.write(f"warning: {event['message']}")
