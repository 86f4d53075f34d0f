"""The "Nearest training samples" strip under the decoded picture, and the box to search samples by label or index."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from aeviewer.gui.views.image_pane import ImagePane

COLUMNS = 4
THUMB = QSize(36, 36)


class NeighbourStrip(QGroupBox):
    """k thumbnails (nearest by code, with distances) and the one training picture nearest by pixels."""

    TITLE = "Nearest training samples"

    def __init__(self, k: int = 8, parent: QWidget | None = None) -> None:
        super().__init__(self.TITLE, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        grid = QGridLayout()
        grid.setSpacing(2)
        self.by_code = [self._thumb("") for _ in range(k)]
        for i, pane in enumerate(self.by_code):
            grid.addWidget(pane, i // COLUMNS, i % COLUMNS)
        self.by_pixels = self._thumb("pixels")
        self.by_pixels.setToolTip("The training picture nearest to the decoded picture (Euclidean, pixel space)")
        grid.addWidget(self.by_pixels, 0, COLUMNS, 2, 1)
        layout.addLayout(grid)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find: class name, label or #index, then Enter")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.search_note = QLabel("")
        layout.addWidget(self.search_note)

    @staticmethod
    def _thumb(title: str) -> ImagePane:
        pane = ImagePane(title)
        pane.canvas.setMinimumSize(THUMB)
        return pane

    def show_neighbours(self, pictures: list[np.ndarray], distances: np.ndarray, labels: list[str],
                        pixel_picture: np.ndarray, pixel_distance: float, shape: tuple[int, ...]) -> None:
        """One thumbnail per neighbour (distance and label under it); empty slots are cleared."""
        for i, pane in enumerate(self.by_code):
            if i < len(pictures):
                pane.set_sample(pictures[i], shape, f"{distances[i]:.2f} {labels[i]}".strip())
            else:
                pane.clear()
        self.by_pixels.set_sample(pixel_picture, shape, f"{pixel_distance:.2f}")
        nearest = float(distances[0]) if len(distances) else float("nan")
        self.summary.setText(f"Code distance to the nearest: <b>{nearest:.3f}</b> · "
                             f"pixel distance: <b>{pixel_distance:.2f}</b>")

    def clear(self) -> None:
        for pane in (*self.by_code, self.by_pixels):
            pane.clear()
        self.summary.setText("")
