"""A small titled image that repaints fast: one QImage over a reused pixel buffer, scaled without smoothing."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from aeviewer.core.data.images import display_shape, to_pixels
from aeviewer.gui.views.fitted_label import FittedLabel


def draw_fitted(widget: QWidget, image: QImage | None) -> None:
    """Paint `image` centred in `widget`, scaled to fit without smoothing so pixels stay crisp."""
    painter = QPainter(widget)
    painter.fillRect(widget.rect(), widget.palette().window())
    if image is None:
        return
    iw, ih = image.width(), image.height()
    scale = min(widget.width() / iw, widget.height() / ih)
    w, h = max(1, int(iw * scale)), max(1, int(ih * scale))
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    painter.drawImage(QRect((widget.width() - w) // 2, (widget.height() - h) // 2, w, h), image)


class _Canvas(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.setMinimumSize(QSize(48, 48))  # small screens: the scatters need the room more
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        draw_fitted(self, self.image)


class ImagePane(QWidget):
    """Title, picture, caption. `pixels` holds exactly what is drawn (H×W×C uint8), for tests and exports."""

    def __init__(self, title: str, parent: QWidget | None = None, short_title: str | None = None) -> None:
        super().__init__(parent)
        self.title = FittedLabel(title, bold=True)
        if short_title is not None:  # said this way when the pane is too narrow for the title
            self.title.set_wordings(title, short_title)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.canvas = _Canvas(self)
        self.caption = FittedLabel("")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.caption)
        # Long captions must not widen one pane more than its neighbours: FittedLabels take the pane's width.
        self.pixels: np.ndarray | None = None
        self._shape: tuple[int, ...] | None = None

    def set_sample(self, sample: np.ndarray, sample_shape: tuple[int, ...], caption: str | None = None) -> None:
        """Show a sample in [0, 1]; reuses the pixel buffer and QImage while the shape stays the same."""
        if self._shape != sample_shape or self.pixels is None:
            h, w, c = display_shape(sample_shape)
            self.pixels = np.zeros((h, w, 4 if c == 3 else 1), dtype=np.uint8)
            self._rgb = np.zeros((h, w, c), dtype=np.uint8)
            fmt = QImage.Format.Format_RGBX8888 if c == 3 else QImage.Format.Format_Grayscale8
            self.canvas.image = QImage(self.pixels.data, w, h, self.pixels.strides[0], fmt)
            self._shape = sample_shape
            if c == 3:
                self.pixels[..., 3] = 255
        to_pixels(sample, sample_shape, out=self._rgb)
        self.pixels[..., : self._rgb.shape[2]] = self._rgb
        if caption is not None:
            self.caption.set_wordings(caption)
        self.canvas.update()

    @property
    def shown(self) -> np.ndarray | None:
        """The displayed pixels as H×W×C (C = 1 or 3), or None when empty."""
        return None if self.pixels is None else self._rgb

    def clear(self, caption: str = "") -> None:
        self.pixels = None
        self._shape = None
        self.canvas.image = None
        self.caption.set_wordings(caption)
        self.canvas.update()
