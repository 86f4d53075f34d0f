"""Puts a dataset and a model into the state and the views: both scatters, the PCA baseline, selection, comparison.

The window builds one `Explorer`; file actions, sessions, training and run following call it to show what
they loaded. Probe pictures are the ProbeDecoder's; the selection follows `state.events.selected`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
from PySide6.QtCore import QObject

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.latent.embedding import Embedding
from aeviewer.core.latent.spaces import AutoencoderSpace, DatasetBaseline, pca_error_at, sample_error, shown_samples
from aeviewer.core.models import build_model
from aeviewer.core.shapes import format_shape
from aeviewer.gui.workers.background import BackgroundTask

if TYPE_CHECKING:
    from aeviewer.gui.app.main_window import MainWindow


class Explorer(QObject):
    """Shows datasets, models and snapshots of a training model in one window's views."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w, self.state = window, window.state
        self._pca_errors: dict[int, float] = {}
        self.state.events.selected.connect(self._show_selection)

    def set_dataset(self, dataset: Dataset, baseline: DatasetBaseline | None = None,
                    baseline_later: bool = False) -> None:
        """Show a dataset with a fresh model for it (from the panel's settings).

        `baseline`, computed with the load in a background thread, saves the window the PCA fits. With
        `baseline_later` (the app's start) the autoencoder side is ready at once and PCA is fitted in the
        background: importing scikit-learn alone takes ~0.9 s.
        """
        w, state, panel = self.w, self.state, self.w.settings_panel
        if baseline is not None and baseline.dataset is not dataset:
            baseline = None
        if baseline is None and not baseline_later:
            baseline = DatasetBaseline.compute(dataset)
        with state.events.selected.blocked():
            state.selected = None
        state.dataset = dataset
        state.shown = baseline.shown if baseline is not None else shown_samples(dataset)
        self._pca_errors = {}
        w.samples.clear_selection()
        n_test = len(dataset.split(test=True))
        panel.dataset_label.setText(f"<b>{dataset.name}</b><br>{len(dataset):,} samples of "
                                    f"{format_shape(dataset.sample_shape)}<br>"
                                    f"{len(dataset) - n_test:,} train · {n_test:,} held out")
        if dataset.image_shape is None and panel.backbone.currentData() == "conv":
            panel.backbone.setCurrentIndex(panel.backbone.findData("mlp"))
        self._show_baseline(baseline)
        try:
            self.set_model(build_model(panel.model_config(dataset.sample_shape), seed=0), history=[])
        except ValueError as exc:
            w.show_error(f"Cannot build that model for {dataset.name}: {exc}")
        w.setWindowTitle(f"aeviewer — {dataset.name}")
        if baseline is None:
            task = BackgroundTask(DatasetBaseline.compute, dataset, (panel.latent.value(),), shown=state.shown)
            task.succeeded.connect(self._baseline_ready)
            w.start_task(task)  # connected first: a quick fit's result is not lost

    def _show_baseline(self, baseline: DatasetBaseline | None) -> None:
        """The PCA side: its plane and errors, or an empty view saying it is being fitted."""
        view, state = self.w.pca_view, self.state
        state.pca_space = None if baseline is None else baseline.pca_space
        if baseline is None or state.pca_space is None or state.shown is None:
            view.setTitle("PCA (linear baseline) · fitting…")
            view.set_points(np.zeros((0, 2), np.float32), None)
            view.probe.hide()
            self.w.samples.comparison.setText("Fitting the PCA baseline…")
            return
        self._pca_errors.update(baseline.pca_errors)
        view.setTitle("PCA (linear baseline)")
        view.probe.show()
        view.set_points(state.pca_space.points, state.shown.y, state.shown.class_names)
        view.follow_data()
        view.set_probe(state.pca_space.points.mean(axis=0))

    def _baseline_ready(self, baseline: DatasetBaseline) -> None:
        if baseline.dataset is not self.state.dataset or baseline.shown is not self.state.shown:
            return  # another dataset was opened meanwhile
        self._show_baseline(baseline)
        self.update_comparison()
        self._show_selection()

    def set_model(self, model: torch.nn.Module, history: list[dict[str, float]] | None = None) -> None:
        state, w = self.state, self.w
        state.model = model
        state.formation = None  # a replay belongs to the model it was kept for (a session brings its own after)
        if history is not None:
            state.history = list(history)
        w.loss_plot.clear_curves()
        for step, losses in enumerate(state.history, start=1):
            w.loss_plot.add(step, losses)
        self.show_snapshot(model, None)
        w.decoder.time_model()
        w.ae_view.follow_data()
        if state.ae_space is not None:
            w.ae_view.set_probe(state.ae_space.points.mean(axis=0))
        self.update_comparison()
        if hasattr(w, "presentation"):
            w.presentation.restyle()

    def show_snapshot(self, model: torch.nn.Module, codes: np.ndarray | None, plane: Embedding | None = None,
                      errors: np.ndarray | None = None) -> None:
        """Put a (snapshot of the) model's codes in the latent view and redecode at the probe; a snapshot that
        brings the samples' errors (the first after each epoch) also updates the AE-vs-PCA line."""
        state, view = self.state, self.w.ae_view
        if state.shown is None:
            return
        space = state.ae_space = AutoencoderSpace.build(model, state.shown, codes, plane, errors)
        view.setTitle(f"Autoencoder · {space.projection.label}")
        view.set_points(space.points, state.shown.y, state.shown.class_names)
        self.w.decoder.queue("ae", view.probe_position())
        self._show_selection()
        if hasattr(self.w, "explore"):
            self.w.explore.space_changed()
        if errors is not None:
            self.update_comparison()

    def select_sample(self, index: int) -> None:
        """Highlight sample `index` in both views, move both probes onto it and show it three ways."""
        state = self.state
        if state.ae_space is not None:
            self.w.ae_view.set_probe(state.ae_space.points[index])
        if state.pca_space is not None:
            self.w.pca_view.set_probe(state.pca_space.points[index])
        if state.selected == int(index):
            self._show_selection()
        state.selected = int(index)

    def _show_selection(self, *_: object) -> None:
        i, shown, samples = self.state.selected, self.state.shown, self.w.samples
        if i is None or shown is None:
            return
        shape = shown.sample_shape
        label = "" if shown.y is None else f", label {shown.class_name(int(shown.y[i]))}"
        samples.sample_box.setTitle(f"Selected sample #{i}{label}")
        samples.original.set_sample(shown.x[i], shape, "")
        for pane, space in ((samples.ae_recon, self.state.ae_space), (samples.pca_recon, self.state.pca_space)):
            if space is None:  # PCA still being fitted: it fills in when ready
                continue
            recon = space.reconstruction(i)
            pane.set_sample(recon, shape, f"MSE {sample_error(shown.x[i], recon):.4f}")
        self.w.ae_view.set_highlight(i)
        self.w.pca_view.set_highlight(i)

    def update_comparison(self) -> None:
        state = self.state
        if state.ae_space is None or state.dataset is None or state.pca_space is None or state.shown is None:
            return  # without PCA there is nothing to compare with yet (see _baseline_ready)
        k = state.ae_space.latent_dim
        if k not in self._pca_errors:
            self._pca_errors[k] = pca_error_at(state.dataset.split(test=False), state.shown, k)
        self.w.samples.show_comparison(float(state.ae_space.errors().mean()), self._pca_errors[k], k)
