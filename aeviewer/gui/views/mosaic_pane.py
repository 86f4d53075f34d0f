"""A widget that draws one H×W×C uint8 picture (a strip or grid of decodes), scaled without smoothing."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QSizePolicy, QWidget

from aeviewer.gui.views.image_pane import draw_fitted


def to_qimage(pixels: np.ndarray) -> QImage:
    """H×W×1 or H×W×3 uint8 → a QImage that owns a copy of the pixels."""
    pixels = np.ascontiguousarray(pixels)
    h, w, c = pixels.shape
    if c == 3:
        rgbx = np.full((h, w, 4), 255, dtype=np.uint8)
        rgbx[..., :3] = pixels
        return QImage(rgbx.data, w, h, 4 * w, QImage.Format.Format_RGBX8888).copy()
    gray = np.ascontiguousarray(pixels[..., 0])
    return QImage(gray.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


class MosaicPane(QWidget):
    """`pixels` holds what is drawn, for tests and exports."""

    def __init__(self, min_height: int = 60, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pixels: np.ndarray | None = None
        self._image: QImage | None = None
        self.setMinimumSize(QSize(120, min_height))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_pixels(self, pixels: np.ndarray | None) -> None:
        self.pixels = pixels
        self._image = None if pixels is None else to_qimage(pixels)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        draw_fitted(self, self._image)
