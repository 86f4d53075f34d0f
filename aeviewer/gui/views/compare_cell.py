"""One cell of the comparison grid: a model's latent scatter with its own probe, the decode at that probe,
the linked selection and hover markers, and an interpolation strip.

Draws only; the grid (`panels/compare_panel.py`) links the cells and decodes.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from aeviewer.gui.views.image_pane import ImagePane
from aeviewer.gui.views.mosaic_pane import MosaicPane
from aeviewer.gui.views.scatter_view import ScatterView


class CompareCell(QWidget):
    """`hovered(index | None)` when the mouse comes over a point (or leaves every point) of this scatter."""

    hovered = Signal(object)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = ScatterView(title)
        self.view.legend.setVisible(False)  # four legends of the same classes say nothing new
        self.decoded = ImagePane("At the probe")
        self.decoded.setFixedWidth(110)
        self.strip = MosaicPane(min_height=28)
        self.strip.setMaximumHeight(48)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.view, 1)
        top.addWidget(self.decoded)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addLayout(top, 1)
        layout.addWidget(self.strip)
        layout.addWidget(self.note)
        self.selection = pg.ScatterPlotItem(size=10, symbol="o", pen=pg.mkPen("#111", width=1.5),
                                            brush=pg.mkBrush(255, 212, 0, 200))
        self.selection.setZValue(15)
        self.view.addItem(self.selection)
        self.hover_mark = pg.ScatterPlotItem(size=20, symbol="o", pen=pg.mkPen("#d00", width=2.5), brush=None)
        self.hover_mark.setZValue(22)
        self.view.addItem(self.hover_mark)
        self.path_item = pg.PlotDataItem(pen=pg.mkPen("#111", width=2), symbol="o", symbolSize=6,
                                         symbolBrush="#ffd400", symbolPen="#111")
        self.path_item.setZValue(25)
        self.view.plotItem.vb.addItem(self.path_item, ignoreBounds=True)
        self._hover: int | None = None
        self._hover_filter = _HoverFilter(self)
        self.view.viewport().setMouseTracking(True)
        self.view.viewport().installEventFilter(self._hover_filter)

    def show_selection(self, indices: np.ndarray) -> None:
        points = self.view.points()
        idx = np.asarray(indices, dtype=int)
        idx = idx[(idx >= 0) & (idx < len(points))]
        self.selection.setData(points[idx, 0], points[idx, 1]) if len(idx) else self.selection.setData([], [])

    def show_hover(self, index: int | None) -> None:
        points = self.view.points()
        if index is None or not 0 <= index < len(points):
            self.hover_mark.setData([], [])
        else:
            self.hover_mark.setData([points[index, 0]], [points[index, 1]])

    def show_path(self, plane: np.ndarray | None, strip: np.ndarray | None) -> None:
        """The interpolation's points on this plane and its decodes as one strip (None: clear both)."""
        if plane is None:
            self.path_item.setData([], [])
        else:
            self.path_item.setData(plane[:, 0], plane[:, 1])
        self.strip.set_pixels(strip)

    def _mouse_over(self, pos: object) -> None:
        index = self.view.point_under(pos)
        if index != self._hover:
            self._hover = index
            self.hovered.emit(index)


class _HoverFilter(QObject):
    """Reports the point under a moving mouse (no button held) to its cell; never eats the event."""

    def __init__(self, cell: CompareCell) -> None:
        super().__init__(cell)
        self.cell = cell

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.MouseMove and not event.buttons():  # type: ignore[attr-defined]
            self.cell._mouse_over(event.position().toPoint())  # type: ignore[attr-defined]
        elif event.type() == QEvent.Type.Leave and self.cell._hover is not None:
            self.cell._hover = None
            self.cell.hovered.emit(None)
        return False
