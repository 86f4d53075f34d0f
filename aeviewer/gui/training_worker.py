"""Runs the core Trainer off the GUI thread and hands the window progress and model snapshots."""

from __future__ import annotations

import copy
import time
import traceback

import numpy as np
from PySide6.QtCore import QThread, Signal

from aeviewer.core import threads
from aeviewer.core.errors import AeviewerError
from aeviewer.core.inference import encode_array
from aeviewer.core.recovery import RecoveryAutosaver
from aeviewer.core.train import Trainer


class TrainingWorker(QThread):
    """A QThread around `Trainer.run()`.

    The GUI never touches the model being trained: every `snapshot_interval` seconds (and at the
    end) the worker emits an eval-mode copy with its codes of the shown samples, so drag-to-decode
    and the scatter read a consistent model while the weights keep changing.
    """

    progress = Signal(object)  # TrainProgress
    snapshot = Signal(object, object)  # (model copy in eval mode, codes of the shown samples)
    failed = Signal(str)
    finished_training = Signal(bool)  # True: all epochs ran; False: cancelled or failed

    def __init__(self, trainer: Trainer, shown_x: np.ndarray, snapshot_interval: float = 0.25,
                 autosaver: RecoveryAutosaver | None = None) -> None:
        super().__init__()
        self.trainer = trainer
        self.shown_x = shown_x
        self.snapshot_interval = snapshot_interval
        self.autosaver = autosaver  # recovery checkpoints at epoch ends, in this thread (weights match history)

    def cancel(self) -> None:
        self.trainer.cancel()

    def run(self) -> None:  # runs in the worker thread
        threads.use_for_bulk_work()
        completed = False
        try:
            last = 0.0
            for event in self.trainer.run():
                if event.epoch_done and self.autosaver is not None:
                    self.autosaver.maybe_save(self.trainer.model, self.trainer.history)
                self.progress.emit(event)
                now = time.monotonic()
                if now - last >= self.snapshot_interval:
                    self._emit_snapshot()
                    last = time.monotonic()
            completed = not self.trainer.cancelled
        except AeviewerError as exc:
            self.failed.emit(str(exc))
        except Exception:  # never swallowed: the window shows the traceback
            self.failed.emit("Training failed unexpectedly:\n" + traceback.format_exc())
        try:
            self._emit_snapshot()
        except Exception:
            self.failed.emit("Could not encode the data after training:\n" + traceback.format_exc())
        self.finished_training.emit(completed)

    def _emit_snapshot(self) -> None:
        model = copy.deepcopy(self.trainer.model).eval()
        self.snapshot.emit(model, encode_array(model, self.shown_x))
