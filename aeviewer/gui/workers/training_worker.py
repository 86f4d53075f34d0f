"""Runs the core Trainer off the GUI thread and hands the window progress and model snapshots."""

from __future__ import annotations

import copy
import threading
import time
import traceback
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QThread, Signal

from aeviewer.core import threads
from aeviewer.core.errors import AeviewerError
from aeviewer.core.models.inference import encode_array
from aeviewer.core.session.recovery import RecoveryAutosaver
from aeviewer.core.train.quality import HealthMonitor
from aeviewer.core.train.trainer import Trainer


class TrainingWorker(QThread):
    """A QThread around `Trainer.run()`; the Trainer itself is built in the thread too.

    Building a Trainer creates its first optimizer, which on a fresh process imports torch's compiler
    stack (about 2 s): done here, the window stays responsive. Pause, resume and cancel may arrive
    before the Trainer exists; they are applied as soon as it does.

    The GUI never touches the model being trained: every `snapshot_interval` seconds (and at the
    end) the worker emits an eval-mode copy with its codes of the shown samples, so drag-to-decode
    and the scatter read a consistent model while the weights keep changing. When encoding the shown
    samples is slow (10 000 of them, a big model) snapshots come less often, so they never take more
    than `SNAPSHOT_SHARE` of this thread; the window's cost of showing one grows with them too.
    """

    SNAPSHOT_SHARE = 0.1

    progress = Signal(object)  # TrainProgress
    problem = Signal(str)  # a collapse confirmed at an epoch end (one sentence), or "" when it cleared
    snapshot = Signal(object, object)  # (model copy in eval mode, codes of the shown samples)
    failed = Signal(str)
    finished_training = Signal(bool)  # True: all epochs ran; False: cancelled or failed

    def __init__(self, make_trainer: Callable[[], Trainer], shown_x: np.ndarray, snapshot_interval: float = 0.5,
                 autosaver: RecoveryAutosaver | None = None) -> None:
        super().__init__()
        self.make_trainer = make_trainer
        self.trainer: Trainer | None = None
        self._lock = threading.Lock()
        self._paused = self._cancelled = False
        self.shown_x = shown_x
        self.snapshot_interval = snapshot_interval  # the shortest interval
        self.snapshot_every = snapshot_interval  # the current one
        self.autosaver = autosaver  # recovery checkpoints at epoch ends, in this thread (weights match history)
        # Collapse checks at epoch ends, here between steps (the weights hold still), on the shown samples.
        self.health = HealthMonitor(shown_x)

    def pause(self) -> None:
        self._control(paused=True)

    def resume(self) -> None:
        self._control(paused=False)

    def cancel(self) -> None:
        self._control(cancelled=True)

    def _control(self, paused: bool | None = None, cancelled: bool = False) -> None:
        with self._lock:
            self._paused = self._paused if paused is None else paused
            self._cancelled = self._cancelled or cancelled
            if self.trainer is not None:
                self._apply(self.trainer)

    def _apply(self, trainer: Trainer) -> None:
        if self._cancelled:
            trainer.cancel()  # also wakes a paused run
        elif self._paused:
            trainer.pause()
        else:
            trainer.resume()

    def run(self) -> None:  # runs in the worker thread
        threads.use_for_bulk_work(background=True)
        completed = False
        try:
            trainer = self.make_trainer()
            with self._lock:
                self.trainer = trainer
                self._apply(trainer)
            last = 0.0
            for event in self.trainer.run():
                if event.epoch_done and self.autosaver is not None:
                    self.autosaver.maybe_save(self.trainer.model, self.trainer.history)
                self.progress.emit(event)
                if event.epoch_done:
                    self._check_health(event.epoch, event.losses)
                now = time.monotonic()
                if now - last >= self.snapshot_every:
                    self._emit_snapshot()
                    last = time.monotonic()
                    self.snapshot_every = max(self.snapshot_interval, (last - now) / self.SNAPSHOT_SHARE)
            completed = not self.trainer.cancelled
        except AeviewerError as exc:
            self.failed.emit(str(exc))
        except Exception:  # never swallowed: the window shows the traceback
            self.failed.emit("Training failed unexpectedly:\n" + traceback.format_exc())
        try:
            if self.trainer is not None:
                self._emit_snapshot()
                if self.trainer.history:
                    final = self.health.final()
                    self.problem.emit("" if final is None else final.message)
        except Exception:
            self.failed.emit("Could not encode the data after training:\n" + traceback.format_exc())
        self.finished_training.emit(completed)

    def _check_health(self, epoch: int, losses: dict[str, float]) -> None:
        if self.trainer is None:
            return
        was_reported = self.health.watch.reported is not None
        found = self.health.epoch_end(self.trainer.model, epoch, losses)
        if found is not None:
            self.problem.emit(found.message)
        elif was_reported and self.health.watch.reported is None:
            self.problem.emit("")

    def _emit_snapshot(self) -> None:
        if self.trainer is None:
            return
        model = copy.deepcopy(self.trainer.model).eval()
        self.snapshot.emit(model, encode_array(model, self.shown_x))
