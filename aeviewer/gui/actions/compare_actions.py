"""View ▸ Compare models…: the comparison grid in its own window, on the dataset the main window shows.

It starts with the window's model (a copy, so training here cannot change it under the grid) and PCA
with as many components as that model's code; more checkpoints and PCAs are added from the grid. While a
run here trains, that first cell and its table row follow the training snapshots (at most every
`LIVE_EVERY_S`, and never while the table is still being computed); when the run ends, or another model
is opened, they follow the model.
"""

from __future__ import annotations

import copy
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget
from shiboken6 import isValid

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.session.compare import Contender
from aeviewer.core.state import ExplorerState, Status
from aeviewer.gui.panels.compare_panel import ComparePanel
from aeviewer.gui.workers.background import BackgroundTask

if TYPE_CHECKING:
    from collections.abc import Callable

    from aeviewer.gui.app.main_window import MainWindow


LIVE_NAME = "this window's model"


def live_contender(model: object) -> Contender:
    """The window's model as a grid entry: a copy, so a training run here cannot change it under the grid."""
    return Contender.from_model(LIVE_NAME, copy.deepcopy(model))


class CompareWindow(QWidget):
    """A window (owned by the main window, so it closes with it) holding one ComparePanel."""

    def __init__(self, dataset: Dataset, start_task: Callable[[BackgroundTask], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.state: ExplorerState | None = None
        self.setWindowTitle(f"aeviewer — compare models on {dataset.name}")
        self.resize(1200, 900)
        self.panel = ComparePanel(dataset, start_task, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.panel)

    LIVE_EVERY_S = 2.0  # while training: how often the first cell and its row follow the snapshots

    def follow(self, state: ExplorerState) -> None:
        """Keep the first cell on the window's model: its training snapshots, then the model a run ends with
        or another one opened."""
        self.state = state
        self._live_at = float("-inf")
        state.events.status.connect(self._status_changed)
        state.events.model.connect(self._model_changed)
        state.events.ae_space.connect(self._snapshot_arrived)

    def _snapshot_arrived(self, *_: object) -> None:
        """A training snapshot (an eval-mode copy of the model): the table is "updated as models train"."""
        state = self.state
        if state is None or not state.training or self.panel.task is not None:
            return
        now = time.monotonic()
        model = getattr(state.ae_space, "model", None)
        if model is None or now - self._live_at < self.LIVE_EVERY_S:
            return
        self._live_at = now
        self._refresh_live(model)

    def _status_changed(self, new: Status, old: Status) -> None:
        if old in (Status.TRAINING, Status.PAUSED) and new is Status.IDLE:
            self._refresh_live()

    def _model_changed(self, *_: object) -> None:
        if self.state is not None and not self.state.training:
            self._refresh_live()

    def _refresh_live(self, model: object | None = None) -> None:
        """The first cell on `model` (a snapshot), else on the window's model."""
        if not isValid(self) or not self.isVisible():  # deleted with the main window, or closed
            return
        state, panel = self.state, self.panel
        if state is None or state.dataset is not panel.dataset:
            return
        model = state.model if model is None else model
        live = [i for i, space in enumerate(panel.spaces) if space.name == LIVE_NAME]
        if live and model is not None:
            panel.replace_contender(live[0], live_contender(model))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.state is not None:
            self.state.events.status.disconnect(self._status_changed)
            self.state.events.model.disconnect(self._model_changed)
            self.state.events.ae_space.disconnect(self._snapshot_arrived)
            self.state = None
        self.panel.close_work()
        super().closeEvent(event)


def open_compare_window(w: MainWindow) -> CompareWindow | None:
    """Open the grid on the window's dataset, seeded with its model (when one is there) and PCA."""
    dataset = w.state.dataset
    if dataset is None:
        w.statusBar().showMessage("Open a dataset first: the models are compared on it.", 8000)
        return None
    window = CompareWindow(dataset, w.start_task, w)
    model = w.state.model
    k = 2
    if model is not None and not w.state.training:
        contender = live_contender(model)
        window.panel.add_contender(contender)
        k = contender.latent_dim
    window.panel.add_pca(max(1, min(k, dataset.n_features)))
    window.follow(w.state)
    window.show()
    return window
