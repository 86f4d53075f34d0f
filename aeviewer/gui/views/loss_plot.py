"""Live loss curves, one per loss term, against the training step."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer

from aeviewer.core.latent.axis_range import Range, step_range, sticky_range
from aeviewer.gui.views.themes import LIGHT, Theme, style_plot


class LossPlot(pg.PlotWidget):
    """Points are appended at once and drawn at most every `REDRAW_MS`, in a range that rarely moves.

    A trainer can report dozens of times a second (a GPU finishes an epoch in a fraction of a second);
    redrawing and re-ranging on each report cost the window ~13 ms every time on a 2-core CPU. The
    range follows the data until the user pans or zooms; the plot's "A" button makes it follow again.
    """

    REDRAW_MS = 200

    def __init__(self, parent=None) -> None:
        super().__init__(parent=parent, title="Training loss")
        self.plotItem.setLabel("bottom", "step")
        self.plotItem.setLogMode(y=True)
        self.grid = pg.GridItem(textPen=None)  # cheaper than the axes' grid
        self.grid.setZValue(-100)
        self.addItem(self.grid)
        self.legend = self.plotItem.addLegend(offset=(-5, 5), labelTextSize="8pt")
        self._steps: dict[str, list[float]] = {}
        self._values: dict[str, list[float]] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._dirty: set[str] = set()
        self._following = True
        self._x_range: Range | None = None
        self._y_range: Range | None = None  # in log10 units, as the view box holds it
        vb = self.plotItem.vb
        vb.disableAutoRange()
        vb.sigRangeChangedManually.connect(self._stop_following)
        self.plotItem.autoBtn.clicked.connect(self.follow_data)
        self.replay_line: pg.InfiniteLine | None = None  # the replay's position (set_cursor)
        self._redraw = QTimer(self, singleShot=True, interval=self.REDRAW_MS)
        self._redraw.timeout.connect(self.flush)
        self.theme, self.large = LIGHT, False
        self.use_theme(LIGHT, False)

    def use_theme(self, theme: Theme, large: bool) -> None:
        """Colour the curves from `theme` ("total" in its foreground); presentation size doubles their width."""
        self.theme, self.large = theme, large
        style_plot(self, theme, large)
        for name, curve in self._curves.items():
            curve.setPen(self._pen(name))

    def _pen(self, name: str):
        """"total" is the thick foreground line; each other term a class colour, in the order they came."""
        widen = 2 if self.large else 1
        if name == "total":
            return pg.mkPen(self.theme.foreground, width=2 * widen)
        classes = self.theme.classes
        index = [n for n in self._curves if n != "total"].index(name)
        return pg.mkPen(classes[index % len(classes)], width=1.5 * widen)

    def add(self, step: int, losses: dict[str, float]) -> None:
        self.add_many([(step, losses)])

    def add_many(self, points) -> None:
        """Append many (step, losses) pairs; they are drawn together within `REDRAW_MS`."""
        for step, losses in points:
            for name, value in losses.items():
                if value is None or not np.isfinite(value) or value <= 0:
                    continue
                if name not in self._curves:
                    self._curves[name] = curve = self.plot([], [], name=name)
                    curve.setPen(self._pen(name))
                    style_plot(self, self.theme, self.large)  # the new legend entry
                    self._steps[name], self._values[name] = [], []
                self._steps[name].append(step)
                self._values[name].append(value)
                self._dirty.add(name)
        if self._dirty and not self._redraw.isActive():
            self._redraw.start()

    def flush(self) -> None:
        """Draw what has been added (export calls this so a saved picture has every point)."""
        self._redraw.stop()
        for name in self._dirty:
            self._curves[name].setData(self._steps[name], self._values[name])
        self._dirty.clear()
        if self._following:
            self._fit()

    def _fit(self) -> None:
        if not self._values:
            return
        steps = [s for series in self._steps.values() for s in series[-1:]]
        logs = np.log10(np.concatenate([np.asarray(v, dtype=np.float64) for v in self._values.values()]))
        x_range = step_range(max(steps), self._x_range)
        y_range = sticky_range(float(logs.min()), float(logs.max()), self._y_range, pad=0.15, shrink=0.4)
        if (x_range, y_range) != (self._x_range, self._y_range):
            self._x_range, self._y_range = x_range, y_range
            self.plotItem.vb.setRange(xRange=x_range, yRange=y_range, padding=0)

    def _stop_following(self, *_: object) -> None:
        self._following = False

    def follow_data(self) -> None:
        """Fit the curves again and keep them in view as they grow (after the user panned or zoomed)."""
        self._following = True
        self.plotItem.vb.disableAutoRange()  # the "A" button turned pyqtgraph's per-update autorange on
        self._x_range = self._y_range = None
        self._fit()

    def view_range(self) -> tuple[Range, Range]:
        """The shown (x, log10 y) ranges."""
        (x0, x1), (y0, y1) = self.plotItem.vb.viewRange()
        return (x0, x1), (y0, y1)

    def set_cursor(self, step: float | None) -> None:
        """A vertical line at `step` (the replay's frame), or none."""
        if step is None:
            if self.replay_line is not None:
                self.replay_line.hide()
            return
        if self.replay_line is None:
            self.replay_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#d62728", width=1.5))
            self.replay_line.setZValue(50)
            self.addItem(self.replay_line, ignoreBounds=True)
        self.replay_line.setValue(float(step))
        self.replay_line.show()

    def cursor_step(self) -> float | None:
        """Where the replay cursor stands, None when it is hidden."""
        return None if self.replay_line is None or not self.replay_line.isVisible() else float(self.replay_line.value())

    def last_step(self) -> int:
        """The step of the newest point (0 when empty): where the next run of the same model carries on."""
        return int(max((series[-1] for series in self._steps.values() if series), default=0))

    def point_count(self, name: str = "total") -> int:
        return len(self._values.get(name, []))

    def drawn_count(self, name: str = "total") -> int:
        """How many points of a curve are on screen (appended points wait up to `REDRAW_MS`)."""
        curve = self._curves.get(name)
        return 0 if curve is None or curve.xData is None else len(curve.xData)

    def clear_curves(self) -> None:
        self._redraw.stop()
        for curve in self._curves.values():
            self.removeItem(curve)
        self.legend.clear()
        self._curves.clear()
        self._steps.clear()
        self._values.clear()
        self._dirty.clear()
        self._x_range = self._y_range = None
