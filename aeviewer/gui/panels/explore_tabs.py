"""The "Explore" dock beside the views: projection, traversal, interpolation, manifold grid and generation.

It reads the explorer state and the latent view, writes the projection asked for to the state, and
decodes through the ProbeDecoder; the maths is in aeviewer.core (embedding, interpolation, generation, manifold).
No window is needed: build it with a state, the two scatter views and a decoder.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

from aeviewer.core.data.corruption import corrupt
from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.images import to_pixels
from aeviewer.core.latent.embedding import (
    METHOD_TITLES,
    EmbeddingCancelled,
    fit_embedding,
    projection_fallback,
)
from aeviewer.core.latent.generation import CodeSampler
from aeviewer.core.latent.interpolation import attribute_vector, class_mean, interpolate
from aeviewer.core.latent.manifold import mosaic
from aeviewer.core.latent.spaces import sample_error
from aeviewer.core.models.inference import encode_array, reconstruct_array
from aeviewer.core.state import ExplorerState
from aeviewer.gui.panels.denoise_panel import DenoisePanel
from aeviewer.gui.panels.generation_panel import GenerationPanel
from aeviewer.gui.panels.interpolation_panel import InterpolationPanel
from aeviewer.gui.panels.projection_panel import ProjectionPanel
from aeviewer.gui.panels.scrolling_tabs import ScrollingTabs
from aeviewer.gui.panels.selection_panel import SelectionPanel
from aeviewer.gui.panels.traversal_panel import TraversalPanel
from aeviewer.gui.panels.trust_tracker import TrustTracker
from aeviewer.gui.views.manifold_view import ManifoldOverlay, ManifoldPanel
from aeviewer.gui.views.scatter_tools import ScatterInspector
from aeviewer.gui.views.scatter_view import ScatterView
from aeviewer.gui.views.themes import Theme
from aeviewer.gui.workers.background import BackgroundTask
from aeviewer.gui.workers.probe_decoder import ProbeDecoder


class _FrameRelay(QObject):
    """Carries t-SNE's intermediate layouts from the worker thread to the GUI thread."""

    frame = Signal(object)


def run_projection(method: str, codes: np.ndarray, progress=None, cancel=None, intermediate=None):
    """fit_embedding for a BackgroundTask: a cancel is a quiet None, not an error box."""
    try:
        return fit_embedding(method, codes, progress=progress, cancel=cancel, intermediate=intermediate)
    except EmbeddingCancelled:
        return None


