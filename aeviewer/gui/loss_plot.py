"""Live loss curves, one per loss term, against the training step."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from aeviewer.gui.scatter_view import PALETTE


class LossPlot(pg.PlotWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent=parent, title="Training loss")
        self.setBackground("w")
        self.plotItem.setLabel("bottom", "step")
        self.plotItem.setLogMode(y=True)
        self.grid = pg.GridItem(pen=pg.mkPen(225, 225, 225), textPen=None)  # cheaper than the axes' grid
        self.grid.setZValue(-100)
        self.addItem(self.grid)
        self.legend = self.plotItem.addLegend(offset=(-5, 5), labelTextSize="8pt")
        self._steps: dict[str, list[float]] = {}
        self._values: dict[str, list[float]] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}

    def add(self, step: int, losses: dict[str, float]) -> None:
        self.add_many([(step, losses)])

    def add_many(self, points) -> None:
        """Append many (step, losses) pairs and redraw once (a followed run's log can hold thousands)."""
        touched = set()
        for step, losses in points:
            for name, value in losses.items():
                if value is None or not np.isfinite(value) or value <= 0:
                    continue
                if name not in self._curves:
                    colour = "#111" if name == "total" else PALETTE[len(self._curves) % len(PALETTE)]
                    self._curves[name] = self.plot([], [], pen=pg.mkPen(colour, width=2 if name == "total" else 1.5),
                                                   name=name)
                    self._steps[name], self._values[name] = [], []
                self._steps[name].append(step)
                self._values[name].append(value)
                touched.add(name)
        for name in touched:
            self._curves[name].setData(self._steps[name], self._values[name])

    def point_count(self, name: str = "total") -> int:
        return len(self._values.get(name, []))

    def clear_curves(self) -> None:
        for curve in self._curves.values():
            self.removeItem(curve)
        self.legend.clear()
        self._curves.clear()
        self._steps.clear()
        self._values.clear()
