"""Keeping a face: into the collection, onto the clipboard, or out to a PNG or SVG file."""

from __future__ import annotations

from enum import Enum

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from core.base.errors import SketchbookError
from core.drawings.strokes import Drawing, to_svg
from desktop.drawing_view import render_pixmap


class KeepAction(Enum):
    """What a person can do with a face; the value is the menu text."""

    SAVE = "Save to collection"
    COPY = "Copy"
    EXPORT_PNG = "Export as PNG..."
    EXPORT_SVG = "Export as SVG..."
    FAVOURITE = "\u2665 Add to favourites"
    UNFAVOURITE = "Remove from favourites"


FACE_ACTIONS = (
    KeepAction.FAVOURITE,
    KeepAction.SAVE,
    KeepAction.COPY,
    KeepAction.EXPORT_PNG,
    KeepAction.EXPORT_SVG,
)


def keep_face(parent: QWidget, face: Drawing, action: KeepAction) -> str:
    """Do `action` with `face`; returns a status-bar message (errors are shown in a dialog)."""
    from core.base.atomic import atomic_write_text
    from core.personal.collection import save_to_collection

    try:
        if action is KeepAction.SAVE:
            stored = save_to_collection(face)
            return f"saved to your collection as {stored.key}"
        if action is KeepAction.COPY:
            mime_image = render_pixmap(face, 256).toImage()
            clipboard = QApplication.clipboard()
            clipboard.setImage(QImage(mime_image))
            return "copied the face as an image"
        if action is KeepAction.EXPORT_PNG:
            path, _ = QFileDialog.getSaveFileName(
                parent, "Export as PNG", "face.png", "PNG images (*.png)"
            )
            if path:
                if not render_pixmap(face, 512, 4.0).save(path, "PNG"):
                    raise OSError(f"could not write {path}")
                return f"exported {path}"
            return ""
        if action is KeepAction.EXPORT_SVG:
            path, _ = QFileDialog.getSaveFileName(
                parent, "Export as SVG", "face.svg", "SVG images (*.svg)"
            )
            if path:
                atomic_write_text(path, to_svg(face))
                return f"exported {path}"
            return ""
    except (SketchbookError, OSError) as exc:
        QMessageBox.warning(parent, "Could not keep the face", str(exc))
    return ""
