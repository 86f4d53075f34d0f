"""The manifold grid behind the latent scatter: decodes of a regular grid over the visible region.

It follows zoom and pan: the range change restarts a short timer and the grid is redecoded once
the view settles.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from aeviewer.core.latent.decoder_map import MAP_KINDS, decoder_map
from aeviewer.core.latent.manifold import grid_points, manifold_grid

HEATMAP_CELLS = 60  # cells per side of a decoder map


class ManifoldPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.enabled = QCheckBox("Show behind the latent scatter")
        layout.addWidget(self.enabled)
        form = QFormLayout()
        self.mode = QComboBox()
        self.mode.addItem("decoded images (manifold grid)", "grid")
        for key, text in MAP_KINDS.items():
            self.mode.addItem(f"map: {text}", key)
        form.addRow("Show", self.mode)
        self.tiles = QSpinBox()
        self.tiles.setRange(2, 40)
        self.tiles.setValue(15)
        form.addRow("Tiles per side", self.tiles)
        layout.addLayout(form)
        self.note = QLabel("Decodes a regular grid over the visible region; zoom and pan to explore. "
                           "Exact for a 2-D latent space, through the projection's inverse otherwise. "
                           "The maps colour the same region: bright = dense prior, far from the data or "
                           "large drift (log density is shown dark where it is low).")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        layout.addStretch(1)


class ManifoldOverlay(QObject):
    """An ImageItem under the points of `view`, recomputed (debounced) on every range change."""

    DEBOUNCE_MS = 120

    def __init__(self, view: pg.PlotWidget, tiles: int = 15) -> None:
        super().__init__(view)
        self.view = view
        self.tiles = tiles
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        self.image.setOpacity(0.9)
        self.image.setVisible(False)
        view.plotItem.vb.addItem(self.image, ignoreBounds=True)  # the grid must not widen the autorange
        self.decode: Callable[[np.ndarray], np.ndarray] | None = None
        self.from_plane: Callable[[np.ndarray], np.ndarray] | None = None
        self.sample_shape: tuple[int, ...] | None = None
        self.mode = "grid"
        self.data_codes: np.ndarray | None = None
        self.model_kind = "ae"
        self.encode: Callable[[np.ndarray], np.ndarray] | None = None
        self.values: np.ndarray | None = None  # the last decoder map, HEATMAP_CELLS² values, top row first
        self._lut = pg.colormap.get("viridis").getLookupTable(nPts=256)
        self.mosaic: np.ndarray | None = None
        self.updates = 0
        self._timer = QTimer(self, singleShot=True, interval=self.DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        view.plotItem.vb.sigRangeChanged.connect(self._range_changed)

    @property
    def active(self) -> bool:
        return self.image.isVisible()

    def set_source(self, decode, from_plane, sample_shape) -> None:
        self.decode, self.from_plane, self.sample_shape = decode, from_plane, sample_shape
        if self.active:
            self._timer.start()

    def set_active(self, on: bool) -> None:
        self.image.setVisible(on)
        if on:
            self.refresh()

    def set_model_info(self, data_codes: np.ndarray, model_kind: str, encode) -> None:
        self.data_codes, self.model_kind, self.encode = data_codes, model_kind, encode
        if self.active and self.mode != "grid":
            self._timer.start()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        if self.active:
            self.refresh()

    def set_tiles(self, n: int) -> None:
        self.tiles = int(n)
        if self.active:
            self._timer.start()

    def _range_changed(self, *_: object) -> None:
        if self.active:
            self._timer.start()

    def visible_region(self) -> tuple[tuple[float, float], tuple[float, float]]:
        (x0, x1), (y0, y1) = self.view.plotItem.vb.viewRange()
        return (x0, x1), (y0, y1)

    def refresh(self) -> None:
        """Decode the grid over the visible region now."""
        self._timer.stop()
        if not self.active or self.decode is None or self.from_plane is None or self.sample_shape is None:
            return
        x_range, y_range = self.visible_region()
        rect = QRectF(x_range[0], y_range[0], x_range[1] - x_range[0], y_range[1] - y_range[0])
        if self.mode != "grid":
            self._refresh_map(x_range, y_range, rect)
            return
        self.image.setLookupTable(None)
        self.image.setOpacity(0.9)
        self.mosaic = manifold_grid(self.decode, self.from_plane, x_range, y_range, self.tiles, self.sample_shape)
        # Row 0 of the mosaic is the top; ImageItem draws row 0 at the bottom of its rect.
        pixels = self.mosaic[::-1]
        self.image.setImage(pixels[..., 0] if pixels.shape[2] == 1 else pixels, levels=(0, 255), autoLevels=False)
        self.image.setRect(rect)
        self.updates += 1

    def _refresh_map(self, x_range, y_range, rect: QRectF) -> None:
        if self.data_codes is None or self.from_plane is None:
            return
        n = HEATMAP_CELLS
        codes = self.from_plane(grid_points(x_range, y_range, n))
        values = decoder_map(self.mode, codes, self.data_codes, model_kind=self.model_kind,
                             decode=self.decode, encode=self.encode)
        self.values = values
        grid = values.reshape(n, n)[::-1]  # ImageItem's row 0 is the bottom
        finite = grid[np.isfinite(grid)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if self.mode == "density":
            lo = max(lo, hi - 12.0)  # log density: show the last ~5 orders of magnitude
        self.image.setOpacity(0.55)
        self.image.setImage(np.nan_to_num(grid, nan=lo), levels=(lo, hi if hi > lo else lo + 1), autoLevels=False,
                            lut=self._lut)
        self.image.setRect(rect)
        self.updates += 1
