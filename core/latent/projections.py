"""Which map projections there are, and whether UMAP can be offered, known without importing
scikit-learn or umap (the window builds its menu before either is loaded)."""

from __future__ import annotations

from core.base.errors import BadRequest

PROJECTIONS = ("pca", "umap")


def umap_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("umap") is not None


def check_projection(projection: str) -> None:
    if projection not in PROJECTIONS:
        raise BadRequest(f"unknown map projection {projection!r}; choose pca or umap")
    if projection == "umap" and not umap_available():
        raise BadRequest(
            "the UMAP map needs umap-learn: pip install 'latent-sketchbook[umap]' (or use pca)"
        )
