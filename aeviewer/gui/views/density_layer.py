"""The scatter's "every point" layer: a density image of all N points and a contour overlay, redrawn off the GUI
thread on each pan or zoom.

The work goes through an injected `submit(key, job, on_done)` (the window passes `LatestOnlyRunner.submit`: views
do not import workers), so a burst of range changes runs only the newest redraw. Without one it draws in place.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import QObject, QRectF, Signal

from aeviewer.core.latent.density import Contour, DensityImage, DensityPoints, prepared_contours

Submit = Callable[[str, Callable[[], Any], Callable[[Any], None]], None]
_ids = itertools.count()


class DensityLayer(QObject):
    """Holds the prepared points, the image item and the contour curves of one ScatterView."""

    drawn = Signal(object)  # the DensityImage now shown
    contours_drawn = Signal(object)  # list[Contour] now shown

    def __init__(self, plot: pg.PlotItem, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plot = plot
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.image_item.setZValue(-10)  # above the grid, below highlights and the probe
        self.image_item.setVisible(False)
        plot.vb.addItem(self.image_item, ignoreBounds=True)
        self.contour_item = pg.PlotCurveItem(connect="finite", pen=pg.mkPen((40, 40, 40, 200), width=1.2))
        self.unlabelled_colour: object = (80, 80, 80)  # per-class contours without a palette
        self.contour_item.setZValue(-5)
        plot.vb.addItem(self.contour_item, ignoreBounds=True)
        self.class_contours: list[pg.PlotCurveItem] = []
        self.submit: Submit | None = None
        self.image_on = False
        self.contour_mode = "off"  # "off", "all" or "class"
        self.palette: np.ndarray | None = None
        self.visible: np.ndarray | None = None
        self.last: DensityImage | None = None
        self._key = f"density-{next(_ids)}"
        self._generation = 0
        self._source: tuple[np.ndarray, np.ndarray | None, int] | None = None
        self._prepared: tuple[int, DensityPoints] | None = None  # (generation, prepared points)
        plot.vb.sigRangeChanged.connect(self.request)
        plot.vb.sigResized.connect(self.request)

    def use_colours(self, line: str, unlabelled: str) -> None:
        """The overall contours' colour and the per-class fallback, from the view's theme."""
        colour = pg.mkColor(line)
        colour.setAlpha(200)
        self.contour_item.setPen(pg.mkPen(colour, width=1.2))
        self.unlabelled_colour = unlabelled

    # --- data ---------------------------------------------------------------------------------------------
    def set_data(self, points: np.ndarray, labels: np.ndarray | None, palette: np.ndarray | None,
                 image_on: bool) -> None:
        """New points: prepared again (in the background) on the next redraw."""
        self._generation += 1
        self._source = (points, labels, 0 if palette is None else len(palette))
        self._prepared = None
        self.palette = palette
        self.image_on = image_on
        self.image_item.setVisible(image_on and self.last is not None)
        if not image_on:
            self.last = None
            self.image_item.clear()
        self.request()

    def set_contour_mode(self, mode: str) -> None:
        """"off", "all" (one set over every point) or "class" (one set per class, in its colour)."""
        self.contour_mode = mode
        if mode == "off":
            self._show_contours([])
        self.request()

    def set_visible_classes(self, visible: np.ndarray | None) -> None:
        self.visible = visible
        self.request()

    def _ready(self, generation: int, source: tuple[np.ndarray, np.ndarray | None, int]) -> DensityPoints:
        """The prepared points of `generation`, made on first use (on the runner's thread when there is one).

        Tagged with their generation: a job still preparing old points when new ones arrive cannot leave them
        to be drawn as the new ones.
        """
        cached = self._prepared
        if cached is None or cached[0] != generation:
            points, labels, n_classes = source
            cached = (generation, DensityPoints(points, labels, n_classes))
            self._prepared = cached
        return cached[1]

    # --- redraws ----------------------------------------------------------------------------------------------
    def pixels(self) -> tuple[int, int]:
        """The view box's size in device pixels: the density image is drawn at screen resolution."""
        vb = self.plot.vb
        ratio = vb.getViewWidget().devicePixelRatioF() if vb.getViewWidget() is not None else 1.0
        return max(1, int(vb.width() * ratio)), max(1, int(vb.height() * ratio))

    def request(self, *_: object) -> None:
        """Redraw what is on (the image, the contours) for the current view range."""
        if self._source is None or (not self.image_on and self.contour_mode == "off"):
            return
        (x0, x1), (y0, y1) = self.plot.vb.viewRange()
        x_range, y_range = (float(x0), float(x1)), (float(y0), float(y1))
        width, height = self.pixels()
        generation, source, palette, visible = self._generation, self._source, self.palette, self.visible
        image_on, mode = self.image_on, self.contour_mode

        def job() -> tuple[int, DensityImage | None, list[Contour] | None]:
            # one torch thread for this (per-thread setting): two-thread passes ran far slower on a shared machine
            torch.set_num_threads(1)
            prepared = self._ready(generation, source)
            image = prepared.shade(palette, x_range, y_range, width, height, visible) if image_on else None
            lines = None if mode == "off" else prepared_contours(prepared, x_range, y_range, mode == "class")
            return generation, image, lines

        if self.submit is None:
            self._done(job())
        else:
            self.submit(self._key, job, self._done)

    def _done(self, result: tuple[int, DensityImage | None, list[Contour] | None]) -> None:
        generation, image, lines = result
        if generation != self._generation:
            return  # drawn from points that have since been replaced
        if image is not None and self.image_on:
            self.last = image
            self.image_item.setImage(image.rgba, autoLevels=False, levels=(0, 255))
            (x0, x1), (y0, y1) = image.x_range, image.y_range
            self.image_item.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
            self.image_item.setVisible(True)
            self.drawn.emit(image)
        if lines is not None and self.contour_mode != "off":
            self._show_contours(lines)

    def _show_contours(self, lines: list[Contour]) -> None:
        for item in self.class_contours:
            self.plot.vb.removeItem(item)
        self.class_contours = []
        overall = [c for c in lines if c.label is None]
        self.contour_item.setData(*_joined(overall))
        for label in sorted({c.label for c in lines if c.label is not None}):
            pal = self.palette
            colour = self.unlabelled_colour if pal is None else tuple(int(v) for v in pal[label % len(pal)])
            item = pg.PlotCurveItem(*_joined([c for c in lines if c.label == label]), connect="finite",
                                    pen=pg.mkPen(colour, width=1.4))
            item.setZValue(-5)
            self.plot.vb.addItem(item, ignoreBounds=True)
            self.class_contours.append(item)
        self.contours_drawn.emit(lines)


def _joined(contours: list[Contour]) -> tuple[np.ndarray, np.ndarray]:
    """All lines as one x, y pair with NaN between lines: one curve item draws them all."""
    parts = [np.vstack([line, [np.nan, np.nan]]) for c in contours for line in c.lines]
    if not parts:
        return np.zeros(0), np.zeros(0)
    xy = np.vstack(parts)
    return xy[:, 0], xy[:, 1]
