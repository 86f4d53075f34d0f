"""The samples picked with a box (Shift+drag in a scatter), as a gallery with their labels counted."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from aeviewer.core.latent.manifold import mosaic
from aeviewer.gui.views.mosaic_pane import MosaicPane

MAX_GALLERY = 100


class SelectionPanel(QWidget):
    HINT = ("Shift+drag a box or lasso in either scatter to gather its points here. "
            "Hover a point to see it; click a legend entry to hide or show that class.")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.shape = QComboBox()
        self.shape.addItem("box", "box")
        self.shape.addItem("lasso (free hand)", "lasso")
        form.addRow("Shift+drag draws a", self.shape)
        layout.addLayout(form)
        self.summary = QLabel(self.HINT)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.gallery = MosaicPane(min_height=160)
        layout.addWidget(self.gallery, 1)
        self.indices = np.zeros(0, dtype=int)

    def clear(self) -> None:
        self.indices = np.zeros(0, dtype=int)
        self.gallery.set_pixels(None)
        self.summary.setText(self.HINT)

    def show_selection(self, indices: np.ndarray, x: np.ndarray, labels: np.ndarray | None, names) -> None:
        self.indices = np.asarray(indices, dtype=int)
        n = len(self.indices)
        if n == 0:
            self.gallery.set_pixels(None)
            self.summary.setText("No visible points in that box.")
            return
        shown = self.indices[:MAX_GALLERY]
        cols = int(np.ceil(np.sqrt(len(shown))))
        self.gallery.set_pixels(mosaic(x[shown], int(np.ceil(len(shown) / cols)), x.shape[1:], cols, gap=1))
        text = f"<b>{n} samples</b>" + (f" (first {MAX_GALLERY} shown)" if n > MAX_GALLERY else "")
        if labels is not None:
            values, counts = np.unique(np.asarray(labels)[self.indices], return_counts=True)
            order = np.argsort(-counts)
            name = [names[int(v)] if 0 <= int(v) < len(names) else str(v) for v in values]
            text += " · " + ", ".join(f"{counts[k]}× {name[k]}" for k in order)
        self.summary.setText(text)
