"""File → Save / Open session: capture the window's exact view into a `.aev` file and restore it.

Also remembers window geometry across launches (theme and recent files are kept by their owners).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog

from aeviewer.core.dataset import Dataset
from aeviewer.core.errors import AeviewerError
from aeviewer.core.explore import DatasetBaseline, load_with_baseline
from aeviewer.core.session import Session, dataset_reference, load_session, save_session
from aeviewer.gui.workers.background import BackgroundTask

SESSION_FILTER = "aeviewer session (*.aev)"


def view_range(view) -> tuple[tuple[float, float], tuple[float, float]]:
    (x0, x1), (y0, y1) = view.plotItem.vb.viewRange()
    return (float(x0), float(x1)), (float(y0), float(y1))


class SessionActions:
    """Save/open sessions for a MainWindow, and keep its geometry in the window's QSettings."""

    def __init__(self, window) -> None:
        self.window = window
        self.open_action = QAction("Open &session…", window)
        self.open_action.triggered.connect(self.open_dialog)
        self.save_action = QAction("Save s&ession…", window)
        self.save_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.save_action.triggered.connect(self.save_dialog)
        window.addAction(self.save_action)

    def add_to_menu(self, menu, before) -> None:
        menu.insertAction(before, self.open_action)
        menu.insertAction(before, self.save_action)
        menu.insertSeparator(before)

    # --- capture and restore --------------------------------------------------------------------------
    def capture(self) -> Session:
        """The window's current view as a Session value."""
        w = self.window
        if w.dataset is None:
            raise AeviewerError("no dataset is open: nothing to save")
        meta = {"history": list(w.history), "dataset_name": w.dataset.name,
                "dataset_shape": [int(s) for s in w.dataset.x.shape]}
        return Session(
            dataset=dataset_reference(w.dataset), model=w.model, model_meta=meta,
            projection=w.ae_space.projection.label if w.ae_space is not None else "",
            probes={"ae": tuple(w.ae_view.probe_position()), "pca": tuple(w.pca_view.probe_position())},
            view_ranges={"ae": view_range(w.ae_view), "pca": view_range(w.pca_view)},
            theme=getattr(w, "theme", "light"), paths=list(w.recordings.paths), selected=w.selected)

    def apply(self, session: Session, dataset: Dataset | None = None, source: str = "",
              baseline: DatasetBaseline | None = None) -> bool:
        """Show `session`: its dataset (when given), model, selection, probes, view ranges, theme and paths."""
        w = self.window
        if dataset is not None:
            w.set_dataset(dataset, baseline)
        if session.model is not None:
            want = tuple(session.model.config.input_shape)
            if tuple(w.dataset.sample_shape) != want:
                w.show_error(f"{source}: the session's model takes {want} inputs but {w.dataset.name} has "
                             f"{tuple(w.dataset.sample_shape)} samples")
                return False
            w.settings_panel.show_config(session.model.config)
            w.set_model(session.model, history=session.model_meta.get("history") or [])
        if session.selected is not None and w.shown is not None and session.selected < len(w.shown):
            w.select_sample(session.selected)
        for name, view in (("ae", w.ae_view), ("pca", w.pca_view)):
            if name in session.view_ranges:
                view.show_range(*session.view_ranges[name])
            if name in session.probes:
                view.set_probe(np.asarray(session.probes[name]))
        w.presentation.set_theme(session.theme)
        w.recordings.set_paths(session.paths)
        w.decode_now()
        return True

    # --- files --------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path | None:
        w = self.window
        if w.training:
            w.show_error("Training is running: pause or cancel it before saving a session.")
            return None
        try:
            written = save_session(path, self.capture())
        except AeviewerError as exc:
            w.show_error(str(exc))
            return None
        w._remember(str(written))
        w.statusBar().showMessage(f"Saved session {written}", 8000)
        return written

    def open(self, path: str | Path) -> BackgroundTask | bool:
        """Open a session; loads its dataset off the GUI thread when it is not the one shown already."""
        w = self.window
        path = Path(path)
        try:
            session = load_session(path)
        except AeviewerError as exc:
            w.show_error(str(exc))
            return False
        w._remember(str(path))
        if w.dataset is not None and dataset_reference(w.dataset) == session.dataset:
            return self.apply(session, source=str(path))
        w.statusBar().showMessage(f"Loading {session.dataset} for {path.name}…")
        ks = (session.model.config.latent_dim,) if session.model is not None else ()
        task = w._start_task(BackgroundTask(load_with_baseline, session.dataset, ks))
        task.succeeded.connect(lambda loaded: self.apply(session, loaded.dataset, str(path), loaded))
        return task

    def open_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.window, "Open session", "", SESSION_FILTER)
        if name:
            self.window.open_path(name)

    def save_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self.window, "Save session", "session.aev", SESSION_FILTER)
        if name:
            self.save(name)

    # --- window geometry ----------------------------------------------------------------------------
    def restore_geometry(self) -> None:
        geometry = self.window.settings.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.window.restoreGeometry(geometry)

    def remember_geometry(self) -> None:
        if not self.window.isFullScreen():
            self.window.settings.setValue("geometry", self.window.saveGeometry())
