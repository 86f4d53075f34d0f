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

from aeviewer.core.latent.decoder_map import MAP_KINDS, MAP_UNITS, decoder_map
from aeviewer.core.latent.manifold import grid_points, manifold_grid, square_tiling
from aeviewer.gui.views.themes import LIGHT, Theme

HEATMAP_CELLS = 60  # cells per side of a decoder map
GRID_OPACITY = 0.4  # the decoded pictures sit faded under the points: the dots stay the figure
MAP_OPACITY = 0.55


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
        self.image.setZValue(-10)  # under the points (0) and the probe
        self.image.setOpacity(GRID_OPACITY)
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
        self._colormap = pg.colormap.get("viridis")
        self._lut = self._colormap.getLookupTable(nPts=256)
        # The decoder maps' key, beside the plot while a map shows (not linked to the image: the bar would
        # also colour the greyscale grid).
        self.colour_bar = pg.ColorBarItem(colorMap=self._colormap, interactive=False, width=14, label="")
        self.colour_bar.hide()
        self._bar_in_layout = False
        self.use_theme(getattr(view, "theme", LIGHT), False)
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
        else:
            self._show_bar(False)

    def use_theme(self, theme: Theme, large: bool) -> None:
        axis = self.colour_bar.axis
        axis.setPen(pg.mkPen(theme.foreground))
        axis.setTextPen(pg.mkPen(theme.foreground))

    def _show_bar(self, on: bool, label: str = "", levels: tuple[float, float] = (0.0, 1.0)) -> None:
        """The colour bar with the map's quantity and unit, inserted after the right axis only while shown
        (a hidden item would still hold its column)."""
        layout = self.view.plotItem.layout
        if on:
            self.colour_bar.setLevels(levels)
            self.colour_bar.axis.setLabel(label)
            if not self._bar_in_layout:
                layout.addItem(self.colour_bar, 2, 5)
                self._bar_in_layout = True
            self.colour_bar.show()
        elif self._bar_in_layout:
            layout.removeItem(self.colour_bar)
            self.colour_bar.hide()
            self._bar_in_layout = False

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
        self._show_bar(False)
        self.image.setLookupTable(None)
        self.image.setOpacity(GRID_OPACITY)
        x_range, y_range, rows, cols = self.square_grid(x_range, y_range)
        rect = QRectF(x_range[0], y_range[0], x_range[1] - x_range[0], y_range[1] - y_range[0])
        self.mosaic = manifold_grid(self.decode, self.from_plane, x_range, y_range, rows, self.sample_shape, cols)
        # Row 0 of the mosaic is the top; ImageItem draws row 0 at the bottom of its rect.
        pixels = self.mosaic[::-1]
        self.image.setImage(pixels[..., 0] if pixels.shape[2] == 1 else pixels, levels=(0, 255), autoLevels=False)
        self.image.setRect(rect)
        self.updates += 1

    def square_grid(self, x_range, y_range):
        """The region and (rows, cols) of a tiling whose tiles are square on screen, covering the view: the
        decoded pictures keep their aspect whatever the plot's shape."""
        vb = self.view.plotItem.vb
        w_px, h_px = float(vb.width()), float(vb.height())
        rows, cols = square_tiling(w_px, h_px, self.tiles)
        if w_px <= 0 or h_px <= 0:
            return x_range, y_range, rows, cols
        tile_px = h_px / rows if w_px >= h_px else w_px / cols  # `tiles` fit the shorter side exactly
        (x0, x1), (y0, y1) = x_range, y_range
        half_w = cols * tile_px / 2 * (x1 - x0) / w_px
        half_h = rows * tile_px / 2 * (y1 - y0) / h_px
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return (cx - half_w, cx + half_w), (cy - half_h, cy + half_h), rows, cols

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
        self.image.setOpacity(MAP_OPACITY)
        levels = (lo, hi if hi > lo else lo + 1)
        self.image.setImage(np.nan_to_num(grid, nan=lo), levels=levels, autoLevels=False, lut=self._lut)
        self._show_bar(True, MAP_UNITS[self.mode], levels)
        self.image.setRect(rect)
        self.updates += 1