class ExploreDock(QDockWidget):
    """Tabs of latent-space tools acting on `state.ae_space` and the latent view's probe."""

    PLAY_INTERVAL_MS = 120

    def __init__(self, state: ExplorerState, ae_view: ScatterView, pca_view: ScatterView, decoder: ProbeDecoder,
                 start_task: Callable[[BackgroundTask], object] | None = None,
                 show_status: Callable[[str, int], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Explore", parent)
        self.setObjectName("explore")
        self.state, self.ae_view, self.pca_view, self.decoder = state, ae_view, pca_view, decoder
        self.start_task = start_task or (lambda task: task.start())
        self.show_status = show_status or (lambda _message, _ms: None)
        self.tabs = ScrollingTabs()  # the pages scroll: the dock need not be as wide or tall as the largest
        self.projection = ProjectionPanel()
        self.traversal = TraversalPanel()
        self.interpolation = InterpolationPanel()
        self.manifold = ManifoldPanel()
        self.generation = GenerationPanel()
        self.selection = SelectionPanel()
        self.denoise = DenoisePanel()
        for panel, title in ((self.projection, "Project"), (self.traversal, "Traverse"),
                             (self.interpolation, "Path"), (self.manifold, "Grid"),
                             (self.generation, "Sample"), (self.selection, "Select"),
                             (self.denoise, "Denoise")):
            self.tabs.addTab(panel, title)
        self.setWidget(self.tabs.with_titles())
        self.tabs.currentChanged.connect(lambda *_: self.update_denoise() if self.tabs.currentWidget() is self.denoise
                                         else None)
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)

        view = ae_view
        self.overlay = ManifoldOverlay(view, self.manifold.tiles.value())
        self.path_item = pg.PlotDataItem(symbol="o")
        self.path_item.setZValue(25)
        view.plotItem.vb.addItem(self.path_item, ignoreBounds=True)
        self.generated_item = pg.ScatterPlotItem(symbol="star")
        self.generated_item.setZValue(24)
        view.plotItem.vb.addItem(self.generated_item, ignoreBounds=True)
        self.use_theme(view.theme, view.large)

        self.task: BackgroundTask | None = None
        self.trust = TrustTracker(ae_view, self.projection, self.start_task, self)
        self.trust.report_ready.connect(lambda _report: self._show_probe_trust(self.ae_view.probe_position()))
        self._relay = _FrameRelay()
        self._relay.frame.connect(self._show_frame)
        self.recent: list[int] = []  # last selected samples, newest last
        self.path_codes: np.ndarray | None = None
        self.generated_codes: np.ndarray | None = None
        self._frame = 0
        self._base_code: np.ndarray | None = None
        self._play_timer = QTimer(self, interval=self.PLAY_INTERVAL_MS)
        self._play_timer.timeout.connect(self._next_frame)

        self.projection.method_chosen.connect(self.choose_method)
        self.projection.cancel_clicked.connect(self.cancel_projection)
        self.traversal.code_changed.connect(self.show_code)
        self.traversal.attribute_changed.connect(self._apply_attribute)
        self.interpolation.changed.connect(self.update_path)
        self.interpolation.play_toggled.connect(self._play)
        self.manifold.enabled.toggled.connect(self._manifold_toggled)
        self.manifold.tiles.valueChanged.connect(self.overlay.set_tiles)
        self.manifold.mode.currentIndexChanged.connect(
            lambda *_: self.overlay.set_mode(self.manifold.mode.currentData()))
        self.generation.sample_clicked.connect(self.generate)
        self.generation.clear_clicked.connect(self.clear_generated)
        self.inspectors = [ScatterInspector(v, self._describe) for v in (view, pca_view)]
        for inspector in self.inspectors:
            inspector.selected.connect(self._box_selected)
        self.selection.shape.currentIndexChanged.connect(self._selection_shape)
        self.denoise.changed.connect(self.update_denoise)
        self._panels_stale = False
        self.visibilityChanged.connect(lambda shown: self._refresh_panels() if shown and self._panels_stale else None)
        state.events.ae_probe.connect(self._probe_moved)
        view.point_clicked.connect(self._remember_selection)
        pca_view.point_clicked.connect(self._remember_selection)

        state.events.dataset.connect(self._dataset_changed)

    # --- window hooks -------------------------------------------------------------------------------
    def use_theme(self, theme: Theme, large: bool) -> None:
        """The path and the generated stars on the latent view, in the theme's path and marker colours."""
        widen = 2 if large else 1
        self.path_item.setPen(pg.mkPen(theme.path, width=2 * widen, style=Qt.PenStyle.DashLine))
        self.path_item.setSymbolPen(pg.mkPen(theme.path, width=widen))
        self.path_item.setSymbolBrush(pg.mkBrush(theme.marker))
        self.path_item.setSymbolSize(7 * widen)
        self.generated_item.setPen(pg.mkPen(theme.path, width=widen))
        self.generated_item.setBrush(pg.mkBrush(theme.marker))
        self.generated_item.setSize(13 * widen)

    def _dataset_changed(self, *_: object) -> None:
        """Another dataset: selection rings, the box selection, the path's ends and samples belong to the old one."""
        for view in (self.ae_view, self.pca_view):
            view.clear_marks()
        for inspector in self.inspectors:
            inspector.hide_card()
        self.recent = []
        self.selection.clear()
        self.path_codes = None
        self.path_item.setData([], [])
        self.clear_generated()

    @property
    def space(self):  # AutoencoderSpace | None; untyped until each tool narrows it
        return self.state.ae_space

    @property
    def shown(self) -> Dataset:
        """The samples on show: the tools run once a dataset is open, so there is one."""
        shown = self.state.shown
        assert shown is not None, "no dataset is open"
        return shown

    def space_changed(self) -> None:
        """The window rebuilt `ae_space` (new model, snapshot or dataset): keep every tool in step."""
        space = self.space
        if space is None:
            return
        for inspector in self.inspectors:
            inspector.card.hide()  # its point may have moved or gone
        names = self._class_names()
        if names != getattr(self, "_names", None):
            self._names = names
            self.traversal.set_classes(names)
            self.interpolation.set_classes(names)
            self.recent = []
        self._refresh_panels()
        self.trust.update(space.codes, space.points, self.state.training)
        self._feed_overlay()
        self.generated_codes = None
        self.generated_item.setData([], [])
        if self.state.projection != space.projection.method:
            if self.state.training:
                self.projection.note.setText(f"Showing PCA while training; {METHOD_TITLES[self.state.projection]} "
                                             "runs again when training stops.")
            elif self.task is None:
                self._start_projection(self.state.projection)
        self.update_path()
        if self.tabs.currentWidget() is self.denoise:
            self.update_denoise()

    def _refresh_panels(self) -> None:
        """Slider ranges and the mapping readout. Skipped while the dock is hidden (e.g. behind the
        Settings tab during training, when snapshots arrive twice a second) and done when it shows."""
        space = self.space
        if space is None:
            return
        if not self.isVisible() or self.visibleRegion().isEmpty():  # a tab behind another stays "visible"
            self._panels_stale = True
            return
        self._panels_stale = False
        codes = space.codes
        spread = codes.std(axis=0) if len(codes) else np.ones(space.latent_dim)
        centre = codes.mean(axis=0) if len(codes) else np.zeros(space.latent_dim)
        lo, hi = codes.min(axis=0) if len(codes) else centre - 3, codes.max(axis=0) if len(codes) else centre + 3
        pad = 0.25 * np.maximum(spread, 1e-3)
        self.traversal.set_ranges(np.stack([lo - pad, hi + pad], axis=1))
        self._show_mapping()

    def _class_names(self) -> list[str]:
        shown = self.state.shown
        if shown is None or shown.y is None or not len(shown.y):
            return []
        return [shown.class_name(i) for i in range(int(shown.y.max()) + 1)]

    # --- projection ---------------------------------------------------------------------------------
    def choose_method(self, method: str) -> None:
        self.state.projection = method
        ok, _ = self.projection.availability[method]
        if not ok or self.space is None:
            return
        if self.task is not None:
            self.cancel_projection()
        if method == self.space.projection.method:
            return
        self._start_projection(method)

    def _start_projection(self, method: str) -> None:
        if self.space is None or not self.projection.availability[method][0]:
            return
        if method == "pca" or projection_fallback(method, self.space.latent_dim):
            self._adopt(fit_embedding(method, self.space.codes))  # instant; a code too narrow falls back to its plane
            return
        codes = self.space.codes
        task = BackgroundTask(run_projection, method, codes, takes_progress=True, intermediate=self._relay.frame.emit)
        self.task = task
        self.projection.set_running(True, f"{METHOD_TITLES[method]}… %p%")
        task.progressed.connect(self.projection.set_progress)
        task.succeeded.connect(lambda emb, t=task, c=codes: self._projection_done(t, emb, c))
        task.failed.connect(lambda _message, t=task: setattr(t, "failed_on", codes))
        task.finished.connect(lambda t=task: self._task_finished(t))
        self.start_task(task)

    def cancel_projection(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _task_finished(self, task: BackgroundTask) -> None:
        if self.task is not task:
            return
        self.task = None
        self.projection.set_running(False)
        space, w = self.space, self.state
        if space is None:
            return
        failed_on = getattr(task, "failed_on", None)
        if task.cancel_event.is_set() or failed_on is space.codes:
            # Put back the picture the intermediate frames replaced, and the selector says what is shown again.
            # A failure on these codes is not retried: it would fail (and report) again, endlessly.
            self.ae_view.set_points(space.points, self.shown.y, self.shown.class_names)
            self.state.projection = space.projection.method
            combo = self.projection.method
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(self.state.projection))
            combo.blockSignals(False)
            self.projection.note.setText("Cancelled." if failed_on is None else
                                         f"{METHOD_TITLES[task.args[0]]} failed; showing "
                                         f"{METHOD_TITLES[space.projection.method]}.")
        elif space.projection.method != self.state.projection and not w.training:
            self._start_projection(self.state.projection)  # the codes changed while it ran: run on the new ones

    def _show_frame(self, points: np.ndarray) -> None:
        """A t-SNE layout in progress: draw it (the probe keeps decoding through the previous map)."""
        if self.task is not None and self.state.shown is not None and len(points) == len(self.state.shown):
            self.ae_view.set_points(points, self.state.shown.y, self.state.shown.class_names)

    def _projection_done(self, task: BackgroundTask, embedding, codes: np.ndarray) -> None:
        if embedding is None or self.space is None or self.space.codes is not codes:
            return  # cancelled, or the model moved on meanwhile (space_changed starts a fresh run)
        self._adopt(embedding)

    def _adopt(self, embedding) -> None:
        """Show the codes through `embedding`; the probe keeps its code."""
        w = self.state
        code = self.space.code_at(self.ae_view.probe_position())
        w.ae_space = self.space.with_embedding(embedding)
        self.ae_view.setTitle(f"Autoencoder · {embedding.label}")
        if embedding.note:
            self.projection.note.setText(embedding.note)
        self.ae_view.set_points(w.ae_space.points, self.shown.y, self.shown.class_names)
        self.ae_view.follow_data()
        self.trust.update(w.ae_space.codes, w.ae_space.points, w.training)
        self._feed_overlay()
        if w.selected is not None:
            self.ae_view.set_highlight(w.selected)
        self.ae_view.set_probe(w.ae_space.place(code)[0])
        self._show_mapping()
        self.update_path()
        if self.generated_codes is not None:
            self._mark_generated()
        self.show_status(f"Latent view: {embedding.label}", 6000)

    def _show_mapping(self) -> None:
        if self.space is not None:
            proj = self.space.projection
            self.projection.show_mapping(proj.label, proj.inverse_label)
            self._show_probe_trust(self.ae_view.probe_position())

    def _show_probe_trust(self, xy: np.ndarray) -> None:
        """How far the probe is from the data; for t-SNE/UMAP also how well the picture keeps neighbourhoods there."""
        space = self.space
        if space is None:
            return
        kept = self.trust.kept_near(xy) if space.projection.method != "pca" else None
        self.projection.show_trust(space.projection.trust(xy), kept)

    # --- probe and traversal --------------------------------------------------------------------------
    def _probe_moved(self, xy: np.ndarray) -> None:
        if self.space is None:
            return
        xy = np.asarray(xy, np.float64)
        code = self.space.code_at(xy)
        self.traversal.set_code(code)
        self._base_code = None
        self._show_probe_trust(xy)

    def show_code(self, code: np.ndarray) -> None:
        """Decode an exact code (slider, attribute, animation) and put the probe where it lands."""
        space = self.space
        if space is None:
            return
        code = np.asarray(code, np.float32)
        xy = space.place(code)[0]
        with self.state.events.ae_probe.blocked():  # the probe lands here, but the decode is of `code` itself
            self.state.set_probe("ae", xy)
        self.ae_view.set_probe(xy, emit=False)
        self.decoder.show_ae(lambda: space.decode_code(code),
                             f"code {np.array2string(code[:3], precision=2)}{'…' if len(code) > 3 else ''}")
        self._show_probe_trust(xy)

    def _apply_attribute(self, towards: int, away_from: int, strength: float) -> None:
        if self.space is None or self.shown.y is None or towards == away_from:
            return
        if self._base_code is None:
            self._base_code = self.space.code_at(self.ae_view.probe_position())
        try:
            vec = attribute_vector(self.space.codes, self.shown.y, towards, away_from)
        except ValueError as exc:
            self.show_status(str(exc), 6000)
            return
        code = self._base_code + strength * vec
        self.traversal.set_code(code)
        self.show_code(code)

    # --- interpolation --------------------------------------------------------------------------------
    def _remember_selection(self, index: int) -> None:
        QTimer.singleShot(0, self.update_denoise)  # after the window has taken the selection
        self.recent = [i for i in self.recent if i != index][-1:] + [int(index)]
        if self.interpolation.ends.currentData() == "selected":
            self.update_path()

    def path_ends(self) -> tuple[np.ndarray, np.ndarray, str] | None:
        space, panel = self.space, self.interpolation
        if space is None:
            return None
        if panel.ends.currentData() == "classes":
            y = self.shown.y
            a, b = panel.class_a.currentData(), panel.class_b.currentData()
            if y is None or a is None or b is None:
                return None
            try:
                return class_mean(space.codes, y, a), class_mean(space.codes, y, b), \
                    f"mean of {panel.class_a.currentText()} → mean of {panel.class_b.currentText()}"
            except ValueError:
                return None
        if len(self.recent) < 2:
            return None
        i, j = self.recent[-2:]
        return space.codes[i], space.codes[j], f"sample #{i} → sample #{j}"

    def update_path(self) -> None:
        ends = self.path_ends()
        panel = self.interpolation
        if ends is None:
            self.path_codes = None
            self.path_item.setData([], [])
            panel.strip.set_pixels(None)
            panel.status.setText("Click two points in a scatter to set the ends." if
                                 panel.ends.currentData() == "selected" else "Pick two classes.")
            return
        a, b, text = ends
        self.path_codes = interpolate(a, b, panel.steps.value(), panel.kind.currentData())
        xy = self.space.place(self.path_codes)
        self.path_item.setData(xy[:, 0], xy[:, 1])
        decoded = self.space.decode_codes(self.path_codes)
        n = len(decoded)
        cols = n if n <= 5 else 5
        panel.strip.set_pixels(mosaic(decoded, int(np.ceil(n / cols)), self.shown.sample_shape, cols, gap=1))
        panel.status.setText(f"{panel.kind.currentText()} path, {n} steps: {text}")
        self._frame = 0

    def _play(self, on: bool) -> None:
        if on and self.path_codes is not None:
            self._play_timer.start()
        else:
            self._play_timer.stop()
            if on:
                self.interpolation.play_button.setChecked(False)

    def _next_frame(self) -> None:
        if self.path_codes is None:
            self.interpolation.play_button.setChecked(False)
            return
        n = len(self.path_codes)
        i = self._frame % (2 * n - 2) if n > 1 else 0
        step = i if i < n else 2 * n - 2 - i  # there and back again
        self._frame += 1
        self.traversal.set_code(self.path_codes[step])
        self.show_code(self.path_codes[step])

    # --- manifold grid --------------------------------------------------------------------------------
    def _manifold_toggled(self, on: bool) -> None:
        if self.space is not None:
            self._feed_overlay()
        self.overlay.set_active(on)

    def _feed_overlay(self) -> None:
        space = self.space
        kind = getattr(getattr(space.model, "config", None), "kind", "ae")
        self.overlay.set_model_info(space.codes, kind, lambda x: encode_array(space.model, x))
        self.overlay.set_source(space.decode_codes, space.code_at, space.data.sample_shape)

    # --- denoising -------------------------------------------------------------------------------------
    def update_denoise(self) -> None:
        """Corrupt the selected sample (or the first) and show what the autoencoder makes of it."""
        space, w, panel = self.space, self.state, self.denoise
        if space is None or w.shown is None or not len(w.shown):
            return
        i = w.selected if w.selected is not None else 0
        shape = w.shown.sample_shape
        x = w.shown.x[i]
        bad = corrupt(x, shape, panel.kind.currentData(), panel.amount.value() / 100.0, seed=i)
        restored = reconstruct_array(space.model, bad[None])[0] if hasattr(space.model, "config") else \
            space.decode_code(encode_array(space.model, bad[None])[0])
        panel.original.set_sample(x, shape, f"#{i}")
        panel.corrupted.set_sample(bad, shape, f"MSE {sample_error(x, bad):.4f}")
        panel.restored.set_sample(restored, shape, f"MSE {sample_error(x, restored):.4f} to original")
        clean = space.reconstruction(i)
        panel.clean.set_sample(clean, shape, f"MSE {sample_error(x, clean):.4f}")
        closer = "closer to the original than" if sample_error(x, restored) < sample_error(x, bad) else "no closer than"
        panel.note.setText(f"Sample #{i}: the reconstruction of the corrupted input is {closer} the corrupted input.")

    # --- hover and selection -------------------------------------------------------------------------
    def _describe(self, index: int) -> tuple[np.ndarray, str]:
        shown = self.shown
        label = "" if shown.y is None else f" · {shown.class_name(int(shown.y[index]))}"
        return to_pixels(shown.x[index], shown.sample_shape), f"#{index}{label}"

    def _selection_shape(self, *_: object) -> None:
        for inspector in self.inspectors:
            inspector.shape = self.selection.shape.currentData()

    def _box_selected(self, indices: np.ndarray) -> None:
        """A box or lasso in either view: ring the samples in both, list them in the Select tab."""
        shown = self.shown
        for view in (self.ae_view, self.pca_view):
            view.set_selection(indices)
        self.selection.show_selection(indices, shown.x, shown.y, shown.class_names)
        self.tabs.setCurrentWidget(self.selection)

    # --- generation -----------------------------------------------------------------------------------
    def generate(self) -> None:
        space = self.space
        if space is None:
            return
        kind = getattr(getattr(space.model, "config", None), "kind", "ae")
        sampler = CodeSampler.for_model(kind, space.codes)
        n = self.generation.count.value()
        self.generated_codes = sampler.sample(n, seed=self.generation.seed.value())
        self.generation.seed.setValue(self.generation.seed.value() + 1)
        decoded = space.decode_codes(self.generated_codes)
        cols = int(np.ceil(np.sqrt(n)))
        self.generation.gallery.set_pixels(mosaic(decoded, int(np.ceil(n / cols)), space.data.sample_shape, cols,
                                                  gap=1))
        why = "the model was trained towards it" if kind in ("vae", "aae") else f"a {kind} autoencoder has no prior"
        self.generation.source.setText(f"{n} codes from the {sampler.source} ({why}); stars mark where they land.")
        self._mark_generated()

    def _mark_generated(self) -> None:
        xy = self.space.place(self.generated_codes)
        self.generated_item.setData(x=xy[:, 0], y=xy[:, 1])

    def clear_generated(self) -> None:
        self.generated_codes = None
        self.generated_item.setData([], [])
        self.generation.gallery.set_pixels(None)
        self.generation.source.setText("")
