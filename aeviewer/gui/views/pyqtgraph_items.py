"""The pyqtgraph internals we rely on, each behind one subclass or function: the one place to fix on an upgrade.

Written against pyqtgraph 0.13.7-0.14 (pyproject.toml keeps it below 0.15). Each item names the private
attribute it touches.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt


class ProbeItem(pg.TargetItem):
    """The draggable cross. Resizing it clears TargetItem's cached outline (`_shape`)."""

    def set_marker_size(self, pixels: float) -> None:
        self.prepareGeometryChange()
        self.scale = pixels  # TargetItem's size attribute (pixels)
        self._shape = None  # its cached outline, rebuilt at the new size on the next paint
        self.update()


class PointsItem(pg.ScatterPlotItem):
    """A scatter whose points can move in place, without setData's rebuild (it writes `data` and `bounds`)."""

    def move_points(self, x: np.ndarray, y: np.ndarray) -> bool:
        """Give the same points new positions in place; False (nothing done) when that cannot be done.

        `setData` rebuilds pyqtgraph's per-point record array and looks up each point's symbol in its atlas,
        ~1 ms per 1 000 points, twice a second while training; the positions alone are all that changed.
        """
        data = getattr(self, "data", None)
        names = getattr(getattr(data, "dtype", None), "names", None) or ()
        if data is None or "x" not in names or "y" not in names or len(data) != len(x):
            return False
        data["x"] = x
        data["y"] = y
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.bounds = [None, None]  # the cached data bounds
        self.invalidate()
        return True


def let_title_clip(label: pg.LabelItem) -> None:
    """LabelItem makes its text width its minimum width, so a long title widened the plot past its pane and
    hid the legend; this replaces its `updateMin` so the title is clipped instead (it sets `_sizeHint`)."""

    def update_min() -> None:
        height = label.itemRect().height()
        label.setMinimumWidth(0)
        label.setMinimumHeight(height)
        label._sizeHint = {Qt.SizeHint.MinimumSize: (0, height), Qt.SizeHint.PreferredSize: (0, height),
                           Qt.SizeHint.MaximumSize: (-1, -1), Qt.SizeHint.MinimumDescent: (0, 0)}
        label.updateGeometry()

    label.updateMin = update_min
    update_min()


def fit_legend(legend: pg.LegendItem) -> None:
    """Shrink a legend back to its entries after their type got smaller (presentation mode ended):
    LegendItem.updateSize measures its entries at their current, stretched size, so it only ever grows."""
    legend.layout.invalidate()
    legend.setGeometry(QRectF(QPointF(0, 0), legend.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize)))
    legend.updateSize()
