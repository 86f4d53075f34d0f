"""Follow a run folder that another process (often another machine) is writing: live loss curve, latest checkpoint.

All file reading, checkpoint loading and encoding happens in `RunPoller`, a worker thread that polls the folder
(polling, not a file watcher, because shared and synced filesystems often send no change events). The GUI thread
only receives finished records and models. Only complete metrics lines are read, and a checkpoint that vanishes or
is replaced mid-read is simply retried on the next poll.
"""

from __future__ import annotations

import contextlib
import traceback
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from aeviewer.core.errors import AeviewerError
from aeviewer.core.latent.spaces import DatasetBaseline, load_with_baseline
from aeviewer.core.models.inference import encode_array
from aeviewer.core.shapes import format_shape, model_fit_problem
from aeviewer.core.train.checkpoint import LoadedCheckpoint, load_checkpoint
from aeviewer.core.train.formation import FORMATION_NAME, load_formation
from aeviewer.core.train.run_folder import (
    LAST_NAME,
    METRICS_NAME,
    MetricsTail,
    checkpoint_path,
    checkpoint_signature,
    read_config,
)
from aeviewer.gui.workers.background import BackgroundTask
from aeviewer.gui.workers.worker import Worker

CUE_MS = 4000  # how long the "new checkpoint" cue stays up


class RunPoller(Worker):
    """A Worker that polls a run folder every `interval_s`: new metrics lines, the run config, each new `last`
    checkpoint, until cancelled (`stop`). A failure is one `errored` message, and ends the following."""

    config_read = Signal(dict)
    metrics = Signal(list)  # complete records, in file order
    checkpoint = Signal(object, object)  # LoadedCheckpoint, codes of the shown samples (or None)
    replay = Signal(object)  # the run's formation.npz (core/train/formation.py), read with each new checkpoint

    def __init__(self, folder: str | Path, interval_s: float = 0.5) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.interval_s = interval_s
        self._shown_x: np.ndarray | None = None
        self.polls = 0

    def set_shown(self, x: np.ndarray | None) -> None:
        """The samples whose codes come with each checkpoint (encoded here, off the GUI thread)."""
        with self._lock:
            self._shown_x = x

    def stop(self) -> None:
        self.cancel()

    def error_message(self, exc: Exception) -> str:
        return "Following the run failed:\n" + traceback.format_exc()

    def work(self) -> None:  # worker thread
        tail = MetricsTail(self.folder / METRICS_NAME)
        config_sent = False
        seen = None
        while not self.cancelled:
            if not config_sent:
                try:
                    self.config_read.emit(read_config(self.folder))
                    config_sent = True
                except AeviewerError:
                    pass  # not written yet (or being written): try again next poll
            records = tail.read_new()
            if records:
                self.metrics.emit(records)
            signature = checkpoint_signature(self.folder, LAST_NAME)
            if signature is not None and signature != seen:
                loaded = self._load_latest()
                if loaded is not None:
                    seen = signature
                    with self._lock:
                        x = self._shown_x
                    fits = x is not None and len(x) and tuple(x.shape[1:]) == tuple(loaded.config.input_shape)
                    # else the window's data differs: it encodes the checkpoint itself
                    codes = encode_array(loaded.model, x) if fits and x is not None else None
                    self.checkpoint.emit(loaded, (x, codes))
                    self._read_replay()
            self.polls += 1
            self.cancel_event.wait(self.interval_s)

    def _read_replay(self) -> None:
        """The run's replay frames, when it keeps them; a missing or half-synced file waits for the next one."""
        with contextlib.suppress(AeviewerError):
            self.replay.emit(load_formation(self.folder / FORMATION_NAME))

    def _load_latest(self) -> LoadedCheckpoint | None:
        """`last` as it is now; None when it vanished or was swapped mid-read (the next poll retries)."""
        try:
            return load_checkpoint(checkpoint_path(self.folder, LAST_NAME))
        except (AeviewerError, OSError):
            return None


