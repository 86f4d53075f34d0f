"""A 2-D scatter of a dataset's points, coloured by label, with a draggable probe and point picking."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QLabel

from aeviewer.core.latent.axis_range import sticky_range
from aeviewer.core.latent.density import finite_bounds, points_near
from aeviewer.core.state import ExplorerState
from aeviewer.gui.views.density_layer import DensityLayer, Submit
from aeviewer.gui.views.pyqtgraph_items import PointsItem, ProbeItem, let_title_clip
from aeviewer.gui.views.themes import LARGE_MARKER, LARGE_PROBE, LIGHT, NORMAL_PROBE, POINT_ALPHA, Theme, style_plot

SELECTION_RING = 11  # px: a box-selected sample's ring, inside the clicked sample's (18 px)

def palette_rgb(theme: Theme, n_classes: int) -> np.ndarray:
    """The theme's class colours as an (n_classes, 3) uint8 array, for the density image."""
    colours = [theme.class_colour(c, n_classes) for c in range(max(1, n_classes))]
    return np.array([(c.red(), c.green(), c.blue()) for c in colours], dtype=np.uint8)

#: Trust colouring: 0 (no neighbour kept) red, through amber, to 1 (all kept) green, in TRUST_LEVELS steps.
TRUST_LEVELS = 11
_TRUST_MAP = pg.ColorMap([0.0, 0.5, 1.0], ["#c0392b", "#f0b400", "#2a9d3a"])


def trust_brushes(levels: int = TRUST_LEVELS) -> list[pg.Qt.QtGui.QBrush]:
    """One brush per level (a preservation of k = 10 neighbours takes 11 values): brushes are shared, not made per
    point, so colouring 10,000 points costs a list lookup each."""
    return [pg.mkBrush(_TRUST_MAP.map(i / (levels - 1), mode="qcolor")) for i in range(levels)]



