"""A 2-D scatter of a dataset's points, coloured by label, with a draggable probe and point picking."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

from aeviewer.core.latent.axis_range import sticky_range
from aeviewer.core.state import ExplorerState
from aeviewer.gui.views.pyqtgraph_items import PointsItem, ProbeItem, let_title_clip

# Tableau's ten: distinct for the usual ten classes and readable on a projector.
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


#: Trust colouring: 0 (no neighbour kept) red, through amber, to 1 (all kept) green, in TRUST_LEVELS steps.
TRUST_LEVELS = 11
_TRUST_MAP = pg.ColorMap([0.0, 0.5, 1.0], ["#c0392b", "#f0b400", "#2a9d3a"])


def trust_brushes(levels: int = TRUST_LEVELS) -> list[pg.Qt.QtGui.QBrush]:
    """One brush per level (a preservation of k = 10 neighbours takes 11 values): brushes are shared, not made per
    point, so colouring 10,000 points costs a list lookup each."""
    return [pg.mkBrush(_TRUST_MAP.map(i / (levels - 1), mode="qcolor")) for i in range(levels)]


def label_colour(label: int, n_classes: int) -> pg.Qt.QtGui.QColor:
    if n_classes <= len(PALETTE):
        return pg.mkColor(PALETTE[label % len(PALETTE)])
    return pg.intColor(label, hues=n_classes)


class ScatterView(pg.PlotWidget):
    """Shows points; emits `probe_moved` while the probe moves and `point_clicked` with a sample index.

    The probe drag is handled here, on Qt's own mouse events, not by pyqtgraph's scene drags: those
    drop moves above `mouseRateLimit` and start only past a drag distance, so a quick flick could
    leave the probe short of where the mouse was released. Every move sets the probe; decoding is
    coalesced by the window. Clicking empty space moves the probe there; dragging elsewhere pans.
    """

    GRAB_RADIUS_PX = 14.0
    MAX_DRAWN = 100_000  # above this a seeded random subset is drawn: a pan repaints in < 100 ms

    probe_moved = Signal(object)  # np.ndarray (2,)
    probe_released = Signal(object)
    point_clicked = Signal(int)

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent=parent, title=title)
        self.setBackground("w")
        # Repaint one rectangle around everything that changed. pyqtgraph's default (minimal) repaints the
        # union of each class group's dirty rect, a many-rect region that cost ~20 ms per snapshot against
        # ~4 ms for its bounding rect; a probe move still repaints only the probe's small rect.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        # A GridItem, not the axes' grid: the axes draw their grid as one picture spanning the plot, which
        # costs ~25 ms on every repaint (a probe move included); this costs ~1.5 ms.
        self.grid = pg.GridItem(pen=pg.mkPen(225, 225, 225), textPen=None)
        self.grid.setZValue(-100)
        self.addItem(self.grid)
        self.plotItem.setMenuEnabled(False)
        self.legend = self.plotItem.addLegend(offset=(-5, 5), labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 200))
        self._groups: list[PointsItem] = []
        self._group_indices: list[np.ndarray] = []
        self._highlighted: int | None = None
        self._points = np.zeros((0, 2), dtype=np.float32)
        self._labels: np.ndarray | None = None
        self._follow_data = True
        self._values: np.ndarray | None = None  # per-point values in [0, 1] shown instead of the class colours
        self._class_brushes: list[object] = []
        self._trust_brushes = trust_brushes()
        self.highlight = pg.ScatterPlotItem(size=18, symbol="o", pen=pg.mkPen("k", width=2.5), brush=None)
        self.highlight.setZValue(20)
        self.addItem(self.highlight)
        self.probe = ProbeItem(pos=(0.0, 0.0), size=18, movable=False,
                                   pen=pg.mkPen("#111", width=2.5), brush=pg.mkBrush(255, 255, 255, 120),
                                   hoverPen=pg.mkPen("#d00", width=3))
        self.probe.setZValue(30)
        self.addItem(self.probe)
        self.probe.sigPositionChanged.connect(lambda *_: self.probe_moved.emit(self.probe_position()))
        self._grab_offset: np.ndarray | None = None  # probe minus mouse, in data units, while dragging
        self.scene().sigMouseClicked.connect(self._on_scene_click)
        self.plotItem.vb.sigRangeChangedManually.connect(self._stop_following)
        self.plotItem.autoBtn.clicked.connect(self.follow_data)  # "A": fit, then follow the data again
        # pyqtgraph's LabelItem makes its text width the minimum width, so a long title widened the plot past
        # its pane and hid the legend; let the title be clipped instead.
        let_title_clip(self.plotItem.titleLabel)

    # --- data -----------------------------------------------------------------------------------
    def set_points(self, points: np.ndarray, labels: np.ndarray | None, class_names: tuple[str, ...] = ()) -> None:
        """Replace the data; items are reused when the class layout is the same (only their data changes)."""
        self._points = np.asarray(points, dtype=np.float32)
        same_layout = self._labels is not None and labels is not None and np.array_equal(self._labels, labels)
        if not same_layout or len(self._groups) == 0:
            self._rebuild_groups(labels, class_names)
        for group, idx in zip(self._groups, self._group_indices, strict=True):
            x, y = self._points[idx, 0], self._points[idx, 1]
            if not (same_layout and group.move_points(x, y)):
                group.setData(x=x, y=y, data=idx)
        if self._values is not None:  # they were of the old picture: class colours until the new one's arrive
            self.set_point_values(None)
        self._update_highlight()
        if self._follow_data:
            self._keep_in_view()

    def _rebuild_groups(self, labels: np.ndarray | None, class_names: tuple[str, ...]) -> None:
        for group in self._groups:
            self.removeItem(group)
        self.legend.clear()
        self._groups, self._group_indices, self._class_brushes = [], [], []
        self._labels = None if labels is None else np.asarray(labels).copy()
        n = len(self._points)
        size = 6 if n < 3000 else 4 if n < 30_000 else 2
        drawn = np.arange(n)
        if n > self.MAX_DRAWN:
            drawn = np.sort(np.random.default_rng(0).choice(n, self.MAX_DRAWN, replace=False))
        classes: list[tuple[int | None, np.ndarray]]
        if labels is None:
            classes = [(None, drawn)]
        else:
            drawn_labels = labels[drawn]
            classes = [(int(c), drawn[drawn_labels == c]) for c in np.unique(drawn_labels)]
        n_classes = max(len(class_names), (int(labels.max()) + 1) if labels is not None and n else 1)
        for label, idx in classes:
            colour = pg.mkColor("#555") if label is None else label_colour(label, n_classes)
            colour.setAlpha(190)
            group = PointsItem(size=size, pen=None, brush=pg.mkBrush(colour), hoverable=False)
            self._class_brushes.append(group.opts["brush"])
            # Cached as a device pixmap: a probe move repaints a small region by blitting, not every dot.
            group.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.addItem(group)
            self._groups.append(group)
            self._group_indices.append(idx)
            if label is not None:
                name = class_names[label] if label < len(class_names) else str(label)
                self.legend.addItem(group, name)

    def set_point_values(self, values: np.ndarray | None) -> None:
        """Colour every point by its value in [0, 1] (red: 0, green: 1) instead of its class; None: classes again."""
        if values is not None and len(values) != len(self._points):
            raise ValueError(f"{len(values)} values for {len(self._points)} points")
        if values is None and self._values is None:
            return  # already in class colours: snapshots call this twice a second while training
        self._values = None if values is None else np.asarray(values, np.float64)
        self.legend.setVisible(self._values is None)  # its swatches are the class colours, not shown meanwhile
        if self._values is None:
            for group, idx, brush in zip(self._groups, self._group_indices, self._class_brushes, strict=True):
                group.setBrush([brush] * len(idx))  # per point: a single brush would not replace the per-point ones
            return
        levels = np.clip(np.rint(np.nan_to_num(self._values) * (TRUST_LEVELS - 1)), 0, TRUST_LEVELS - 1).astype(int)
        brushes = self._trust_brushes
        for group, idx in zip(self._groups, self._group_indices, strict=True):
            group.setBrush([brushes[i] for i in levels[idx]])

    def point_values(self) -> np.ndarray | None:
        """The values the points are coloured by, or None when they show their classes."""
        return self._values

    def fit_to_data(self) -> None:
        if len(self._points):
            self.plotItem.vb.autoRange(items=self._groups, padding=0.08)

    def _keep_in_view(self) -> None:
        """Refit only when the points left the view or shrank well inside it: a moving range regenerates the
        axes and grid and repaints every dot, which snapshots twice a second while training made costly."""
        finite = self._points[np.isfinite(self._points).all(axis=1)]
        if not len(finite):
            return
        lo, hi = finite.min(axis=0), finite.max(axis=0)
        vb = self.plotItem.vb
        current = [tuple(r) for r in vb.viewRange()]
        wanted = [sticky_range(float(lo[i]), float(hi[i]), current[i], pad=0.08, shrink=0.5) for i in (0, 1)]
        if wanted != current:
            vb.setRange(xRange=wanted[0], yRange=wanted[1], padding=0)

    def _stop_following(self, *_: object) -> None:
        self._follow_data = False

    def show_range(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        """Show exactly these ranges (a restored session) and stop refitting on data updates."""
        self._follow_data = False
        self.plotItem.vb.setRange(xRange=x_range, yRange=y_range, padding=0)

    def follow_data(self) -> None:
        """Refit the view on each data update again (after the user panned or zoomed)."""
        self._follow_data = True
        self.fit_to_data()

    # --- probe drag -------------------------------------------------------------------------------
    def _data_at(self, pos: QPointF) -> np.ndarray:
        p = self.plotItem.vb.mapSceneToView(self.mapToScene(pos.toPoint()))
        return np.array([p.x(), p.y()])

    def _near_probe(self, pos: QPointF) -> bool:
        probe_px = self.mapFromScene(self.probe.scenePos())
        return (probe_px.x() - pos.x()) ** 2 + (probe_px.y() - pos.y()) ** 2 <= self.GRAB_RADIUS_PX**2

    def mousePressEvent(self, ev) -> None:  # noqa: N802
        if ev.button() == Qt.MouseButton.LeftButton and self._near_probe(ev.position()):
            self._grab_offset = self.probe_position() - self._data_at(ev.position())
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            ev.accept()
            return
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev) -> None:  # noqa: N802
        if self._grab_offset is not None:
            self.set_probe(self._data_at(ev.position()) + self._grab_offset)
            ev.accept()
            return
        near = self._near_probe(ev.position())
        self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if near else Qt.CursorShape.CrossCursor)
        super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev) -> None:  # noqa: N802
        if self._grab_offset is not None and ev.button() == Qt.MouseButton.LeftButton:
            self.set_probe(self._data_at(ev.position()) + self._grab_offset)
            self._grab_offset = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            self.probe_released.emit(self.probe_position())
            ev.accept()
            return
        super().mouseReleaseEvent(ev)

    # --- probe and selection ----------------------------------------------------------------------
    def probe_position(self) -> np.ndarray:
        pos = self.probe.pos()
        return np.array([pos.x(), pos.y()], dtype=np.float64)

    def set_probe(self, xy: np.ndarray, emit: bool = True) -> None:
        self.probe.blockSignals(not emit)
        try:
            self.probe.setPos(QPointF(float(xy[0]), float(xy[1])))
        finally:
            self.probe.blockSignals(False)

    def set_highlight(self, index: int | None) -> None:
        self._highlighted = index
        self._update_highlight()

    def _update_highlight(self) -> None:
        index = self._highlighted
        if index is None or index >= len(self._points):
            self.highlight.setData([], [])
        else:
            x, y = self._points[index]
            self.highlight.setData([x], [y])

    def points(self) -> np.ndarray:
        return self._points

    def _on_scene_click(self, ev) -> None:
        # Our own picking (not ScatterPlotItem.sigClicked): one nearest-point rule for every group.
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.plotItem.vb
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        if self.legend.isVisible() and self.legend.sceneBoundingRect().contains(ev.scenePos()):
            return  # a legend click shows or hides a class; it neither picks nor moves the probe
        pos = vb.mapSceneToView(ev.scenePos())
        xy = np.array([pos.x(), pos.y()])
        index = self._nearest_point_on_screen(ev.scenePos())
        if index is not None:
            self.point_clicked.emit(index)
        else:
            self.set_probe(xy)
            self.probe_released.emit(xy)

    def visible_mask(self) -> np.ndarray:
        """Which points are drawn: a class hidden by clicking its legend entry is filtered out."""
        mask = np.ones(len(self._points), dtype=bool)
        for group, idx in zip(self._groups, self._group_indices, strict=True):
            if not group.isVisible():
                mask[idx] = False
        return mask

    def point_under(self, pos) -> int | None:
        """The visible sample under a viewport pixel position, or None."""
        return self._nearest_point_on_screen(self.mapToScene(pos))

    def _nearest_point_on_screen(self, scene_pos, radius_px: float = 6.0) -> int | None:
        """The sample drawn under the cursor (within a few pixels), nearest first; hidden classes are skipped."""
        if not len(self._points):
            return None
        vb = self.plotItem.vb
        px = vb.viewPixelSize()  # view units per pixel, (x, y)
        pos = vb.mapSceneToView(scene_pos)
        d = ((self._points[:, 0] - pos.x()) / px[0]) ** 2 + ((self._points[:, 1] - pos.y()) / px[1]) ** 2
        d[~self.visible_mask()] = np.inf
        i = int(np.argmin(d))
        return i if d[i] <= radius_px**2 else None


def bind_probe(view: ScatterView, state: ExplorerState, name: str) -> None:
    """The view writes its probe ("ae" or "pca") to the state; the state moves the cross without echoing back."""
    view.probe_moved.connect(lambda xy: state.set_probe(name, xy))
    view.probe_released.connect(lambda xy: state.set_probe(name, xy))
    getattr(state.events, f"{name}_probe").connect(
        lambda xy: None if tuple(view.probe_position()) == tuple(xy) else view.set_probe(np.asarray(xy), emit=False))
