"""The comparison grid: 2–4 models (checkpoints, your own, PCA) on one dataset, in linked latent views.

Each cell has its own probe and decoded picture. Selecting samples (click, Shift+drag box or lasso, a
class) highlights them in every cell; hovering a point marks it in every cell; two clicked samples give
an interpolation in every model's own space, one strip per model. The comparison table
(`core.session.compare`) is computed off the GUI thread whenever the models change.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.images import to_pixels
from aeviewer.core.errors import AeviewerError
from aeviewer.core.latent.manifold import mosaic
from aeviewer.core.latent.spaces import shown_samples
from aeviewer.core.session.compare import ComparedSpace, ComparisonRow, Contender, compare, load_contender
from aeviewer.gui.views.compare_cell import CompareCell
from aeviewer.gui.views.scatter_tools import ScatterInspector
from aeviewer.gui.workers.background import BackgroundTask

MAX_MODELS = 4
PATH_STEPS = 8
TABLE_COLUMNS = (("name", "model"), ("mse", "MSE"), ("kl", "KL"), ("active_dims", "active"),
                 ("knn_accuracy", "5-NN acc."), ("trustworthiness", "trust"), ("continuity", "continuity"),
                 ("preservation", "kept"), ("prior_distance", "to prior"))


def _cell_text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


class ComparePanel(QWidget):
    """The grid, its controls and the table. `table_updated` fires with the rows once they are computed."""

    table_updated = Signal(object)  # list[ComparisonRow]

    def __init__(self, dataset: Dataset, start_task: Callable[[BackgroundTask], object] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dataset = dataset
        self.shown = shown_samples(dataset)
        self.start_task = start_task or (lambda task: task.start())
        self.spaces: list[ComparedSpace] = []
        self.cells: list[CompareCell] = []
        self.inspectors: list[ScatterInspector] = []
        self.selected = np.zeros(0, dtype=int)
        self.recent: list[int] = []  # the last two clicked samples: the interpolation's ends
        self.rows: list[ComparisonRow] = []
        self._row_of: dict[int, ComparisonRow] = {}  # id(contender) → its row: the models here do not change
        self.task: BackgroundTask | None = None
        self._table_request = 0
        self._pending: dict[int, np.ndarray] = {}  # cell → newest probe position, decoded once per loop pass
        self._decode_timer = QTimer(self, singleShot=True, interval=0)
        self._decode_timer.timeout.connect(self.decode_pending)

        self.add_model_button = QPushButton("Add model…")
        self.pca_k = QSpinBox(minimum=1, maximum=max(1, min(64, dataset.n_features)), value=2, prefix="PCA k = ")
        self.add_pca_button = QPushButton("Add PCA")
        self.remove_button = QPushButton("Remove last")
        self.class_select = QComboBox()
        self.class_select.addItem("Select a class…", None)
        if dataset.y is not None:
            for label in np.unique(self.shown.y if self.shown.y is not None else []):
                self.class_select.addItem(f"class {dataset.class_name(int(label))}", int(label))
        self.attr_towards, self.attr_away = QComboBox(), QComboBox()
        for combo in (self.attr_towards, self.attr_away):
            for label in np.unique(self.shown.y) if self.shown.y is not None else []:
                combo.addItem(dataset.class_name(int(label)), int(label))
        if self.attr_away.count() > 1:
            self.attr_away.setCurrentIndex(1)
        self.attr_button = QPushButton("Move every probe by A − B")
        self.attr_button.setToolTip("Each model's own attribute vector: the mean code of class A minus that of "
                                    "class B, added to its probe's code")
        self.status = QLabel("Add 2 to 4 models. Click, Shift+drag or pick a class to select; click two points "
                             "for a path in every model.")
        self.status.setWordWrap(True)
        bar = QHBoxLayout()
        for widget in (self.add_model_button, self.pca_k, self.add_pca_button, self.remove_button, self.class_select):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(QLabel("A"))
        bar.addWidget(self.attr_towards)
        bar.addWidget(QLabel("B"))
        bar.addWidget(self.attr_away)
        bar.addWidget(self.attr_button)
        self.grid = QGridLayout()
        self.grid.setSpacing(4)
        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setHorizontalHeaderLabels([title for _key, title in TABLE_COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + MAX_MODELS * self.table.verticalHeader().defaultSectionSize() + 6)
        self.table_note = QLabel("")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addLayout(self.grid, 1)
        layout.addWidget(self.table_note)
        layout.addWidget(self.table)

        self.add_model_button.clicked.connect(self.add_model_dialog)
        self.add_pca_button.clicked.connect(lambda: self.add_pca(self.pca_k.value()))
        self.remove_button.clicked.connect(self.remove_last)
        self.class_select.currentIndexChanged.connect(self._class_chosen)
        self.attr_button.clicked.connect(self.apply_attribute)
        self.attr_button.setEnabled(self.shown.y is not None)
        self._update_buttons()

    # --- models -------------------------------------------------------------------------------------
    def add_contender(self, contender: Contender) -> CompareCell | None:
        """Add one model's cell (None, with a message, when the grid is full)."""
        if len(self.spaces) >= MAX_MODELS:
            self.status.setText(f"The grid holds at most {MAX_MODELS} models: remove one first.")
            return None
        space = ComparedSpace.build(contender, self.shown)
        cell = CompareCell(f"{contender.name} · {space.embedding.label}")
        cell.view.set_points(space.points, self.shown.y, self.shown.class_names)
        cell.view.set_probe(space.points.mean(axis=0) if len(space.points) else np.zeros(2), emit=False)
        index = len(self.cells)
        cell.view.probe_moved.connect(lambda xy, i=index: self.queue_decode(i, xy))
        cell.view.probe_released.connect(lambda xy, i=index: self.queue_decode(i, xy))
        cell.view.point_clicked.connect(self.click_sample)
        cell.hovered.connect(self.show_hover)
        inspector = ScatterInspector(cell.view, self._describe)
        inspector.selected.connect(self.select)
        self.spaces.append(space)
        self.cells.append(cell)
        self.inspectors.append(inspector)
        self._place_cells()
        self.queue_decode(index, cell.view.probe_position())
        cell.show_selection(self.selected)
        self._update_path()
        self._update_buttons()
        self.refresh_table()
        return cell

    def replace_contender(self, index: int, contender: Contender) -> None:
        """Show another model in cell `index` (the window's model after a training run): new points, new row."""
        space = ComparedSpace.build(contender, self.shown)
        self.spaces[index] = space
        cell = self.cells[index]
        cell.view.setTitle(f"{contender.name} · {space.embedding.label}")
        cell.view.set_points(space.points, self.shown.y, self.shown.class_names)
        cell.show_selection(self.selected)
        self.queue_decode(index, cell.view.probe_position())
        self._update_path()
        self.refresh_table()

    def add_checkpoint(self, path: str | Path) -> CompareCell | None:
        try:
            contender = load_contender(path, self.dataset)
        except AeviewerError as exc:
            self.status.setText(f"<span style='color:#c0392b'>{exc}</span>")
            return None
        return self.add_contender(contender)

    def add_pca(self, k: int) -> CompareCell | None:
        try:
            contender = Contender.from_pca(self.dataset.split(test=False), k)
        except AeviewerError as exc:
            self.status.setText(f"<span style='color:#c0392b'>{exc}</span>")
            return None
        return self.add_contender(contender)

    def add_model_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Add a model to compare", str(Path.home()),
                                              "Models (*.safetensors *.pt *.pth)")
        if path:
            self.add_checkpoint(path)

    def remove_last(self) -> None:
        if not self.cells:
            return
        cell = self.cells.pop()
        self.spaces.pop()
        self.inspectors.pop()
        self._pending.pop(len(self.cells), None)
        self.grid.removeWidget(cell)
        cell.setParent(None)
        cell.deleteLater()
        self._update_buttons()
        self.refresh_table()

    def _place_cells(self) -> None:
        cols = 1 if len(self.cells) == 1 else 2
        for i, cell in enumerate(self.cells):
            self.grid.addWidget(cell, i // cols, i % cols)

    def _update_buttons(self) -> None:
        full = len(self.cells) >= MAX_MODELS
        self.add_model_button.setEnabled(not full)
        self.add_pca_button.setEnabled(not full)
        self.remove_button.setEnabled(bool(self.cells))

    # --- probes -------------------------------------------------------------------------------------
    def queue_decode(self, index: int, xy: object) -> None:
        """Keep the newest position per cell; a burst of moves becomes one decode per event-loop pass."""
        self._pending[index] = np.asarray(xy, dtype=np.float64)
        if not self._decode_timer.isActive():
            self._decode_timer.start()

    def decode_pending(self) -> None:
        self._decode_timer.stop()
        pending, self._pending = self._pending, {}
        for index, xy in pending.items():
            if index < len(self.spaces):
                self.decode_cell(index, xy)

    def decode_cell(self, index: int, xy: np.ndarray) -> None:
        """Decode the cell's probe in its own model (an MLP decode takes well under a millisecond: on this thread)."""
        space, cell = self.spaces[index], self.cells[index]
        sample = space.decode_at(xy)
        cell.decoded.set_sample(sample, self.shown.sample_shape, f"({xy[0]:.2f}, {xy[1]:.2f})")

    # --- linked selection and hover ---------------------------------------------------------------------
    def click_sample(self, index: int) -> None:
        self.recent = [i for i in self.recent if i != index][-1:] + [int(index)]
        self.select(np.array([index]))
        self._update_path()

    def select(self, indices: np.ndarray) -> None:
        """Highlight these samples in every cell."""
        self.selected = np.asarray(indices, dtype=int)
        for cell in self.cells:
            cell.show_selection(self.selected)
        self.status.setText(f"{len(self.selected)} sample(s) selected, highlighted in every model.")

    def _class_chosen(self, *_: object) -> None:
        label = self.class_select.currentData()
        if label is not None and self.shown.y is not None:
            self.select(np.flatnonzero(self.shown.y == label))

    def show_hover(self, index: int | None) -> None:
        """The point under the mouse in one cell, marked in all of them."""
        for cell in self.cells:
            cell.show_hover(index)

    def _describe(self, index: int) -> tuple[np.ndarray, str]:
        label = "" if self.shown.y is None else f" · {self.shown.class_name(int(self.shown.y[index]))}"
        return to_pixels(self.shown.x[index], self.shown.sample_shape), f"#{index}{label}"

    # --- interpolation --------------------------------------------------------------------------------
    def _update_path(self) -> None:
        """Between the last two clicked samples, in every model's own space: one strip per model."""
        if len(self.recent) < 2:
            for cell in self.cells:
                cell.show_path(None, None)
            return
        i, j = self.recent[-2:]
        for space, cell in zip(self.spaces, self.cells, strict=True):
            codes, decoded = space.path(i, j, PATH_STEPS)
            strip = mosaic(np.asarray(decoded).reshape(len(decoded), *self.shown.sample_shape), 1,
                           self.shown.sample_shape, len(decoded), gap=1)
            cell.show_path(space.place(codes), strip)
            cell.note.setText(f"path #{i} → #{j} in {space.name}'s own {space.contender.latent_dim}-D space")

    # --- attribute vectors ------------------------------------------------------------------------------
    def apply_attribute(self) -> None:
        """Add each model's own "class A − class B" vector to its probe's code, and decode that exact code."""
        towards, away = self.attr_towards.currentData(), self.attr_away.currentData()
        if self.shown.y is None or towards is None or away is None or towards == away:
            self.status.setText("Pick two different classes A and B.")
            return
        for space, cell in zip(self.spaces, self.cells, strict=True):
            code = space.embedding.from_plane(cell.view.probe_position()) + space.attribute(self.shown.y, towards, away)
            cell.view.set_probe(space.place(code[None])[0], emit=False)
            cell.decoded.set_sample(space.contender.decode_one(code), self.shown.sample_shape,
                                    f"probe + ({self.attr_towards.currentText()} − {self.attr_away.currentText()})")
        self.status.setText(f"Each probe moved by its own model's {self.attr_towards.currentText()} − "
                            f"{self.attr_away.currentText()} vector.")

    # --- the table --------------------------------------------------------------------------------------
    def refresh_table(self) -> None:
        """Recompute the table off the GUI thread; only the newest request's rows are shown."""
        self._table_request += 1
        contenders = [space.contender for space in self.spaces]
        missing = [c for c in contenders if id(c) not in self._row_of]
        if not missing:
            self._show_rows([], self._table_request)
            return
        self.table_note.setText(f"Computing the table of {len(missing)} model(s) on {self.dataset.name}'s "
                                "held-out samples…")
        task = BackgroundTask(compare, missing, self.dataset)
        request = self._table_request
        task.succeeded.connect(lambda rows, r=request, m=missing: self._show_rows(list(zip(m, rows, strict=True)), r))
        task.failed.connect(lambda message: self.table_note.setText(f"The table failed: {message.splitlines()[0]}"))
        task.finished.connect(lambda t=task: self._task_done(t))
        self.task = task
        self.start_task(task)

    def _task_done(self, task: BackgroundTask) -> None:
        if self.task is task:
            self.task = None

    def _show_rows(self, new: list[tuple[Contender, ComparisonRow]], request: int) -> None:
        for contender, row in new:
            self._row_of[id(contender)] = row
        if request != self._table_request:
            return  # the models changed meanwhile; a newer table is on its way
        self._row_of = {id(s.contender): self._row_of[id(s.contender)] for s in self.spaces
                        if id(s.contender) in self._row_of}
        rows = [self._row_of[id(s.contender)] for s in self.spaces if id(s.contender) in self._row_of]
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = row.to_dict()
            for c, (key, _title) in enumerate(TABLE_COLUMNS):
                self.table.setItem(r, c, QTableWidgetItem(_cell_text(values[key])))
        self.table.resizeColumnsToContents()
        self.table_note.setText(f"On {rows[0].n_test if rows else 0} held-out samples of {self.dataset.name}: "
                                "trust, continuity and kept are of each model's view above (k = 10).")
        self.table_updated.emit(rows)

    def close_work(self) -> None:
        """Wait for a table still being computed (the window closes)."""
        self._decode_timer.stop()
        if self.task is not None:
            self.task.cancel()
            self.task.wait(10_000)