class RunFollower(QObject):
    """Drives a MainWindow from a RunPoller: loss curve from the metrics log, latent view from each checkpoint."""

    def __init__(self, window, folder: str | Path, interval_s: float = 0.5) -> None:
        super().__init__(window)
        self.window = window
        self.folder = Path(folder)
        self.records: list[dict] = []
        self.max_step = -1
        self.checkpoints_shown = 0
        self.epoch = 0
        self.pending: tuple[LoadedCheckpoint, object] | None = None
        self.cue_visible = False
        self._loading_data = False
        self.poller = RunPoller(folder, interval_s)
        self.poller.config_read.connect(self._on_config)
        self.poller.metrics.connect(self._on_metrics)
        self.poller.checkpoint.connect(self._on_checkpoint)
        self.poller.replay.connect(self._on_replay)
        self.poller.errored.connect(window.show_error)
        self._cue_timer = QTimer(self, singleShot=True, interval=CUE_MS)
        self._cue_timer.timeout.connect(self._clear_cue)

    def start(self) -> None:
        self.window.loss_plot.clear_curves()
        self.poller.set_shown(self.window.shown.x if self.window.shown is not None else None)
        self.poller.start()
        self.window.statusBar().showMessage(f"Following {self.folder}: waiting for metrics and checkpoints…")

    def stop(self) -> None:
        self.poller.stop()
        self.poller.wait(10_000)
        self._cue_timer.stop()

    # -- slots (GUI thread) ------------------------------------------------------------------------------

    def _on_config(self, config: dict) -> None:
        shape = tuple(config.get("model", {}).get("input_shape") or ())
        current = self.window.dataset
        if current is not None and tuple(current.sample_shape) == shape:
            return
        spec = str(config.get("data", ""))
        self._loading_data = True
        self.window.statusBar().showMessage(f"Following {self.folder}: loading its dataset {spec}…")
        latent = config.get("model", {}).get("latent_dim")
        task = BackgroundTask(load_with_baseline, spec, (latent,) if latent else ())
        task.succeeded.connect(self._dataset_loaded)
        task.failed.connect(lambda _message: setattr(self, "_loading_data", False))
        self.window.start_task(task)  # connected first: a quick load's result is not lost

    def _dataset_loaded(self, loaded: DatasetBaseline) -> None:
        self._loading_data = False
        # This resets the loss curve: draw what was read so far again.
        self.window.explorer.set_dataset(loaded.dataset, loaded)
        self.poller.set_shown(self.window.shown.x)
        self.window.loss_plot.clear_curves()
        self.window.loss_plot.add_many((r["step"], r["losses"]) for r in self.records)
        if self.pending is not None:
            checkpoint, _ = self.pending
            self.pending = None
            self._on_checkpoint(checkpoint, (None, None))

    def _training_here(self) -> bool:
        """Training started in this window: its own curve and model win, so following ends."""
        if self.window.training:
            self.stop()
            self.window.statusBar().showMessage(f"Stopped following {self.folder}: training runs in this window.")
            return True
        return False

    def _on_metrics(self, records: list[dict]) -> None:
        if self._training_here():
            return
        # A run resumed from an earlier save repeats steps already logged (identically on CPU): keep the first.
        fresh = [r for r in records if r["step"] > self.max_step and isinstance(r.get("losses"), dict)]
        if not fresh:
            return
        self.max_step = fresh[-1]["step"]
        self.records.extend(fresh)
        losses = [(r["step"], {k: v for k, v in r["losses"].items() if v is not None}) for r in fresh]
        self.window.loss_plot.add_many(losses)
        last = fresh[-1]
        self.window.statusBar().showMessage(
            f"Following {self.folder.name}: epoch {last.get('epoch')} · step {last['step']:,} · "
            f"{last.get('samples_per_s', 0):,.0f} samples/s on {last.get('world_size', 1)}× {last.get('device', '?')}")

    def _on_checkpoint(self, loaded: LoadedCheckpoint, encoded: tuple) -> None:
        if self._training_here():
            return
        window = self.window
        state = window.state
        if state.dataset is None or model_fit_problem(loaded.config.input_shape, state.dataset):
            self.pending = (loaded, encoded)  # shown once the run's dataset is open
            if not self._loading_data:
                want = format_shape(loaded.config.input_shape)
                window.statusBar().showMessage(f"Following {self.folder}: its model takes {want} samples; "
                                               "open the dataset it trains on to see its latent space.")
            return
        x, codes = encoded
        if codes is None or x is not window.shown.x:
            codes = None  # encoded for another dataset: let the window encode
        state.model = loaded.model
        state.history = list(loaded.meta.get("history") or [])
        window.settings_panel.show_config(loaded.config)
        window.explorer.show_snapshot(loaded.model, codes)
        if self.checkpoints_shown == 0 and state.ae_space is not None:
            window.decoder.time_model()  # a run's checkpoints share one architecture: time its decode once
            window.ae_view.follow_data()
            window.ae_view.set_probe(state.ae_space.points.mean(axis=0))
        window.explorer.update_comparison()
        self.checkpoints_shown += 1
        self.epoch = len(state.history)
        self._show_cue()

    def _on_replay(self, formation) -> None:
        """The scrubber replays the followed run, when its frames are of the samples this window shows."""
        shown = self.window.state.shown
        if self._training_here() or shown is None or not len(formation.indices) \
                or int(formation.indices.max()) >= len(shown):
            return
        self.window.state.formation = formation

    def _show_cue(self) -> None:
        self.cue_visible = True
        self.window.ae_view.setTitle(f"{self._title()} <span style='color:#d62728'>● new checkpoint</span>")
        self.window.statusBar().showMessage(f"New checkpoint from {self.folder.name}: epoch {self.epoch}", CUE_MS)
        self._cue_timer.start()

    def _clear_cue(self) -> None:
        self.cue_visible = False
        self.window.ae_view.setTitle(self._title())

    def _title(self) -> str:
        space = self.window.ae_space
        plane = f" — {space.projection.label}" if space is not None else ""
        return f"Followed run, epoch {self.epoch}{plane}"
