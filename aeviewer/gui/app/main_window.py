"""The explorer window: wiring between the panels and core. The maths lives in aeviewer.core."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QScrollArea,
    QSplitter,
)

from aeviewer.core import threads
from aeviewer.core.checkpoint import load_checkpoint, save_checkpoint
from aeviewer.core.dataset import Dataset
from aeviewer.core.download import fetch_dataset
from aeviewer.core.errors import AeviewerError
from aeviewer.core.explore import (
    AutoencoderSpace,
    DatasetBaseline,
    PcaSpace,
    load_with_baseline,
    pca_error_at,
    sample_error,
    shown_samples,
)
from aeviewer.core.loaders import load_dataset
from aeviewer.core.models import Autoencoder, build_model
from aeviewer.core.recovery import DEFAULT_INTERVAL_S, RecoveryAutosaver, clear_recovery
from aeviewer.core.train import Trainer, resolve_device
from aeviewer.gui.actions.export_actions import ExportActions
from aeviewer.gui.actions.presentation import PresentationController
from aeviewer.gui.actions.session_actions import SessionActions
from aeviewer.gui.actions.toolbar import build_toolbar
from aeviewer.gui.dialogs.about_dialog import AboutDialog, ReadmeDialog
from aeviewer.gui.dialogs.recovery_prompt import current_spec, offer_recovery
from aeviewer.gui.dialogs.user_model_dialog import open_user_model_dialog
from aeviewer.gui.panels.explore_tabs import ExploreDock
from aeviewer.gui.panels.recording_panel import RecordingPanel
from aeviewer.gui.panels.samples_panel import SamplesPanel
from aeviewer.gui.panels.settings_panel import SettingsPanel
from aeviewer.gui.views.first_run_hint import FirstRunHint
from aeviewer.gui.views.icons import app_icon
from aeviewer.gui.views.loss_plot import LossPlot
from aeviewer.gui.views.scatter_view import ScatterView
from aeviewer.gui.workers.background import BackgroundTask
from aeviewer.gui.workers.latest_only import LatestOnlyRunner
from aeviewer.gui.workers.training_worker import TrainingWorker

MODEL_SUFFIXES = {".safetensors", ".pt", ".pth"}
# A probe decode slower than this runs in a background thread: the drag target is 8 ms (p99) from mouse
# event to repainted picture, and the window's own part of that is about 3.5 ms on a 2-core CPU.
GUI_DECODE_BUDGET_MS = 4.0
DOWNLOADABLE = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST", "cifar10": "CIFAR-10"}


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("aeviewer — latent-space explorer")
        self.resize(1500, 900)
        self.setAcceptDrops(True)
        self.settings = settings if settings is not None else QSettings("aeviewer", "aeviewer")

        self.dataset: Dataset | None = None
        self.shown: Dataset | None = None
        self.model: Autoencoder | None = None
        self.history: list[dict[str, float]] = []
        self.ae_space: AutoencoderSpace | None = None
        self.pca_space: PcaSpace | None = None
        self.worker: TrainingWorker | None = None
        self.selected: int | None = None
        self.last_error: str | None = None
        self._tasks: set[BackgroundTask] = set()
        self._pending: dict[str, np.ndarray] = {}
        self._pca_errors: dict[int, float] = {}
        self.decode_count = 0  # decodes actually run, to show that probe moves are coalesced
        self.decode_cost_ms = 0.0  # one probe decode of the current model, measured on this thread
        self.decode_off_thread = False  # too slow for a frame: decode in the background, newest request only
        self._background_decodes: LatestOnlyRunner | None = None
        self._ae_requested = self._ae_shown = 0  # probe decode request numbers: never show an older one
        self._decode_error_shown = False
        self.dataset_spec = ""  # what the dataset was opened from, to reopen it with a recovered model
        self.recovery_folder: Path | None = None  # None: core.recovery's default in the user data dir
        self.autosave_interval_s = DEFAULT_INTERVAL_S
        self.training_notices: list[str] = []  # e.g. out-of-memory fallbacks, shown in the status
        self.follower = None  # a RunFollower while following a run folder

        self.settings_panel = SettingsPanel()
        self.ae_view = ScatterView("Autoencoder latent space")
        self.pca_view = ScatterView("PCA (linear baseline)")
        self.samples = SamplesPanel()
        self.loss_plot = LossPlot()
        self._build_layout()
        self._build_menus()
        self._connect()
        self.setWindowIcon(app_icon())
        self.toolbar = build_toolbar(self)
        self.addToolBar(self.toolbar)
        self.first_run_hint = FirstRunHint.show_once(self.ae_view, self.settings)
        if self.first_run_hint is not None:
            self.ae_view.probe_released.connect(self.first_run_hint.dismiss)
        # Explore shares the left column with Settings (as tabs), so the two scatters get the width.
        self.explore = ExploreDock(self)
        settings_dock = self.findChild(QDockWidget, "settings")
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.explore)
        self.tabifyDockWidget(settings_dock, self.explore)
        settings_dock.raise_()

        threads.use_for_interactive_work()
        # Coalesce probe moves: decode once per event-loop pass, always at the newest position.
        self._decode_timer = QTimer(self, singleShot=True, interval=0)
        self._decode_timer.timeout.connect(self._decode_pending)
        self._build_presentation()
        self.menuBar().removeAction(self.help_menu.menuAction())  # Help stays the last menu
        self.menuBar().addAction(self.help_menu.menuAction())

    # --- layout -----------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        dock = QDockWidget("Settings", self)
        dock.setObjectName("settings")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.settings_panel)
        dock.setWidget(scroll)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.ae_view)
        top.addWidget(self.pca_view)
        top.addWidget(self.samples)
        top.setSizes([520, 420, 330])
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(self.loss_plot)
        main.setSizes([650, 220])
        self.setCentralWidget(main)
        self.statusBar().showMessage("Drag the cross in either view to decode that point; click a dot to inspect it.")

    def _build_menus(self) -> None:
        self.file_menu = file_menu = self.menuBar().addMenu("&File")
        self.open_action = self._action(file_menu, "&Open dataset file…", self.open_dataset_dialog,
                                        QKeySequence.StandardKey.Open)
        self._action(file_menu, "Open dataset &folder…", self.open_folder_dialog)
        get_menu = file_menu.addMenu("&Get dataset")
        for key, title in DOWNLOADABLE.items():
            self._action(get_menu, f"{title} (download)…", lambda _=False, k=key: self.download_dataset(k))
        file_menu.addSeparator()
        self._action(file_menu, "&Load model…", self.load_model_dialog, QKeySequence("Ctrl+L"))
        self._action(file_menu, "Open &your own model (.py + weights)…", lambda: open_user_model_dialog(self))
        self.save_action = self._action(file_menu, "&Save model…", self.save_model_dialog,
                                        QKeySequence.StandardKey.Save)
        self._action(file_menu, "F&ollow run…", self.follow_run_dialog)
        self.recent_menu = file_menu.addMenu("&Recent files")
        self._refresh_recent_menu()
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        train_menu = self.menuBar().addMenu("&Training")
        space, esc = QKeySequence(Qt.Key.Key_Space), QKeySequence(Qt.Key.Key_Escape)
        self.train_action = self._action(train_menu, "&Train / pause", self.train_or_pause, space)
        self.cancel_action = self._action(train_menu, "&Cancel", self.cancel_training, esc)

        self.view_menu = view_menu = self.menuBar().addMenu("&View")
        self._action(view_menu, "&Fit views to data", self._fit_views, QKeySequence("Ctrl+0"))

        self.help_menu = help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&User guide (README)", self.show_readme, QKeySequence.StandardKey.HelpContents)
        self.about_action = self._action(help_menu, "&About aeviewer", self.show_about)

    def show_about(self) -> AboutDialog:
        self.about_dialog = AboutDialog(self)
        self.about_dialog.open()
        return self.about_dialog

    def show_readme(self) -> ReadmeDialog:
        self.readme_dialog = ReadmeDialog(self)
        self.readme_dialog.open()
        return self.readme_dialog

    def _build_presentation(self) -> None:
        """Recordings dock, presentation mode and themes, the Export menu, sessions (see their modules)."""
        self.theme = "light"
        self.recordings = RecordingPanel(self)
        dock = QDockWidget("Recordings", self)
        dock.setObjectName("recordings")
        dock.setWidget(self.recordings)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        settings_dock = self.findChild(QDockWidget, "settings")
        if settings_dock is not None:
            self.resizeDocks([settings_dock, dock], [640, 200], Qt.Orientation.Vertical)
            self.resizeDocks([settings_dock], [max(330, settings_dock.sizeHint().width())], Qt.Orientation.Horizontal)
        self._action(self.view_menu, "&Record probe path", lambda: self.recordings.set_recording(
            not self.recordings.record_button.isChecked()), QKeySequence("Ctrl+R"))
        self._action(self.view_menu, "&Tour class centres", self.recordings.tour, QKeySequence("Ctrl+T"))
        self.presentation = PresentationController(self)
        self.presentation.add_to_menu(self.view_menu)
        toolbar = self.addToolBar("Presentation")
        toolbar.setObjectName("presentation-toolbar")
        toolbar.addAction(self.presentation.toggle_action)
        self.exports = ExportActions(self)
        self.sessions = SessionActions(self)
        self.sessions.add_to_menu(self.file_menu, self.recent_menu.menuAction())
        self.sessions.restore_geometry()

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _connect(self) -> None:
        panel = self.settings_panel
        panel.train_clicked.connect(self.start_training)
        panel.pause_clicked.connect(self.toggle_pause)
        panel.cancel_clicked.connect(self.cancel_training)
        panel.open_dataset_clicked.connect(self.open_dataset_dialog)
        self.ae_view.probe_moved.connect(lambda xy: self._queue_decode("ae", xy))
        self.ae_view.probe_released.connect(lambda xy: self._queue_decode("ae", xy))
        self.pca_view.probe_moved.connect(lambda xy: self._queue_decode("pca", xy))
        self.pca_view.probe_released.connect(lambda xy: self._queue_decode("pca", xy))
        self.ae_view.point_clicked.connect(self.select_sample)
        self.pca_view.point_clicked.connect(self.select_sample)

    # --- dataset ----------------------------------------------------------------------------------
    @property
    def training(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    def set_dataset(self, dataset: Dataset, baseline: DatasetBaseline | None = None,
                    baseline_later: bool = False) -> None:
        """Show a dataset with a fresh model for it (from the panel's settings).

        `baseline`, computed with the load in a background thread, saves the window the PCA fits. With
        `baseline_later` (the app's start) the autoencoder side is ready at once and PCA is fitted in the
        background: importing scikit-learn alone takes ~0.9 s.
        """
        if baseline is not None and baseline.dataset is not dataset:
            baseline = None
        if baseline is None and not baseline_later:
            baseline = DatasetBaseline.compute(dataset)
        self.dataset = dataset
        self.shown = baseline.shown if baseline is not None else shown_samples(dataset)
        self.selected = None
        self._pca_errors = {}
        self.samples.clear_selection()
        n_test = len(dataset.split(test=True))
        shape = "×".join(map(str, dataset.sample_shape))
        self.settings_panel.dataset_label.setText(
            f"<b>{dataset.name}</b><br>{len(dataset):,} samples of {shape}<br>"
            f"{len(dataset) - n_test:,} train · {n_test:,} held out")
        if dataset.image_shape is None and self.settings_panel.backbone.currentData() == "conv":
            self.settings_panel.backbone.setCurrentIndex(self.settings_panel.backbone.findData("mlp"))
        self._show_baseline(baseline)
        try:
            self.set_model(build_model(self.settings_panel.model_config(dataset.sample_shape), seed=0), history=[])
        except ValueError as exc:
            self.show_error(f"Cannot build that model for {dataset.name}: {exc}")
        self.setWindowTitle(f"aeviewer — {dataset.name}")
        if baseline is None:
            task = self._start_task(BackgroundTask(DatasetBaseline.compute, dataset,
                                                   (self.settings_panel.latent.value(),), shown=self.shown))
            task.succeeded.connect(self._baseline_ready)

    def _show_baseline(self, baseline: DatasetBaseline | None) -> None:
        """The PCA side: its plane and errors, or an empty view saying it is being fitted."""
        self.pca_space = None if baseline is None else baseline.pca_space
        if baseline is None:
            self.pca_view.setTitle("PCA (linear baseline) · fitting…")
            self.pca_view.set_points(np.zeros((0, 2), np.float32), None)
            self.pca_view.probe.hide()
            self.samples.comparison.setText("Fitting the PCA baseline…")
            return
        self._pca_errors.update(baseline.pca_errors)
        self.pca_view.setTitle("PCA (linear baseline)")
        self.pca_view.probe.show()
        self.pca_view.set_points(self.pca_space.points, self.shown.y, self.dataset.class_names)
        self.pca_view.follow_data()
        self.pca_view.set_probe(self.pca_space.points.mean(axis=0))

    def _baseline_ready(self, baseline: DatasetBaseline) -> None:
        if baseline.dataset is not self.dataset or baseline.shown is not self.shown:
            return  # another dataset was opened meanwhile
        self._show_baseline(baseline)
        self._update_comparison()
        if self.selected is not None:
            self._show_selection()

    def set_model(self, model: Autoencoder, history: list[dict[str, float]] | None = None) -> None:
        self.model = model
        if history is not None:
            self.history = list(history)
        self.loss_plot.clear_curves()
        for step, losses in enumerate(self.history, start=1):
            self.loss_plot.add(step, losses)
        self._show_model_snapshot(model, None)
        self.choose_decode_thread()
        self.ae_view.follow_data()
        self.ae_view.set_probe(self.ae_space.points.mean(axis=0))
        self._update_comparison()
        if hasattr(self, "presentation"):
            self.presentation.restyle()

    def open_path(self, path: str | Path) -> None:
        """Open a dataset or, by its suffix, a model; the work runs off the GUI thread."""
        path = Path(path)
        if self.training:
            self.show_error(f"Not opening {path.name} while training runs: cancel training first (Esc).")
            return
        if path.suffix.lower() == ".aev":
            self.sessions.open(path)
        elif path.suffix.lower() in MODEL_SUFFIXES:
            self.load_model(path)
        else:
            self.load_dataset_async(str(path))

    def load_dataset_async(self, spec: str) -> BackgroundTask:
        self.statusBar().showMessage(f"Loading {spec}…")
        task = self._start_task(BackgroundTask(load_with_baseline, spec, (self.settings_panel.latent.value(),)))
        task.succeeded.connect(lambda loaded: self._dataset_loaded(loaded, spec))
        return task

    def _dataset_loaded(self, loaded: DatasetBaseline, spec: str) -> None:
        if self.training:
            self.show_error(f"{spec} loaded, but training is running: not switching datasets.")
            return
        self.set_dataset(loaded.dataset, loaded)
        self.dataset_spec = spec
        self._remember(spec)
        self.statusBar().showMessage(f"Loaded {loaded.dataset.name}: {len(loaded.dataset):,} samples.", 8000)

    def open_dataset_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open dataset", str(Path.home()),
            "Datasets (*.npy *.npz *.csv *-ubyte *-ubyte.gz *.bin);;All files (*)")
        if path:
            self.open_path(path)

    def open_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open dataset folder (MNIST layout, CIFAR-10 or image folders)")
        if path:
            self.open_path(path)

    def download_dataset(self, name: str) -> BackgroundTask:
        dialog = QProgressDialog(f"Downloading {DOWNLOADABLE.get(name, name)}…", "Cancel", 0, 0, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        task = self._start_task(BackgroundTask(fetch_dataset, name, takes_progress=True))
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
        return task

    # --- model files -------------------------------------------------------------------------------
    def load_model(self, path: str | Path) -> bool:
        path = Path(path)
        try:
            loaded = load_checkpoint(path)
        except AeviewerError as exc:
            self.show_error(str(exc))
            return False
        expected = tuple(loaded.config.input_shape)
        if self.dataset is not None and tuple(self.dataset.sample_shape) != expected:
            have = "×".join(map(str, self.dataset.sample_shape))
            want = "×".join(map(str, expected))
            self.show_error(f"{path}: this model takes {want} inputs, but {self.dataset.name} has {have} samples. "
                            "Open the dataset it was trained on first.")
            return False
        self.settings_panel.show_config(loaded.config)
        self.set_model(loaded.model, history=loaded.meta.get("history") or [])
        self._remember(str(path))
        self.statusBar().showMessage(f"Loaded model {path.name}", 8000)
        return True

    def save_model(self, path: str | Path) -> bool:
        if self.model is None or self.dataset is None:
            return False
        if not isinstance(self.model, Autoencoder):
            self.show_error("This is your own model (opened from a .py file): keep its weights where they came from; "
                            "aeviewer saves only the models it builds.")
            return False
        try:
            saved = save_checkpoint(path, self.model, dataset_name=self.dataset.name,
                                    dataset_shape=tuple(self.dataset.x.shape), history=self.history)
        except AeviewerError as exc:
            self.show_error(str(exc))
            return False
        self._remember(str(saved))
        if not self.training:
            clear_recovery(self.recovery_folder)  # the work is safe now
        self.statusBar().showMessage(f"Saved {saved}", 8000)
        return True

    def load_model_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load model", str(Path.home()),
                                              "Models (*.safetensors *.pt *.pth);;All files (*)")
        if path:
            self.open_path(path)

    def save_model_dialog(self) -> None:
        if self.training:
            self.show_error("Training is running: cancel it (Esc) or let it finish before saving.")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save model", str(Path.home() / "model.safetensors"),
                                              "safetensors (*.safetensors)")
        if path:
            self.save_model(path if path.endswith(".safetensors") else path + ".safetensors")

    def follow_run_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Follow a run folder (written by aeviewer train --run)")
        if path:
            self.follow_run(path)

    def follow_run(self, folder: str | Path) -> None:
        """Show a run folder's loss curve and latest checkpoint as another process writes them."""
        from aeviewer.gui.workers.run_follower import RunFollower

        if self.training:
            self.show_error(f"Not following {folder} while training runs here: cancel training first (Esc).")
            return
        if self.follower is not None:
            self.follower.stop()
        self.follower = RunFollower(self, folder)
        self.follower.start()

    # --- training ----------------------------------------------------------------------------------
    def train_or_pause(self) -> None:
        if self.training:
            self.settings_panel.pause_button.toggle()
            self.toggle_pause()
        else:
            self.start_training()

    def start_training(self) -> None:
        if self.training or self.dataset is None:
            return
        wanted = self.settings_panel.model_config(self.dataset.sample_shape)
        if self.model is None or self.model.config != wanted:
            try:
                self.set_model(build_model(wanted, seed=0), history=[])
            except ValueError as exc:
                self.show_error(f"Cannot build that model: {exc}")
                return
        train = self.dataset.split(test=False)
        config, model = self.settings_panel.train_config(), self.model
        autosaver = RecoveryAutosaver(self.dataset.name, current_spec(self), tuple(self.dataset.x.shape),
                                      config, interval_s=self.autosave_interval_s,
                                      folder=self.recovery_folder)
        self.training_notices = []
        self.worker = TrainingWorker(lambda: Trainer(model, train.x, config), self.shown.x, autosaver=autosaver)
        self.worker.progress.connect(self._on_progress)
        self.worker.snapshot.connect(self._show_model_snapshot)
        self.worker.failed.connect(self.show_error)
        self.worker.finished_training.connect(self._on_training_finished)
        self.settings_panel.set_training(True)
        self.settings_panel.progress.setRange(0, config.epochs)
        self.settings_panel.progress.setValue(0)
        self.settings_panel.status.setText(f"Starting on {resolve_device(config.device)}…")
        self.worker.start()

    def toggle_pause(self) -> None:
        if not self.training:
            return
        if self.settings_panel.pause_button.isChecked():
            self.worker.pause()
            self.settings_panel.status.setText("Paused. Press Pause again (or Space) to go on.")
        else:
            self.worker.resume()

    def cancel_training(self) -> None:
        if self.training:
            self.worker.cancel()  # also wakes a paused run
            self.settings_panel.status.setText("Cancelling…")

    def _on_progress(self, event) -> None:
        panel = self.settings_panel
        panel.progress.setValue(event.epoch - (0 if event.epoch_done else 1))
        panel.status.setText(f"epoch {event.epoch}/{event.epochs} · step {event.step:,}<br>"
                             f"{event.samples_per_s:,.0f} samples/s on {event.device}<br>"
                             + " · ".join(f"{k} {v:.4g}" for k, v in event.losses.items()))
        self.loss_plot.add(event.step, event.losses)
        if event.epoch_done:
            self.history.append(dict(event.losses))
        if event.notice:
            self.training_notices.append(event.notice)
            self.statusBar().showMessage(event.notice, 15000)

    def _on_training_finished(self, completed: bool) -> None:
        worker = self.worker
        if worker is not None:
            worker.wait()
        self.settings_panel.set_training(False)
        done = len(worker.trainer.history) if worker is not None and worker.trainer is not None else 0
        if completed:
            text = f"Finished after {done} epoch(s). Space trains on."
        else:  # the trainer restored the last completed epoch: offer to keep it
            text = (f"Stopped: the model is as of epoch {done}, the last completed one. "
                    "Save it with File ▸ Save model (Ctrl+S); Space trains on.")
            self.statusBar().showMessage(text, 15000)
        notes = self.training_notices + ([worker.autosaver.error] if worker and worker.autosaver
                                         and worker.autosaver.error else [])
        self.settings_panel.status.setText(text + "".join(f"<br>Note: {n}" for n in notes))
        self.model.eval()
        self._show_model_snapshot(self.model, None)
        self._update_comparison()
        self.worker = None

    # --- views ---------------------------------------------------------------------------------------
    def _show_model_snapshot(self, model: Autoencoder, codes: np.ndarray | None) -> None:
        """Put a (snapshot of the) model's codes in the latent view and redecode at the probe."""
        self.ae_space = AutoencoderSpace.build(model, self.shown, codes)
        self.ae_view.setTitle(f"Autoencoder · {self.ae_space.projection.label}")
        self.ae_view.set_points(self.ae_space.points, self.shown.y, self.shown.class_names)
        self._queue_decode("ae", self.ae_view.probe_position())
        if self.selected is not None:
            self._show_selection()
        self.explore.space_changed()

    def _queue_decode(self, which: str, xy: np.ndarray) -> None:
        self._pending[which] = np.asarray(xy, dtype=np.float64)
        if not self._decode_timer.isActive():
            self._decode_timer.start()

    def choose_decode_thread(self) -> None:
        """Decode on this thread when a decode fits the per-move budget, else in the background."""
        try:
            self.decode_cost_ms = self.ae_space.decode_cost_ms()
        except Exception:  # a model that cannot decode says so when the probe is decoded, not here
            self.decode_cost_ms = 0.0
        self.decode_off_thread = self.decode_cost_ms > GUI_DECODE_BUDGET_MS
        self._decode_error_shown = False

    def _decode_pending(self, wait: bool = False) -> None:
        pending, self._pending = self._pending, {}
        self.decode_count += 1
        shape = self.shown.sample_shape if self.shown is not None else None
        if "ae" in pending and self.ae_space is not None:
            xy, space = pending["ae"], self.ae_space
            self.show_in_probe_pane(lambda: space.decode_at(xy), f"({xy[0]:.2f}, {xy[1]:.2f})", wait=wait)
        if "pca" in pending and self.pca_space is not None:
            xy = pending["pca"]
            self.samples.pca_probe.set_sample(self.pca_space.decode_at(xy), shape, f"({xy[0]:.2f}, {xy[1]:.2f})")

    def show_in_probe_pane(self, decode: Callable[[], np.ndarray], label: str, wait: bool = False) -> None:
        """Show `decode()` under "Decoded at the probe": computed here when the model decodes within the
        budget, else in the background thread (the newest request wins; none is shown after a newer one)."""
        space = self.ae_space
        self._ae_requested += 1
        request = self._ae_requested
        if self.decode_off_thread and not wait:
            self._decoder_thread().submit("ae", decode, lambda image: self._show_ae_probe(space, request, label, image))
        else:
            self._show_ae_probe(space, request, label, decode())

    def _show_ae_probe(self, space: AutoencoderSpace, request: int, label: str, image: np.ndarray) -> None:
        # A background result can arrive after a newer one was shown, or after the dataset changed.
        if request <= self._ae_shown or space.data is not self.shown:
            return
        self._ae_shown = request
        self.samples.ae_probe.set_sample(image, self.shown.sample_shape, label)

    def _decoder_thread(self) -> LatestOnlyRunner:
        if self._background_decodes is None:
            self._background_decodes = LatestOnlyRunner(self, name="aeviewer-probe-decode")
            self._background_decodes.failed.connect(self._on_decode_failed)
        return self._background_decodes

    def _on_decode_failed(self, details: str) -> None:
        if not self._decode_error_shown:  # once per model: a failing decoder would fail on every move
            self._decode_error_shown = True
            self.show_error("The model could not decode the probe position:\n" + details)

    def decode_now(self) -> None:
        """Finish any queued decode at once, on this thread (tests and exports want the latest picture)."""
        self._decode_timer.stop()
        self._decode_pending(wait=True)

    def select_sample(self, index: int) -> None:
        """Highlight sample `index` in both views, move both probes onto it and show it three ways."""
        self.selected = int(index)
        self.ae_view.set_probe(self.ae_space.points[index])
        if self.pca_space is not None:
            self.pca_view.set_probe(self.pca_space.points[index])
        self._show_selection()

    def _show_selection(self) -> None:
        i, shape = self.selected, self.shown.sample_shape
        label = "" if self.shown.y is None else f", label {self.shown.class_name(int(self.shown.y[i]))}"
        self.samples.sample_box.setTitle(f"Selected sample #{i}{label}")
        self.samples.original.set_sample(self.shown.x[i], shape, "")
        for pane, space in ((self.samples.ae_recon, self.ae_space), (self.samples.pca_recon, self.pca_space)):
            if space is None:  # PCA still being fitted: it fills in when ready
                continue
            recon = space.reconstruction(i)
            pane.set_sample(recon, shape, f"MSE {sample_error(self.shown.x[i], recon):.4f}")
        self.ae_view.set_highlight(i)
        self.pca_view.set_highlight(i)

    def _update_comparison(self) -> None:
        if self.ae_space is None or self.dataset is None or self.pca_space is None:
            return  # without PCA there is nothing to compare with yet (see _baseline_ready)
        k = self.ae_space.latent_dim
        if k not in self._pca_errors:
            self._pca_errors[k] = pca_error_at(self.dataset.split(test=False), self.shown, k)
        self.samples.show_comparison(float(self.ae_space.errors().mean()), self._pca_errors[k], k)

    def _fit_views(self) -> None:
        self.ae_view.follow_data()
        self.pca_view.follow_data()
        self.loss_plot.follow_data()

    # --- messages, recent files, drag and drop, closing -----------------------------------------------
    def show_error(self, message: str) -> None:
        """Tell the user without blocking: a window-modal box plus the status bar. The app stays usable."""
        self.last_error = message
        self.statusBar().showMessage(message.splitlines()[0], 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, "aeviewer", message.splitlines()[0], parent=self)
        if "\n" in message:
            box.setDetailedText(message)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self.error_box = box

    def _start_task(self, task: BackgroundTask) -> BackgroundTask:
        self._tasks.add(task)
        task.failed.connect(self.show_error)
        task.finished.connect(lambda: self._tasks.discard(task))
        task.start()
        return task

    def _remember(self, path: str) -> None:
        recent = [p for p in (self.settings.value("recent", []) or []) if p != path]
        self.settings.setValue("recent", [path, *recent][:10])
        self._refresh_recent_menu()

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.value("recent", []) or []
        if isinstance(recent, str):
            recent = [recent]
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(recent))

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.open_path(urls[0])

    def closeEvent(self, event) -> None:  # noqa: N802
        """Stop training cleanly: cancel between steps and wait for the worker thread to end."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait(10_000)
            trainer, saver = self.worker.trainer, self.worker.autosaver
            # Keep the work for the next start to offer.
            if saver is not None and trainer is not None and trainer.completed_epochs:
                saver.maybe_save(trainer.model, trainer.history, force=True)
        else:
            clear_recovery(self.recovery_folder)
        for task in list(self._tasks):
            task.cancel()
            task.wait(5_000)
        self.sessions.remember_geometry()
        if self.follower is not None:
            self.follower.stop()
        if self._background_decodes is not None:
            self._background_decodes.stop()
        super().closeEvent(event)


def start_window(dataset_spec: str = "digits") -> MainWindow:
    window = MainWindow()
    try:
        window.set_dataset(load_dataset(dataset_spec), baseline_later=True)
        window.dataset_spec = dataset_spec
    except AeviewerError as exc:
        window.set_dataset(load_dataset("digits"))
        window.show_error(str(exc))
    offer_recovery(window)
    return window

