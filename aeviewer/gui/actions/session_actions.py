"""File → Save / Open session: capture the window's exact view into a `.aev` file and restore it.

Also remembers window geometry across launches (theme and recent files are kept by their owners).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QAction, QKeySequence

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.errors import AeviewerError
from aeviewer.core.latent.spaces import DatasetBaseline, load_with_baseline
from aeviewer.core.session.session import Session, dataset_reference, load_session, save_session
from aeviewer.core.shapes import model_fit_problem
from aeviewer.gui.views.file_dialogs import open_file, save_file
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
        return w.state.to_session(view_ranges={"ae": view_range(w.ae_view), "pca": view_range(w.pca_view)},
                                  paths=list(w.recordings.paths))

    def apply(self, session: Session, dataset: Dataset | None = None, source: str = "",
              baseline: DatasetBaseline | None = None) -> bool:
        """Show `session`: its dataset (when given), model, selection, probes, view ranges, theme and paths."""
        w = self.window
        if dataset is not None:
            w.set_dataset(dataset, baseline)
        if session.model is not None:
            problem = model_fit_problem(session.model.config.input_shape, w.state.dataset)
            if problem:
                w.show_error(f"{source}: {problem}")
                return False
            w.settings_panel.show_config(session.model.config)
            w.set_model(session.model, history=session.model_meta.get("history") or [])
        if session.selected is not None and w.shown is not None and session.selected < len(w.shown):
            w.select_sample(session.selected)
        for name, view in (("ae", w.ae_view), ("pca", w.pca_view)):
            if name in session.view_ranges:
                view.show_range(*session.view_ranges[name])
        w.state.apply(session)  # selection, probes and theme: the views and the theme follow the state's events
        w.recordings.set_paths(session.paths)
        w.decoder.decode_now()
        return True

    # --- files --------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path | None:
        w = self.window
        refusal = w.state.refusal("saving a session")
        if refusal:
            w.show_error(refusal)
            return None
        try:
            written = save_session(path, self.capture())
        except AeviewerError as exc:
            w.show_error(str(exc))
            return None
        w.files.remember(str(written))
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
        w.files.remember(str(path))
        if w.dataset is not None and dataset_reference(w.dataset) == session.dataset:
            return self.apply(session, source=str(path))
        w.statusBar().showMessage(f"Loading {session.dataset} for {path.name}…")
        ks = (session.model.config.latent_dim,) if session.model is not None else ()
        task = BackgroundTask(load_with_baseline, session.dataset, ks)
        task.succeeded.connect(lambda loaded: self.apply(session, loaded.dataset, str(path), loaded))
        return w.start_task(task)  # connected first: a quick load's result is not lost

    def open_dialog(self) -> None:
        name = open_file(self.window, self.window.settings, "session", "Open session", SESSION_FILTER)
        if name:
            self.window.files.open_path(name)

    def save_dialog(self) -> None:
        name = save_file(self.window, self.window.settings, "session", "Save session", "session.aev",
                         SESSION_FILTER)
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
