"""Random faces as a person gets them from the window: a fresh window (no remembered settings)
on a model and a dataset, offscreen, "New random faces" clicked until enough faces have been
shown, with every setting at its default but the temperature slider. Writes the faces to an
.ndjson file, for a benchmark to judge (benchmarks.specialise).

    python -m benchmarks.window_samples --model M --data FILE --n 96 [--temperature 0.3]
        --out faces.ndjson
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.drawings.formats import write_ndjson  # noqa: E402

TIMEOUT_S = 300


def wait_until(app: QApplication, done, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"window_samples: timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.005)


def window_faces(model: str, data: str, n: int, temperature: float | None) -> tuple[list, str]:
    """`n` or more random faces as the window's grid shows them, and the grid's caption."""
    from desktop.app import create_window

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as home:
        settings = QSettings(os.path.join(home, "settings.ini"), QSettings.Format.IniFormat)
        window = create_window(model=model, data=data, settings=settings)
        window.show()
        ready = []
        window.ready.connect(lambda: ready.append(True))
        wait_until(app, lambda: ready, "the window to load")
        if temperature is not None:
            window.samples.set_temperature(temperature)
        faces: list = []
        caption = ""
        while len(faces) < n:
            before = window.samples.grid.faces()
            window.samples.new.click()
            wait_until(
                app,
                lambda b=before: (
                    window.samples.grid.faces()
                    and window.samples.grid.faces() is not b
                    and [id(f) for f in window.samples.grid.faces()] != [id(f) for f in b]
                ),
                "random faces",
            )
            faces += window.samples.grid.faces()
            caption = window.samples.grid.views[0].caption
        window.close()
    return faces[:n], caption


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--n", type=int, default=96)
    p.add_argument("--temperature", type=float, default=None, help="default: the slider's")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    faces, caption = window_faces(args.model, args.data, args.n, args.temperature)
    write_ndjson(faces, args.out, decimals=2)
    print(caption)


if __name__ == "__main__":
    main()
