"""The explorer window: builds the views, panels and docks around one ExplorerState and hands it to each owner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMessageBox, QVBoxLayout, QWidget

from aeviewer.core import threads
from aeviewer.core.session.recovery import DEFAULT_INTERVAL_S
from aeviewer.core.state import ExplorerState
from aeviewer.gui.actions.close_guard import CloseWhileTraining
from aeviewer.gui.actions.export_actions import ExportActions
from aeviewer.gui.actions.file_actions import FileActions
from aeviewer.gui.actions.menus import build_actions, build_menus
from aeviewer.gui.actions.presentation import PresentationController
from aeviewer.gui.actions.session_actions import SessionActions
from aeviewer.gui.actions.toolbar import build_toolbar
from aeviewer.gui.actions.training import TrainingController
from aeviewer.gui.app.explorer import Explorer
from aeviewer.gui.app.window_layout import ViewsLayout, start_size
from aeviewer.gui.dialogs.about_dialog import AboutDialog, ReadmeDialog
from aeviewer.gui.panels.explore_tabs import ExploreDock
from aeviewer.gui.panels.neighbour_panel import NeighbourFinder, SampleSearch
from aeviewer.gui.panels.recording_panel import RecordingPanel
from aeviewer.gui.panels.replay_panel import ReplayPanel
from aeviewer.gui.panels.samples_panel import SamplesPanel
from aeviewer.gui.panels.scrolling_tabs import scrolling
from aeviewer.gui.panels.settings_panel import SettingsPanel
from aeviewer.gui.views.first_run_hint import FirstRunHint
from aeviewer.gui.views.icons import app_icon
from aeviewer.gui.views.loss_plot import LossPlot
from aeviewer.gui.views.problem_banner import ProblemBanner
from aeviewer.gui.views.scatter_view import ScatterView, bind_probe
from aeviewer.gui.views.wheel_guard import install_wheel_guard
from aeviewer.gui.workers.background import BackgroundTask
from aeviewer.gui.workers.latest_only import LatestOnlyRunner
from aeviewer.gui.workers.probe_decoder import ProbeDecoder


class _StateField:
    """`window.dataset` and friends read the state: one store, the window's old names kept for callers."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, window: Any, owner: type | None = None) -> Any:
        return getattr(window.state, self.name)


