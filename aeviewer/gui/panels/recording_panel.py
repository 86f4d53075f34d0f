"""Record probe drags, replay them smoothly at a chosen speed, tour the class centres, export as GIF/MP4.

The maths (resampling, tours, encoding) is in aeviewer.core.session.recording and aeviewer.core.session.export;
this panel holds the recorded paths and drives the latent view's probe from a timer.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aeviewer.core.errors import AeviewerError
from aeviewer.core.latent.spaces import PointDecoder
from aeviewer.core.session.export import ScatterRenderer, path_frames, write_animation
from aeviewer.core.session.recording import ProbePath, class_centre_tour, load_probe_path
from aeviewer.gui.views.file_dialogs import open_file, save_file
from aeviewer.gui.views.icons import media_icon, show_playing
from aeviewer.gui.workers.background import BackgroundTask

if TYPE_CHECKING:
    from aeviewer.gui.app.main_window import MainWindow

REPLAY_FPS = 30.0
TOUR_NAME = "class-centre tour"


def export_path_animation(out: Path, positions: np.ndarray, model, projection, points, labels, sample_shape,
                          ranges, theme: str, title: str, fps: float, class_names: tuple[str, ...] = (),
                          progress=None, cancel=None) -> Path:
    """Runs off the GUI thread on its own copy of the model (the window keeps decoding with the original)."""
    decoder = PointDecoder(model, projection.latent_dim)
    renderer = ScatterRenderer(points, labels, (480, 480), ranges, theme, title=title, class_names=class_names)
    frames = path_frames(positions, lambda xy: decoder(projection.from_plane(xy)), sample_shape, renderer)
    return write_animation(out, frames, len(positions), fps, progress=progress, cancel=cancel)


class RecordingPanel(QWidget):
    """Record / play / tour / export controls for probe paths on the latent view."""

    playing_changed = Signal(bool)
    frame_shown = Signal(int)

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.owner = window  # not `self.window`: that is QWidget.window()
        self.paths: list[ProbePath] = []
        self.recording: ProbePath | None = None
        self._t0 = 0.0
        self._frames = np.zeros((0, 2))
        self._frame = 0
        self.export_task: BackgroundTask | None = None

        self.record_button = QPushButton(media_icon("record"), "Record drag")
        self.record_button.setCheckable(True)
        self.record_button.setToolTip("Toggle, then drag the probe in the latent view (Ctrl+R)")
        self.path_list = QListWidget()
        self.path_list.setMaximumHeight(90)
        self.speed = QDoubleSpinBox()
        self.speed.setRange(0.1, 8.0)
        self.speed.setSingleStep(0.25)
        self.speed.setValue(1.0)
        self.speed.setSuffix("×")
        self.play_button = QPushButton(media_icon("play"), "Play")
        self.play_button.setCheckable(True)
        self.tour_button = QPushButton("Tour class centres")
        self.save_button = QPushButton("Save path…")
        self.load_button = QPushButton("Load path…")
        self.export_button = QPushButton("Export GIF / MP4…")
        self.status = QLabel("")
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.record_button)
        layout.addWidget(self.path_list)
        row = QHBoxLayout()
        row.addWidget(QLabel("Speed"))
        row.addWidget(self.speed)
        row.addWidget(self.play_button)
        layout.addLayout(row)
        layout.addWidget(self.tour_button)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.load_button)
        layout.addLayout(row)
        layout.addWidget(self.export_button)
        layout.addWidget(self.status)
        layout.addStretch(1)

        self.timer = QTimer(self, interval=int(1000 / REPLAY_FPS))
        self.timer.timeout.connect(self.step)
        self.record_button.toggled.connect(self.set_recording)
        self.play_button.toggled.connect(lambda on: self.play() if on else self.pause())
        self.tour_button.clicked.connect(self.tour)
        self.save_button.clicked.connect(self.save_path_dialog)
        self.load_button.clicked.connect(self.load_path_dialog)
        self.export_button.clicked.connect(self.export_dialog)
        window.ae_view.probe_moved.connect(self._probe_moved)
        window.state.events.dataset.connect(self._dataset_changed)

    def _dataset_changed(self, *_: object) -> None:
        """Recorded paths are positions in the old dataset's latent view: they go with it."""
        self.set_recording(False)
        self.set_paths([])
        self.status.setText("")

    # --- recording ----------------------------------------------------------------------------------
    def set_recording(self, on: bool) -> None:
        """Start a new recording, or finish the current one and add it to the list (when it moved at all)."""
        if self.record_button.isChecked() != on:
            self.record_button.setChecked(on)  # re-enters through `toggled`
            return
        if on:
            self.pause()
            self.recording = ProbePath(name=f"drag {len(self.paths) + 1}", space="ae")
            self.status.setText("Recording: drag the probe in the latent view; press Record again to stop.")
        elif self.recording is not None:
            path, self.recording = self.recording, None
            if len(path) >= 2:
                self.add_path(path)
                self.status.setText(f"Recorded {path.name}: {path.duration:.1f} s, {len(path)} points.")
            else:
                self.status.setText("Nothing recorded: the probe did not move.")

    def _probe_moved(self, xy: np.ndarray) -> None:
        if self.recording is None or self.timer.isActive():
            return
        now = time.monotonic()
        if not len(self.recording):
            self._t0 = now
        self.recording.add(now - self._t0, xy)

    def add_path(self, path: ProbePath, select: bool = True) -> None:
        """Add a path to the list, replacing one of the same name."""
        for i, old in enumerate(self.paths):
            if old.name == path.name:
                self.paths[i] = path
                break
        else:
            self.paths.append(path)
            self.path_list.addItem(path.name)
        if select:
            self.path_list.setCurrentRow(self.paths.index(path))

    def set_paths(self, paths: list[ProbePath]) -> None:
        self.pause()
        self.paths = []
        self.path_list.clear()
        for p in paths:
            self.add_path(p, select=False)
        if paths:
            self.path_list.setCurrentRow(0)

    def current_path(self) -> ProbePath | None:
        row = self.path_list.currentRow()
        return self.paths[row] if 0 <= row < len(self.paths) else None

    # --- replay -------------------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def play(self, path: ProbePath | None = None) -> bool:
        """Replay `path` (default: the selected one, else the class-centre tour) from its start."""
        path = path or self.current_path() or self._make_tour()
        if path is None or not len(path):
            return False
        self.set_recording(False)
        self._frames = path.resample(REPLAY_FPS, self.speed.value())
        self._frame = 0
        self.status.setText(f"Playing {path.name} at {self.speed.value():g}×")
        self.timer.start()
        self._sync_button(True)
        self.step()
        return True

    def pause(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.status.setText("Paused.")
        self._sync_button(False)

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def step(self) -> None:
        """Show the next replay frame: move the probe there; the window decodes it."""
        if self._frame >= len(self._frames):
            self.pause()
            self.status.setText("Finished.")
            return
        xy = self._frames[self._frame]
        self.owner.ae_view.set_probe(xy)
        self.frame_shown.emit(self._frame)
        self._frame += 1

    def _sync_button(self, on: bool) -> None:
        self.play_button.blockSignals(True)
        self.play_button.setChecked(on)
        show_playing(self.play_button, on)
        self.play_button.blockSignals(False)
        self.playing_changed.emit(on)

    # --- tour ---------------------------------------------------------------------------------------
    def _make_tour(self) -> ProbePath | None:
        w = self.owner
        if w.ae_space is None or w.shown is None or w.shown.y is None:
            self.status.setText("A tour needs labelled data.")
            return None
        tour = class_centre_tour(w.ae_space.points, w.shown.y)
        tour.name = TOUR_NAME
        self.add_path(tour)
        return tour

    def tour(self) -> bool:
        """One click: visit each class centre in turn."""
        tour = self._make_tour()
        return tour is not None and self.play(tour)

    # --- files --------------------------------------------------------------------------------------
    def save_path(self, target: str | Path, path: ProbePath) -> Path:
        from aeviewer.core.train.checkpoint import _atomic_write

        target = Path(target)
        _atomic_write({target: json.dumps(path.to_dict(), indent=1).encode()})
        return target

    def load_path(self, source: str | Path) -> ProbePath:
        path = load_probe_path(source)  # bounded, schema-checked; AeviewerError naming the file
        self.add_path(path)
        return path

    def save_path_dialog(self) -> None:
        path = self.current_path()
        if path is None:
            self.owner.show_error("Record a path first (Record drag, then drag the probe).")
            return
        name = save_file(self, self.owner.settings, "path", "Save probe path", f"{path.name}.json",
                         "Probe path (*.json)")
        if name:
            try:
                self.save_path(name, path)
            except AeviewerError as exc:
                self.owner.show_error(str(exc))

    def load_path_dialog(self) -> None:
        name = open_file(self, self.owner.settings, "path", "Load probe path", "Probe path (*.json)")
        if name:
            try:
                self.load_path(name)
            except AeviewerError as exc:
                self.owner.show_error(str(exc))

    # --- animation export ---------------------------------------------------------------------------
    def export_animation(self, out: str | Path, path: ProbePath | None = None, fps: float = 25.0,
                         show_dialog: bool = True) -> BackgroundTask | None:
        """Encode `path` (default: selected / tour) as GIF or MP4 off the GUI thread, with progress and cancel."""
        w = self.owner
        path = path or self.current_path() or self._make_tour()
        if path is None or w.ae_space is None or w.model is None:
            return None
        refusal = w.state.refusal("exporting an animation")
        if refusal:
            w.show_error(refusal)
            return None
        space = w.ae_space
        positions = path.resample(fps, self.speed.value())
        theme = w.state.theme
        ranges = tuple(tuple(float(v) for v in r) for r in w.ae_view.plotItem.vb.viewRange())
        task = BackgroundTask(export_path_animation, Path(out), positions, copy.deepcopy(w.model).eval(),
                              space.projection, space.points.copy(), None if w.shown.y is None else w.shown.y.copy(),
                              w.shown.sample_shape, ranges, theme, path.name, fps, w.shown.class_names,
                              takes_progress=True)
        self.export_task = task
        if show_dialog:
            dialog = QProgressDialog(f"Writing {Path(out).name}…", "Cancel", 0, len(positions), w)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(0)
            self._export_frames, self._export_name = len(positions), Path(out).name
            task.progressed.connect(self._show_export_progress)  # a method: queued to this (the GUI) thread
            dialog.canceled.connect(task.cancel)
            task.finished.connect(dialog.close)
            self.export_dialog_box = dialog
            dialog.show()
        task.succeeded.connect(lambda p: w.statusBar().showMessage(f"Wrote {p}", 8000))
        task.failed.connect(lambda message: self._export_failed(task, message))
        w.start_task(task, report_errors=False)  # _export_failed reports, and a cancel is no error
        return task

    def _show_export_progress(self, done: int, total: int) -> None:
        """Frames, then the encoder's last pass (core's `encoding_steps`): the bar and its label say which."""
        dialog = self.export_dialog_box
        done_i, total_i = int(done), int(total)
        dialog.setMaximum(total_i)
        dialog.setValue(min(done_i, total_i))
        if done_i >= self._export_frames:
            dialog.setLabelText(f"Encoding {self._export_name}…")

    def _export_failed(self, task: BackgroundTask, message: str) -> None:
        if task.cancel_event.is_set():
            self.owner.statusBar().showMessage("Export cancelled; nothing was written.", 8000)
        else:
            self.owner.show_error(message)

    def export_dialog(self) -> None:
        name = save_file(self, self.owner.settings, "export", "Export animation", "probe-path.gif",
                         "Animated GIF (*.gif);;MP4 video (*.mp4)")
        if name:
            if Path(name).suffix.lower() not in (".gif", ".mp4"):
                name += ".gif"
            self.export_animation(name)
