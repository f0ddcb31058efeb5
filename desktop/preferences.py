"""What the window remembers between runs (QSettings), and the few timings it works by."""

from __future__ import annotations

from PySide6.QtCore import QSettings

RECENT = 8  # datasets under File > Open recent
CLUSTER_COUNTS = range(2, 13)  # what Model > Number of clusters offers besides automatic
# Model > Reconstruction: how many decodes a reconstruction is chosen from
TRIES_OFFERED = (1, 4, 8, 16, 32, 64)
LIVE_MS = 120  # analysis rate while a stroke is still being drawn
REST_MS = 150  # the map cursor still this long: its face is redrawn from sixteen tries
START_DELAY_MS = 150  # the model loads this long after the window is on screen
DEFAULT_SIZE = (1320, 900)


class Preferences:
    def __init__(self, settings: QSettings | None = None):
        self.settings = settings or QSettings("latent-sketchbook", "Latent Sketchbook")

    def value(self, name: str, default=None):
        return self.settings.value(name, default)

    def set(self, name: str, value) -> None:
        self.settings.setValue(name, value)

    @property
    def projection(self) -> str:
        """The map projection chosen last time (UMAP only while it is installed)."""
        from core.latent.projections import umap_available

        chosen = str(self.settings.value("projection", "pca"))
        return chosen if chosen == "umap" and umap_available() else "pca"

    @property
    def clusters(self) -> str:
        """ "auto" or a number, as Model > Number of clusters names it."""
        return str(self.settings.value("clusters", "auto"))

    @property
    def k(self) -> int | str:
        return int(self.clusters) if self.clusters.isdigit() else "auto"

    @property
    def tries(self) -> int:
        """How many decodes a reconstruction is chosen from (Model > Reconstruction)."""
        from core.drawings.metrics import DEFAULT_TRIES

        chosen = str(self.settings.value("tries", DEFAULT_TRIES))
        return int(chosen) if chosen in {str(t) for t in TRIES_OFFERED} else DEFAULT_TRIES

    @property
    def pick(self) -> str:
        """Who chooses the try shown (Model > Reconstruction): the model (default) or the drawing."""
        from core.drawings.metrics import DEFAULT_PICK, PICKS

        chosen = str(self.settings.value("pick", DEFAULT_PICK))
        return chosen if chosen in PICKS else DEFAULT_PICK

    def recent(self, kind: str) -> list[str]:
        return list(self.settings.value(f"recent_{kind}") or [])

    def remember(self, kind: str, path: str) -> None:
        """Put `path` first in the recent list of `kind`."""
        recent = [p for p in self.recent(kind) if p != path]
        self.settings.setValue(f"recent_{kind}", [path, *recent][:RECENT])
