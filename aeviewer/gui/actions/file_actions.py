"""File actions: open a dataset, folder, model or session; download; save the model; recent files; follow a run.

Loading runs off the GUI thread (BackgroundTask); every failure is one message through `window.show_error`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtWidgets import QMenu, QProgressDialog

from aeviewer.core.data.download import fetch_dataset
from aeviewer.core.errors import AeviewerError
from aeviewer.core.latent.spaces import DatasetBaseline, load_with_baseline
from aeviewer.core.models import Autoencoder
from aeviewer.core.session.recovery import clear_recovery
from aeviewer.core.shapes import model_fit_problem
from aeviewer.core.state import Status
from aeviewer.core.train.checkpoint import load_checkpoint, save_checkpoint
from aeviewer.gui.views.file_dialogs import open_file, open_folder, save_file
from aeviewer.gui.workers.background import BackgroundTask

if TYPE_CHECKING:
    from aeviewer.gui.app.main_window import MainWindow
    from aeviewer.gui.workers.run_follower import RunFollower

MODEL_SUFFIXES = {".safetensors", ".pt", ".pth"}
DOWNLOADABLE = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST", "cifar10": "CIFAR-10"}
DATASET_FILTER = "Datasets (*.npy *.npz *.csv *-ubyte *-ubyte.gz *.bin);;All files (*)"


class FileActions(QObject):
    """What File ▸ does, for one window; the recent-files list lives in the window's QSettings."""

    def __init__(self, window: MainWindow, settings: QSettings) -> None:
        super().__init__(window)
        self.window, self.state, self.settings = window, window.state, settings
        self.recent_menu: QMenu | None = None
        self.follower: RunFollower | None = None
        self.download_dialog: QProgressDialog | None = None

    def open_path(self, path: str | Path) -> None:
        """Open a dataset or, by its suffix, a model or session; the work runs off the GUI thread."""
        path = Path(path)
        refusal = self.state.refusal(f"opening {path.name}")
        if refusal:
            self.window.show_error(refusal)
        elif path.suffix.lower() == ".aev":
            self.window.sessions.open(path)
        elif path.suffix.lower() in MODEL_SUFFIXES:
            self.load_model(path)
        else:
            self.load_dataset_async(str(path))

    def load_dataset_async(self, spec: str) -> BackgroundTask:
        self.window.statusBar().showMessage(f"Loading {spec}…")
        # Connected before the start: a small file can be loaded before a later connect, and a signal
        # emitted with nothing connected is lost (the dataset never shown, the status stuck at "Loading").
        task = BackgroundTask(load_with_baseline, spec, (self.window.settings_panel.latent.value(),))
        task.succeeded.connect(lambda loaded: self._dataset_loaded(loaded, spec))
        if self.state.status == Status.IDLE:
            self.state.status = Status.LOADING
            task.finished.connect(self._loading_done)
        return self.window.start_task(task)

    def _loading_done(self) -> None:
        if self.state.status == Status.LOADING:
            self.state.status = Status.IDLE

    def _dataset_loaded(self, loaded: DatasetBaseline, spec: str) -> None:
        refusal = self.state.refusal(f"switching to {spec}")
        if refusal:
            self.window.show_error(f"{spec} loaded, but not shown. {refusal}")
            return
        self.window.explorer.set_dataset(loaded.dataset, loaded)
        self.state.dataset_spec = spec
        self.remember(spec)
        self.window.statusBar().showMessage(f"Loaded {loaded.dataset.name}: {len(loaded.dataset):,} samples.", 8000)

    def open_dataset_dialog(self) -> None:
        path = open_file(self.window, self.settings, "dataset", "Open dataset", DATASET_FILTER)
        if path:
            self.open_path(path)

    def open_folder_dialog(self) -> None:
        path = open_folder(self.window, self.settings, "dataset",
                           "Open dataset folder (MNIST layout, CIFAR-10 or image folders)")
        if path:
            self.open_path(path)

    def download_dataset(self, name: str) -> BackgroundTask:
        dialog = QProgressDialog(f"Downloading {DOWNLOADABLE.get(name, name)}…", "Cancel", 0, 0, self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        task = BackgroundTask(fetch_dataset, name, takes_progress=True)  # started once connected, below
        self.download_dialog = dialog

        def progressed(done: int, total: int | None) -> None:
            if total:
                dialog.setMaximum(1000)
                dialog.setValue(int(1000 * done / total))
                dialog.setLabelText(f"Downloading {name}: {done / 1e6:.1f} of {total / 1e6:.1f} MB")

        task.progressed.connect(progressed)
        dialog.canceled.connect(task.cancel)
        task.finished.connect(dialog.close)
        task.succeeded.connect(lambda _path: self.load_dataset_async(name))
        dialog.show()
        return self.window.start_task(task)

    # --- model files -------------------------------------------------------------------------------
    def load_model(self, path: str | Path) -> bool:
        path = Path(path)
        try:
            loaded = load_checkpoint(path)
        except AeviewerError as exc:
            self.window.show_error(str(exc))
            return False
        problem = model_fit_problem(loaded.config.input_shape, self.state.dataset)
        if problem:
            self.window.show_error(f"{path}: {problem}")
            return False
        self.window.settings_panel.show_config(loaded.config)
        self.window.explorer.set_model(loaded.model, history=loaded.meta.get("history") or [])
        self.remember(str(path))
        self.window.statusBar().showMessage(f"Loaded model {path.name}", 8000)
        return True

    def save_model(self, path: str | Path) -> bool:
        state, w = self.state, self.window
        if state.model is None or state.dataset is None:
            return False
        if not isinstance(state.model, Autoencoder):
            w.show_error("This is your own model (opened from a .py file): keep its weights where they came from; "
                         "aeviewer saves only the models it builds.")
            return False
        try:
            saved = save_checkpoint(path, state.model, dataset_name=state.dataset.name,
                                    dataset_shape=tuple(state.dataset.x.shape), history=state.history)
        except AeviewerError as exc:
            w.show_error(str(exc))
            return False
        self.remember(str(saved))
        if not state.training:
            clear_recovery(w.recovery_folder)  # the work is safe now
        w.statusBar().showMessage(f"Saved {saved}", 8000)
        return True

    def load_model_dialog(self) -> None:
        path = open_file(self.window, self.settings, "model", "Load model",
                         "Models (*.safetensors *.pt *.pth);;All files (*)")
        if path:
            self.open_path(path)

    def save_model_dialog(self) -> None:
        refusal = self.state.refusal("saving the model")
        if refusal:
            self.window.show_error(refusal)
            return
        path = save_file(self.window, self.settings, "model", "Save model", "model.safetensors",
                         "safetensors (*.safetensors)")
        if path:
            self.save_model(path if path.endswith(".safetensors") else path + ".safetensors")

    # --- following a run ---------------------------------------------------------------------------
    def follow_run_dialog(self) -> None:
        path = open_folder(self.window, self.settings, "run", "Follow a run folder (written by aeviewer train --run)")
        if path:
            self.follow_run(path)

    def follow_run(self, folder: str | Path) -> None:
        """Show a run folder's loss curve and latest checkpoint as another process writes them."""
        from aeviewer.gui.workers.run_follower import RunFollower

        refusal = self.state.refusal(f"following {folder}")
        if refusal:
            self.window.show_error(refusal)
            return
        if self.follower is not None:
            self.follower.stop()
        self.follower = RunFollower(self.window, folder)
        self.state.status = Status.FOLLOWING
        self.follower.start()

    # --- recent files ------------------------------------------------------------------------------
    def remember(self, path: str) -> None:
        recent = [p for p in self.recent_files() if p != path]
        self.settings.setValue("recent", [path, *recent][:10])
        self.refresh_recent_menu()

    def recent_files(self) -> list[str]:
        """QSettings gives one string for a one-item list (INI files), a list otherwise."""
        value = self.settings.value("recent", []) or []
        return [value] if isinstance(value, str) else [str(p) for p in value]  # type: ignore[attr-defined]

    def refresh_recent_menu(self) -> None:
        if self.recent_menu is None:
            return
        self.recent_menu.clear()
        recent = self.recent_files()
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(recent))

    def close(self) -> None:
        if self.follower is not None:
            self.follower.stop()