class ScatterView(pg.PlotWidget):
    """Shows points; emits `probe_moved` while the probe moves and `point_clicked` with a sample index.

    The probe drag is handled here, on Qt's own mouse events, not by pyqtgraph's scene drags: those
    drop moves above `mouseRateLimit` and start only past a drag distance, so a quick flick could
    leave the probe short of where the mouse was released. Every move sets the probe; decoding is
    coalesced by the window. Clicking empty space moves the probe there; dragging elsewhere pans.
    """

    GRAB_RADIUS_PX = 14.0
    # Above this the points are drawn as one density image of all of them (markers would overlap into a blur
    # and a pan would repaint 200k+ dots); markers remain for the hovered point and the selection.
    DENSITY_THRESHOLD = 200_000
    MAX_SELECTION_MARKERS = 20_000  # a larger selection is marked by a seeded subset of itself

    probe_moved = Signal(object)  # np.ndarray (2,)
    probe_released = Signal(object)
    probe_dragged = Signal()  # after each drag move has set the probe: the window paints the pictures at once
    point_clicked = Signal(int)

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent=parent, title=title)
        self.theme, self.large = LIGHT, False
        # Repaint one rectangle around everything that changed. pyqtgraph's default (minimal) repaints the
        # union of each class group's dirty rect, a many-rect region that cost ~20 ms per snapshot against
        # ~4 ms for its bounding rect; a probe move still repaints only the probe's small rect.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        # A GridItem, not the axes' grid: the axes draw their grid as one picture spanning the plot, which
        # costs ~25 ms on every repaint (a probe move included); this costs ~1.5 ms.
        self.grid = pg.GridItem(textPen=None)
        self.grid.setZValue(-100)
        self.addItem(self.grid)
        self.plotItem.setMenuEnabled(False)
        self.legend = self.plotItem.addLegend(offset=(-5, 5), labelTextSize="8pt")
        self._groups: list[PointsItem] = []
        self._group_indices: list[np.ndarray] = []
        self._group_labels: list[int | None] = []
        self._n_classes = 1
        self._highlighted: int | None = None
        self._points = np.zeros((0, 2), dtype=np.float32)
        self._labels: np.ndarray | None = None
        self._follow_data = True
        self._selection = np.zeros(0, dtype=np.intp)  # box- or lasso-selected samples
        self.selection_rings = pg.ScatterPlotItem(size=SELECTION_RING, symbol="o", brush=None)
        self.selection_rings.setZValue(19)
        self.addItem(self.selection_rings)
        self.highlight = pg.ScatterPlotItem(size=18, symbol="o", brush=None)
        self._values: np.ndarray | None = None  # per-point values in [0, 1] shown instead of the class colours
        self._trust_brushes = trust_brushes()
        self.highlight.setZValue(20)
        self.addItem(self.highlight)
        self.probe = ProbeItem(pos=(0.0, 0.0), size=18, movable=False)
        self.probe.setZValue(30)
        self.addItem(self.probe)
        self.density = DensityLayer(self.plotItem, self)
        self.density.drawn.connect(self._density_drawn)
        self.hover_marker = pg.ScatterPlotItem(size=10, symbol="o", pen=pg.mkPen("k", width=1.5))
        self.hover_marker.setZValue(19)
        self.plotItem.vb.addItem(self.hover_marker, ignoreBounds=True)
        self.count_label = QLabel(self)  # "all N points": nothing is sampled away
        self.count_label.setStyleSheet("QLabel { background: rgba(255,255,255,200); color: #333; padding: 1px 4px; }")
        self.count_label.hide()
        self.probe.sigPositionChanged.connect(lambda *_: self.probe_moved.emit(self.probe_position()))
        self._grab_offset: np.ndarray | None = None  # probe minus mouse, in data units, while dragging
        self.scene().sigMouseClicked.connect(self._on_scene_click)
        self.plotItem.vb.sigRangeChangedManually.connect(self._stop_following)
        self.plotItem.autoBtn.clicked.connect(self.follow_data)  # "A": fit, then follow the data again
        # pyqtgraph's LabelItem makes its text width the minimum width, so a long title widened the plot past
        # its pane and hid the legend; let the title be clipped instead.
        let_title_clip(self.plotItem.titleLabel)
        self.use_theme(LIGHT, False)

    # --- theme ------------------------------------------------------------------------------------
    def use_theme(self, theme: Theme, large: bool) -> None:
        """Colour every mark from `theme`; `large` is presentation size."""
        self.theme, self.large = theme, large
        style_plot(self, theme, large)
        fg = theme.foreground
        self.highlight.setPen(pg.mkPen(fg, width=2.5))
        self.highlight.setSize(26 if large else 18)
        self.selection_rings.setPen(pg.mkPen(fg, width=1.5))
        self.selection_rings.setSize(LARGE_MARKER + 6 if large else SELECTION_RING)
        self.probe.setPen(pg.mkPen(theme.probe, width=4 if large else 2.5))
        self.probe.setBrush(pg.mkBrush(theme.veil(120)))
        self.probe.setHoverPen(pg.mkPen(theme.hover, width=5 if large else 3))
        self.probe.setHoverBrush(pg.mkBrush(theme.veil(160)))
        self.probe.set_marker_size(LARGE_PROBE if large else NORMAL_PROBE)
        size = self._marker_size()
        for group, label in zip(self._groups, self._group_labels, strict=True):
            if self._values is None:  # trust colours stay until set_point_values(None)
                group.setBrush(pg.mkBrush(self._colour(label)))
            group.setSize(size)
        self.hover_marker.setPen(pg.mkPen(fg, width=1.5))
        self.density.use_colours(fg, theme.muted)
        veil = theme.veil(200)
        self.count_label.setStyleSheet(f"QLabel {{ background: rgba({veil.red()},{veil.green()},{veil.blue()},200); "
                                       f"color: {fg}; padding: 1px 4px; }}")
        if self.dense and self._labels is not None:  # the image's class colours follow the theme
            self.density.palette = palette_rgb(theme, self._n_classes)
            self.density.request()

    def _marker_size(self) -> float:
        n = len(self._points)
        return LARGE_MARKER if self.large else 6 if n < 3000 or self.dense else 4 if n < 30_000 else 2

    def _colour(self, label: int | None):
        if label is None:
            colour = pg.mkColor(self.theme.muted)
            colour.setAlpha(POINT_ALPHA)
            return colour
        return self.theme.class_colour(label, self._n_classes, POINT_ALPHA)

    # --- data -----------------------------------------------------------------------------------
    def set_points(self, points: np.ndarray, labels: np.ndarray | None, class_names: tuple[str, ...] = ()) -> None:
        """Replace the data; items are reused when the class layout is the same (only their data changes)."""
        self._points = np.asarray(points, dtype=np.float32)
        same_layout = self._labels is not None and labels is not None and np.array_equal(self._labels, labels)
        if not same_layout or len(self._groups) == 0:
            self._rebuild_groups(labels, class_names)
        dense = self.dense
        if not dense:
            for group, idx in zip(self._groups, self._group_indices, strict=True):
                x, y = self._points[idx, 0], self._points[idx, 1]
                if not (same_layout and group.move_points(x, y)):
                    group.setData(x=x, y=y, data=idx)
        if self._values is not None:  # they were of the old picture: class colours until the new one's arrive
            self.set_point_values(None)
        self._update_highlight()
        self._update_selection()
        if self._follow_data:
            self._keep_in_view()
        # after the refit, so the first density image is drawn for the range it will be shown in
        self.density.visible = self._visible_classes()
        palette = palette_rgb(self.theme, self._n_classes) if labels is not None else None
        self.density.set_data(self._points, self._labels, palette, image_on=dense)
        ready = self.density.last is not None  # a first 10 M-point image waits for the points to be prepared
        self._set_count_text(f"all {len(self._points):,} points, as density" + ("" if ready else ": preparing…"))
        self.count_label.setVisible(dense)

    def _rebuild_groups(self, labels: np.ndarray | None, class_names: tuple[str, ...]) -> None:
        for group in self._groups:
            self.removeItem(group)
        self.legend.clear()
        self._groups, self._group_indices, self._group_labels = [], [], []
        # a copy, so a later set_points can tell new labels from the same ones changed in place; not for a
        # density view, where it would be as large as the codes (10 M int64 labels: 80 MB)
        self._labels = None if labels is None else np.asarray(labels) if self.dense else np.asarray(labels).copy()
        n = len(self._points)
        self._n_classes = max(len(class_names), (int(labels.max()) + 1) if labels is not None and n else 1)
        size = self._marker_size()  # dense: empty groups, legend samples
        classes: list[tuple[int | None, np.ndarray]]
        if self.dense:  # empty groups: legend entries and show/hide; the density layer draws the points
            present = [None] if labels is None else _classes_present(labels)
            classes = [(c, np.zeros(0, dtype=np.int64)) for c in present]
        elif labels is None:
            classes = [(None, np.arange(n))]
        else:
            classes = [(int(c), np.flatnonzero(labels == c)) for c in np.unique(labels)]
        for label, idx in classes:
            group = PointsItem(size=size, pen=None, brush=pg.mkBrush(self._colour(label)), hoverable=False)
            # Cached as a device pixmap: a probe move repaints a small region by blitting, not every dot.
            group.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.addItem(group)
            self._groups.append(group)
            self._group_indices.append(idx)
            self._group_labels.append(label)
            group.visibleChanged.connect(self._classes_toggled)
            if label is not None:
                name = class_names[label] if label < len(class_names) else str(label)
                self.legend.addItem(group, name)

    @property
    def dense(self) -> bool:
        """Whether the points are drawn as a density image (above DENSITY_THRESHOLD) rather than markers."""
        return len(self._points) > self.DENSITY_THRESHOLD

    def set_point_values(self, values: np.ndarray | None) -> None:
        """Colour every point by its value in [0, 1] (red: 0, green: 1) instead of its class; None: classes again."""
        if values is not None and len(values) != len(self._points):
            raise ValueError(f"{len(values)} values for {len(self._points)} points")
        if values is None and self._values is None:
            return  # already in class colours: snapshots call this twice a second while training
        self._values = None if values is None else np.asarray(values, np.float64)
        self.legend.setVisible(self._values is None)  # its swatches are the class colours, not shown meanwhile
        if self._values is None:
            for group, idx, label in zip(self._groups, self._group_indices, self._group_labels, strict=True):
                # per point: a single brush would not replace the per-point ones
                group.setBrush([pg.mkBrush(self._colour(label))] * len(idx))
            return
        levels = np.clip(np.rint(np.nan_to_num(self._values) * (TRUST_LEVELS - 1)), 0, TRUST_LEVELS - 1).astype(int)
        brushes = self._trust_brushes
        for group, idx in zip(self._groups, self._group_indices, strict=True):
            group.setBrush([brushes[i] for i in levels[idx]])

    def point_values(self) -> np.ndarray | None:
        """The values the points are coloured by, or None when they show their classes."""
        return self._values

    def set_background(self, submit: Submit | None) -> None:
        """Where density redraws run: `LatestOnlyRunner.submit` from the window; None draws in place."""
        self.density.submit = submit

    def set_contours(self, mode: str) -> None:
        """Density contours over the points: "off", "all" or "class" (one set per class)."""
        self.density.set_contour_mode(mode)

    def _visible_classes(self) -> np.ndarray | None:
        if self._labels is None or not self._group_labels:
            return None
        visible = np.ones(self._n_classes, dtype=bool)
        for group, label in zip(self._groups, self._group_labels, strict=True):
            if label is not None and label < len(visible):
                visible[label] = group.isVisible()
        return visible

    def _classes_toggled(self) -> None:
        if self.dense:
            self.density.set_visible_classes(self._visible_classes())

    def resizeEvent(self, ev) -> None:  # noqa: N802
        super().resizeEvent(ev)
        self._place_count_label()

    def _set_count_text(self, text: str) -> None:
        self.count_label.setText(text)
        self.count_label.adjustSize()
        self._place_count_label()

    def _density_drawn(self, image: object) -> None:
        if self.dense:
            self._set_count_text(f"all {len(self._points):,} points, as density")

    def _place_count_label(self) -> None:
        if "count_label" not in self.__dict__:
            return  # pyqtgraph resizes once from inside PlotWidget.__init__, before the label exists
        self.count_label.move(60, 30)  # the plot's top left, below the title, clear of the axes and legend

    def fit_to_data(self) -> None:
        if not len(self._points):
            return
        if self.dense:  # the groups are empty: fit the points' own bounds
            self._follow_data = True
            self._keep_in_view(force=True)
            return
        self.plotItem.vb.autoRange(items=self._groups, padding=0.08)

    def _keep_in_view(self, force: bool = False) -> None:
        """Refit only when the points left the view or shrank well inside it: a moving range regenerates the
        axes and grid and repaints every dot, which snapshots twice a second while training made costly."""
        bounds = finite_bounds(self._points)  # in chunks: no copy of 10 M points
        if bounds is None:
            return
        (x0, x1), (y0, y1) = bounds
        lo, hi = np.array([x0, y0]), np.array([x1, y1])
        vb = self.plotItem.vb
        current = [tuple(r) for r in vb.viewRange()]
        if force:
            pad = (hi - lo) * 0.08 + 1e-9
            vb.setRange(xRange=(lo[0] - pad[0], hi[0] + pad[0]), yRange=(lo[1] - pad[1], hi[1] + pad[1]), padding=0)
            return
        wanted = [sticky_range(float(lo[i]), float(hi[i]), current[i], pad=0.08, shrink=0.5) for i in (0, 1)]
        if wanted != current:
            vb.setRange(xRange=wanted[0], yRange=wanted[1], padding=0)

    @property
    def following(self) -> bool:
        """Whether the view refits on data updates (False after the user panned or zoomed, or `show_range`)."""
        return self._follow_data

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
            self.probe_dragged.emit()
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

    def set_selection(self, indices: np.ndarray | None) -> None:
        """Ring the box- or lasso-selected samples (None or empty: no rings)."""
        self._selection = np.zeros(0, dtype=np.intp) if indices is None else np.asarray(indices, dtype=np.intp)
        self._update_selection()

    def selection(self) -> np.ndarray:
        return self._selection

    def _update_selection(self) -> None:
        idx = self._selection[self._selection < len(self._points)]
        if len(idx) > self.MAX_SELECTION_MARKERS:  # a density view's huge selection: a seeded subset is ringed
            idx = np.sort(np.random.default_rng(0).choice(idx, self.MAX_SELECTION_MARKERS, replace=False))
        self.selection_rings.setData(x=self._points[idx, 0], y=self._points[idx, 1])

    def clear_marks(self) -> None:
        """Forget the selected sample's ring and the selection's rings (another dataset was opened)."""
        self.set_highlight(None)
        self.set_selection(None)

    def points(self) -> np.ndarray:
        return self._points

    def mark_hover(self, index: int | None) -> None:
        """A marker on the point under the cursor (in the density view the only per-point marker besides the
        selection)."""
        if index is None or index >= len(self._points):
            self.hover_marker.setData([], [])
            return
        x, y = self._points[index]
        label = None if self._labels is None else int(self._labels[index])
        colour = self._colour(label)
        self.hover_marker.setData([x], [y], brush=pg.mkBrush(colour))

    def mark_selection(self, indices: np.ndarray) -> None:
        """Ring the box- or lasso-selected points here (the window rings them in the other view too)."""
        self.set_selection(indices)

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
        visible = self._visible_classes()
        if self.dense and visible is not None and self._labels is not None:
            return visible[self._labels]
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
        # A box test first, in chunks: a hover over 10 M points measures distances to the few near the cursor.
        near = points_near(self._points, pos.x(), pos.y(), radius_px * abs(px[0]), radius_px * abs(px[1]))
        if not len(near):
            return None
        d = ((self._points[near, 0] - pos.x()) / px[0]) ** 2 + ((self._points[near, 1] - pos.y()) / px[1]) ** 2
        visible = self._visible_classes()
        if self.dense and visible is not None and self._labels is not None:
            d[~visible[self._labels[near]]] = np.inf  # the near points' classes only, not a mask of all N
        else:
            d[~self.visible_mask()[near]] = np.inf
        i = int(np.argmin(d))
        return int(near[i]) if d[i] <= radius_px**2 else None


def _classes_present(labels: np.ndarray) -> list[int | None]:
    """The labels that occur, counted (no sorted copy of 10 M labels, as np.unique makes) when they are small ints."""
    labels = np.asarray(labels)
    if labels.dtype.kind in "iu" and len(labels) and labels.min() >= 0 and labels.max() < 1_000_000:
        return [int(c) for c in np.flatnonzero(np.bincount(labels))]
    return [int(c) for c in np.unique(labels)]


def bind_probe(view: ScatterView, state: ExplorerState, name: str) -> None:
    """The view writes its probe ("ae" or "pca") to the state; the state moves the cross without echoing back."""
    view.probe_moved.connect(lambda xy: state.set_probe(name, xy))
    view.probe_released.connect(lambda xy: state.set_probe(name, xy))
    getattr(state.events, f"{name}_probe").connect(
        lambda xy: None if tuple(view.probe_position()) == tuple(xy) else view.set_probe(np.asarray(xy), emit=False))
