"""View ▸ Compare models…: the comparison grid in its own window, on the dataset the main window shows.

It starts with the window's model (a copy, so training here cannot change it under the grid) and PCA
with as many components as that model's code; more checkpoints and PCAs are added from the grid.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.session.compare import Contender
from aeviewer.gui.panels.compare_panel import ComparePanel
from aeviewer.gui.workers.background import BackgroundTask

if TYPE_CHECKING:
    from collections.abc import Callable

    from aeviewer.gui.app.main_window import MainWindow


class CompareWindow(QWidget):
    """A window (owned by the main window, so it closes with it) holding one ComparePanel."""

    def __init__(self, dataset: Dataset, start_task: Callable[[BackgroundTask], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(f"aeviewer — compare models on {dataset.name}")
        self.resize(1200, 900)
        self.panel = ComparePanel(dataset, start_task, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.panel)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
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
        contender = Contender.from_model("this window's model", copy.deepcopy(model))
        window.panel.add_contender(contender)
        k = contender.latent_dim
    window.panel.add_pca(max(1, min(k, dataset.n_features)))
    window.show()
    return window
