"""The scrubber under the latent view: replays how the space formed, frame by frame, with the loss cursor.

The frames and their alignment are core's (`core/train/formation.py`, `core/latent/formation_align.py`); this
panel holds the slider, Play/Pause, the speed and a Live button, shows the chosen frame in the latent view
and moves the loss curve's cursor to that frame's step.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSlider, QToolButton, QWidget

from aeviewer.core.latent.embedding import has_module
from aeviewer.core.latent.formation_align import aligned_frames
from aeviewer.core.session.export import fit_ranges
from aeviewer.core.state import ExplorerState
from aeviewer.core.train.formation import Formation
from aeviewer.gui.views.fitted_label import FittedLabel
from aeviewer.gui.views.icons import media_icon
from aeviewer.gui.views.loss_plot import LossPlot
from aeviewer.gui.views.scatter_view import ScatterView
from aeviewer.gui.workers.background import BackgroundTask

SPEEDS = (0.5, 1.0, 2.0, 4.0)
FRAMES_PER_S = 4.0  # at 1×: a 20-epoch run replays in 5 s


class ReplayPanel(QWidget):
    """Slider + Play/Pause + speed + Live over `state.formation`; `frame_shown(f)` fires for each frame drawn."""

    frame_shown = Signal(int)

    def __init__(self, state: ExplorerState, view: ScatterView, loss_plot: LossPlot,
                 start_task: Callable[[BackgroundTask], BackgroundTask] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.view, self.loss_plot = state, view, loss_plot
        self.start_task = start_task  # runs the t-SNE replay layouts (the window's: closing waits for them)
        self.task: BackgroundTask | None = None
        self.layout_name = "pca"  # how the frames are laid out: codes/pca planes, or "tsne" once computed
        self.formation: Formation | None = None
        self.points = np.zeros((0, 0, 2), np.float32)  # aligned frames, F×N×2
        self.replaying = False  # the view shows a replay frame, not the live space
        self._was_following = True  # the view's refitting before the replay took its range over
        self._shown_ranges_of: np.ndarray | None = None  # the frames the view's range was fitted to
        self.play_button = _button("", "Play the replay of training (how the space formed)")
        self.play_button.setIcon(media_icon("play"))  # the glyphs ▶ ⏸ drew as boxes with some default fonts
        self.play_button.setCheckable(True)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Scrub through the kept epochs")
        self.slider.setRange(0, 0)
        self.speed = QComboBox()
        self.speed.setToolTip("Replay speed")
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.live_button = _button("Live", "Show the current model again")
        # New text never re-lays the window out (it did once per epoch); a long caption says less or is elided.
        self.caption = FittedLabel()
        self.caption.set_wordings("Replay: train a model to keep its epochs", "Replay: train first", "Replay")
        self.slider.setMinimumWidth(50)  # the latent column stays narrow enough for a 1024x640 window
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        for w in (self.play_button, self.slider, self.speed, self.live_button, self.caption):
            row.addWidget(w)
        row.setStretch(1, 3)
        row.setStretch(4, 2)
        # Never wider than a squeezed latent column (the window's minimum size, Esc's exact restore): below the
        # full row's width the speed box steps aside (resizeEvent).
        self._full_width = row.minimumSize().width()
        self.setMinimumWidth(60)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.step_forward)
        self.play_button.toggled.connect(self.set_playing)
        self.slider.valueChanged.connect(self.show_frame)
        self.slider.sliderPressed.connect(lambda: self.show_frame(self.slider.value()))
        self.speed.currentIndexChanged.connect(self._restart_timer)
        self.live_button.clicked.connect(self.show_live)
        state.events.formation.connect(self.set_formation)
        state.events.ae_space.connect(self._live_took_over)
        self._enable(False)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.speed.setVisible(self.width() >= self._full_width)

    def _enable(self, on: bool) -> None:
        for w in (self.play_button, self.slider, self.speed, self.live_button):
            w.setEnabled(on)

    def set_formation(self, formation: Formation | None, *_: object) -> None:
        """New frames (a training epoch, a loaded session): realign; a slider at the end stays at the end."""
        at_end = self.slider.value() >= self.slider.maximum()
        self.formation = formation
        if formation is None or not len(formation):
            self.points = np.zeros((0, 0, 2), np.float32)
            self.slider.setRange(0, 0)
            self.set_playing(False)
            self._enable(False)
            self.caption.set_wordings("Replay: train a model to keep its epochs", "Replay: train first", "Replay")
            self.show_live()
            return
        self.points = aligned_frames(formation.codes, "auto", anchor=self._anchor(formation)).astype(np.float32)
        self.layout_name = "codes" if formation.frames[-1].shape[1] <= 2 else "pca"
        self._enable(True)
        blocker = QSignalBlocker(self.slider)  # resetting the range must not draw a frame
        self.slider.setRange(0, len(formation) - 1)
        if at_end:
            self.slider.setValue(len(formation) - 1)
        blocker.unblock()
        if self.replaying:
            self.show_frame(self.slider.value())
        else:
            self.caption.set_wordings(f"Replay: {len(formation)} frames, to {formation.label(len(formation) - 1)}",
                                      f"Replay: {len(formation)} frames")
        self._lay_out_tsne()

    def _lay_out_tsne(self, *_: object) -> None:
        """While the view shows t-SNE of wide codes, replay warm-started t-SNE layouts too (in the background;
        the PCA planes are shown until they are ready). Not during training: a new frame comes every epoch."""
        formation, space = self.formation, self.state.ae_space
        if self.start_task is None or formation is None or not len(formation) or self.state.training \
                or space is None or space.projection.method != "tsne" or formation.frames[-1].shape[1] <= 2 \
                or self.layout_name == "tsne" or self.task is not None or not has_module("openTSNE"):
            return
        task = BackgroundTask(aligned_frames, formation.codes, "tsne", takes_progress=True)
        task.succeeded.connect(lambda points, f=formation: self._tsne_ready(f, points))
        task.finished.connect(self._task_done)
        self.caption.set_wordings("Replay: laying the frames out with t-SNE…", "Replay: t-SNE…")
        self.task = self.start_task(task)

    def _task_done(self) -> None:
        self.task = None

    def _tsne_ready(self, formation: Formation, points: np.ndarray) -> None:
        if formation is not self.formation or len(points) != len(formation):
            return  # new frames meanwhile, or cancelled part way
        self.points = np.asarray(points, np.float32)
        self.layout_name = "tsne"
        if self.replaying:
            self.show_frame(self.slider.value())
        else:
            self.caption.set_wordings(f"Replay (t-SNE): {len(formation)} frames", f"{len(formation)} frames")

    def _anchor(self, formation: Formation) -> np.ndarray | None:
        """Where the view shows these samples now, so the replay ends on the picture in the view."""
        space = self.state.ae_space
        if space is None or len(formation.indices) == 0 or int(formation.indices.max()) >= len(space.points):
            return None
        if space.projection.method != "pca" or space.latent_dim != formation.frames[-1].shape[1]:
            return None  # a t-SNE/UMAP picture (or another model's) is no rigid turn of these frames
        return np.asarray(space.points, np.float64)[formation.indices]

    def _live_took_over(self, *_: object) -> None:
        """A new snapshot (training, a projection) redrew the view with the live space: the replay stops."""
        self._lay_out_tsne()
        if self.replaying:
            self.replaying = False
            self.set_playing(False)
            self.loss_plot.set_cursor(None)
            if self._was_following:
                self.view.follow_data()

    def show_frame(self, f: int) -> None:
        if self.formation is None or not 0 <= f < len(self.points):
            return
        if not self.replaying:
            self._was_following = self.view.following
        if not self.replaying or self._shown_ranges_of is not self.points:
            # one range for every frame, so a cloud that grows is seen growing (as in the exported replay)
            self.view.show_range(*fit_ranges(self.points.reshape(-1, 2)))
            self._shown_ranges_of = self.points
        self.replaying = True
        labels = self.formation.labels
        names = self.state.shown.class_names if self.state.shown is not None else ()
        self.view.set_points(self.points[f], None if len(labels) == 0 or labels.min() < 0 else labels, names)
        self.loss_plot.set_cursor(self.formation.steps[f])
        self.caption.set_wordings(self.formation.label(f))
        self.caption.setToolTip(f"frame {f + 1} of {len(self.points)}")
        self.frame_shown.emit(f)

    def sample_index(self, view_index: int) -> int:
        """The shown sample behind a dot clicked in the view: a replay frame holds only the subset, so a
        click there returns to Live and names that subset sample."""
        if not self.replaying or self.formation is None or not 0 <= view_index < len(self.formation.indices):
            return view_index
        index = int(self.formation.indices[view_index])
        self.show_live()
        return index

    def show_live(self) -> None:
        """Back to the current model's picture of all shown samples."""
        self.set_playing(False)
        self.loss_plot.set_cursor(None)
        if not self.replaying:
            return
        self.replaying = False
        space, shown = self.state.ae_space, self.state.shown
        if space is not None and shown is not None:
            self.view.set_points(space.points, shown.y, shown.class_names)
        if self._was_following:
            self.view.follow_data()

    def set_playing(self, on: bool) -> None:
        on = bool(on) and len(self.points) > 1
        blocker = QSignalBlocker(self.play_button)
        self.play_button.setChecked(on)
        blocker.unblock()
        self.play_button.setIcon(media_icon("pause" if on else "play"))
        if on:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(0)  # from the start again
            self.show_frame(self.slider.value())
            self._restart_timer()
        else:
            self.timer.stop()

    def _restart_timer(self, *_: object) -> None:
        self.timer.setInterval(max(10, int(1000 / (FRAMES_PER_S * float(self.speed.currentData())))))
        if self.play_button.isChecked():
            self.timer.start()

    def step_forward(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self.set_playing(False)
            return
        self.slider.setValue(self.slider.value() + 1)


def _button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    return button
