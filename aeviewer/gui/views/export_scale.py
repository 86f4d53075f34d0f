"""What a hi-res (2x) picture of a plot must scale by hand: pyqtgraph's ImageExporter scales the axes, text and
scatter markers with the picture, but not the legend (it ignores transformations) nor cosmetic line widths.

Without this a 2x export of the latent view had a legend half its on-screen size and a path half as wide.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyqtgraph as pg
from PySide6.QtGui import QPen


def _lines(plot: pg.PlotWidget) -> list[pg.GraphicsObject]:
    """Every item of the plot drawn with a line pen: curves, paths, the lasso and the grid."""
    # The view box's children, not its `addedItems`: that list leaves out items added with ignoreBounds (the path).
    items = [*plot.plotItem.items, *plot.plotItem.vb.childGroup.childItems()]
    seen: set[int] = set()
    lines = []
    for item in items:
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, pg.PlotDataItem | pg.PlotCurveItem | pg.GridItem):
            lines.append(item)
    return lines


def _pen_of(item: pg.GraphicsObject) -> QPen | None:
    pen = item.opts.get("pen")
    return None if pen is None else pg.mkPen(pen)


@contextmanager
def scaled_for_export(plot: pg.PlotWidget, scale: float) -> Iterator[None]:
    """Within the block, the legend and line widths are `scale` times their size; put back afterwards."""
    if scale == 1:
        yield
        return
    legend = getattr(plot.plotItem, "legend", None)
    pens: list[tuple[pg.GraphicsObject, QPen]] = []
    for item in _lines(plot):
        pen = _pen_of(item)
        if pen is None or pen.style() == pg.QtCore.Qt.PenStyle.NoPen:
            continue
        wide = QPen(pen)
        wide.setWidthF(max(pen.widthF(), 1.0) * scale)
        pens.append((item, pen))
        item.setPen(wide)
    if legend is not None:
        legend.setScale(scale)  # its position still follows the picture; its contents now do too
    try:
        yield
    finally:
        if legend is not None:
            legend.setScale(1.0)
        for item, pen in pens:
            item.setPen(pen)