class MainWindow(QMainWindow):
    help_menu: QMenu  # built by actions/menus.py
    recovery_box: QMessageBox | None = None  # the recovery offer at start (dialogs/recovery_prompt.py)
    dataset, shown, model, history = _StateField(), _StateField(), _StateField(), _StateField()
    ae_space, pca_space, selected = _StateField(), _StateField(), _StateField()

    def __init__(self, settings: QSettings | None = None, state: ExplorerState | None = None) -> None:
        super().__init__()
        self.setWindowTitle("aeviewer — latent-space explorer")
        self.setAcceptDrops(True)
        self.settings = settings if settings is not None else QSettings("aeviewer", "aeviewer")
        self.state = state if state is not None else ExplorerState()
        self.last_error: str | None = None
        self.recovery_folder: Path | None = None  # None: core.recovery's default in the user data dir
        self.autosave_interval_s = DEFAULT_INTERVAL_S
        self._tasks: set[BackgroundTask] = set()
        self.contour_actions: dict[str, QAction] = {}  # View ▸ Density contours, filled by build_menus
        self.points_windows: list[QMainWindow] = []  # File ▸ Open 2-D points: one window per file

        self.settings_panel = SettingsPanel()
        self.ae_view = ScatterView("Autoencoder latent space")
        self.pca_view = ScatterView("PCA (linear baseline)")
        self.samples = SamplesPanel()
        self.loss_plot = LossPlot()
        self.replay = ReplayPanel(self.state, self.ae_view, self.loss_plot, self.start_task)  # under the latent view
        self.decoder = ProbeDecoder(self.state, {"ae": self.samples.ae_probe.set_sample,
                                                 "pca": self.samples.pca_probe.set_sample}, self.show_error, self)
        # Density redraws of large point sets (pan, zoom) run here, newest request only.
        self.density_runner = LatestOnlyRunner(self, name="aeviewer-density")
        self.ae_view.set_background(self.density_runner.submit)
        self.pca_view.set_background(self.density_runner.submit)
        bind_probe(self.ae_view, self.state, "ae")
        bind_probe(self.pca_view, self.state, "pca")
        self.ae_view.probe_dragged.connect(self._paint_probe_pictures_now)
        self.pca_view.probe_dragged.connect(self._paint_probe_pictures_now)
        self.explorer = Explorer(self)
        self.set_dataset, self.set_model = self.explorer.set_dataset, self.explorer.set_model
        self.select_sample = self.explorer.select_sample
        self.neighbours = NeighbourFinder(self.state, self.samples.neighbours, self.decoder, parent=self)
        self.sample_search = SampleSearch(self.state, self.samples.neighbours, [self.ae_view, self.pca_view],
                                          self.select_sample, self)
        self.files = FileActions(self, self.settings)
        self.training_ctl = TrainingController(self)
        self.close_guard = CloseWhileTraining(self)
        self.settings_panel.open_dataset_clicked.connect(self.files.open_dataset_dialog)
        self.ae_view.point_clicked.connect(lambda i: self.select_sample(self.replay.sample_index(i)))
        self.pca_view.point_clicked.connect(self.select_sample)
        self._build_layout()
        self.setWindowIcon(app_icon())
        self.problem_banner = ProblemBanner(self.ae_view, self.state)
        self.first_run_hint = FirstRunHint.show_once(self.ae_view, self.settings)
        if self.first_run_hint is not None:
            self.ae_view.probe_released.connect(self.first_run_hint.dismiss)
        # Explore shares the left column with Settings (as tabs), so the two scatters get the width.
        self.explore = ExploreDock(self.state, self.ae_view, self.pca_view, self.decoder, self.start_task,
                                   self.statusBar().showMessage, self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.explore)
        self.tabifyDockWidget(self.settings_dock, self.explore)
        self.settings_dock.raise_()
        threads.use_for_interactive_work()
        self.recordings = RecordingPanel(self)
        recordings_dock = self._add_dock("Recordings", "recordings", scrolling(self.recordings))
        self.resizeDocks([self.settings_dock, recordings_dock], [640, 200], Qt.Orientation.Vertical)
        self.resizeDocks([self.settings_dock], [max(330, self.settings_dock.sizeHint().width())],
                         Qt.Orientation.Horizontal)
        self.presentation = PresentationController(self)
        self.sessions = SessionActions(self)
        self.registry = build_actions(self)
        build_menus(self)
        self.toolbar = build_toolbar(self, self.registry)
        self.addToolBar(self.toolbar)
        self.addToolBar(self.presentation.build_toolbar())
        self.exports = ExportActions(self)
        self.menuBar().removeAction(self.help_menu.menuAction())  # Help stays the last menu
        self.menuBar().addAction(self.help_menu.menuAction())
        self.resize(start_size(self))  # within the screen; a remembered geometry replaces it
        self.sessions.restore_geometry()
        install_wheel_guard(self)  # spin boxes and combos take the wheel only when focused

    def _add_dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        return dock

    def _build_layout(self) -> None:
        self.settings_dock = self._add_dock("Settings", "settings", scrolling(self.settings_panel))
        latent = QWidget()  # the latent view with the replay scrubber under it
        column = QVBoxLayout(latent)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.ae_view, 1)
        column.addWidget(self.replay)
        self.views_layout = ViewsLayout(self, latent, self.pca_view, self.samples, self.loss_plot)
        self.setCentralWidget(self.views_layout.main)
        self.statusBar().showMessage("Drag the cross in either view to decode that point; click a dot to inspect it.")

    @property
    def training(self) -> bool:
        return self.state.training

    def fit_views(self) -> None:
        for view in (self.ae_view, self.pca_view, self.loss_plot):
            view.follow_data()

    def show_about(self) -> AboutDialog:
        self.about_dialog = AboutDialog(self)
        self.about_dialog.open()
        return self.about_dialog

    def show_readme(self) -> ReadmeDialog:
        self.readme_dialog = ReadmeDialog(self)
        self.readme_dialog.open()
        return self.readme_dialog

    def show_error(self, message: str) -> None:
        """Tell the user without blocking: a window-modal box plus the status bar. The app stays usable."""
        self.last_error = message
        self.statusBar().showMessage(message.splitlines()[0], 15000)
        open_box = getattr(self, "error_box", None)
        if open_box is not None and open_box.isVisible() and open_box.property("message") == message:
            return  # the same failure again while its box is open: one box, never a stack of them
        box = QMessageBox(QMessageBox.Icon.Warning, "aeviewer", message.splitlines()[0], parent=self)
        if "\n" in message:
            box.setDetailedText(message)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setProperty("message", message)
        box.open()
        self.error_box = box

    def _paint_probe_pictures_now(self) -> None:
        """A drag move's pictures are decoded and painted in its own handler, ahead of queued work."""
        panes = {"ae": self.samples.ae_probe, "pca": self.samples.pca_probe}
        for view in self.decoder.flush():
            panes[view].canvas.repaint()

    def start_task(self, task: BackgroundTask, report_errors: bool = True) -> BackgroundTask:
        """Run `task`, keep it until it ends (closing waits for it), and show its failure unless told not to.

        Connect the task's signals before calling this: one emitted before a connection is lost."""
        self._tasks.add(task)
        if report_errors:
            task.failed.connect(self.show_error)
        task.finished.connect(lambda: self._tasks.discard(task))
        task.start()
        return task

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.files.open_path(urls[0])

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Each owner stops its own work: training, background tasks, run following, background decodes.
        While training, the close first asks Save / Discard / Cancel (actions/close_guard.py)."""
        if not self.close_guard.allow_close():
            event.ignore()
            return
        self.training_ctl.close()
        for task in list(self._tasks):
            task.cancel()
            task.wait(5_000)
        self.sessions.remember_geometry()
        self.files.close()
        self.decoder.close()
        self.density_runner.stop()
        for window in list(self.points_windows):
            window.close()
        self.neighbours.close()
        super().closeEvent(event)

