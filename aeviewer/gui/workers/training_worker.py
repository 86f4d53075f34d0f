"""Runs the core Trainer off the GUI thread and hands the window progress and model snapshots."""

from __future__ import annotations

import copy
import time
import traceback
from collections.abc import Callable, Generator

import numpy as np
from PySide6.QtCore import Signal

from aeviewer.core import threads
from aeviewer.core.errors import AeviewerError
from aeviewer.core.latent.embedding import pca_embedding
from aeviewer.core.latent.spaces import drawable
from aeviewer.core.models.inference import encode_array, errors_of_codes
from aeviewer.core.session.recovery import RecoveryAutosaver
from aeviewer.core.train.formation import Formation, FormationRecorder
from aeviewer.core.train.quality import HealthMonitor
from aeviewer.core.train.trainer import Trainer, TrainProgress
from aeviewer.gui.workers.worker import Worker

PauseHook = Callable[[bool], None]


class TrainingWorker(Worker):
    """A Worker around `Trainer.run()`: each TrainProgress is `yielded`, `returned` carries True when all
    epochs ran (False: cancelled or failed), and is always the last signal before `finished`.

    The Trainer is built in the thread too: `make_trainer(on_pause)` (pass `on_pause` to the Trainer, which
    acknowledges its pauses through it). Building one creates its first optimizer, which on a fresh process
    imports torch's compiler stack (about 2 s): done here, the window stays responsive. Pause, resume and
    cancel may arrive before the Trainer exists; they are applied as soon as it does, and the Trainer's
    stop between steps comes back as `paused` (its restart as `resumed`).

    The GUI never touches the model being trained: every `snapshot_interval` seconds (and at the
    end) the worker emits an eval-mode copy with its codes of the shown samples, so drag-to-decode
    and the scatter read a consistent model while the weights keep changing. When encoding the shown
    samples is slow (10 000 of them, a big model) snapshots come less often, so they never take more
    than `SNAPSHOT_SHARE` of this thread; the window's cost of showing one grows with them too.
    """

    SNAPSHOT_SHARE = 0.1
    CONTROLLED_BETWEEN_YIELDS = False  # the Trainer pauses between steps and stops on cancel itself

    problem = Signal(str)  # a collapse confirmed at an epoch end (one sentence), or "" when it cleared
    # (model copy in eval mode, codes of the shown samples, their PCA plane: fitted here, not on the GUI thread)
    snapshot = Signal(object, object, object, object)  # model, codes, plane, per-sample errors or None
    formation = Signal(object)  # a copy of the replay frames kept so far (core/train/formation.py), per new frame

    def __init__(self, make_trainer: Callable[[PauseHook], Trainer], shown_x: np.ndarray,
                 snapshot_interval: float = 0.5, autosaver: RecoveryAutosaver | None = None,
                 shown_y: np.ndarray | None = None, replay: Formation | None = None) -> None:
        super().__init__()
        self.make_trainer = make_trainer
        self.trainer: Trainer | None = None
        self.shown_x = shown_x
        self.snapshot_interval = snapshot_interval  # the shortest interval
        self.snapshot_every = snapshot_interval  # the current one
        self.epoch_ended = False  # since the last snapshot: the next one brings the shown samples' errors
        self.autosaver = autosaver  # recovery checkpoints at epoch ends, in this thread (weights match history)
        # Collapse checks at epoch ends, here between steps (the weights hold still), on the shown samples.
        self.health = HealthMonitor(shown_x)
        self.shown_y = shown_y
        self.replay = replay  # the frames of earlier training of this model, to go on from
        self.recorder: FormationRecorder | None = None

    def _requested(self) -> None:
        if self.trainer is None:
            return
        if self.cancelled:
            self.trainer.cancel()  # also wakes a paused run
        elif self.pause_requested:
            self.trainer.pause()
        else:
            self.trainer.resume()

    def work(self) -> Generator[TrainProgress, None, bool]:  # runs in the worker thread; returns whether all epochs ran
        threads.use_for_bulk_work(background=True)
        completed = False
        try:
            trainer = self.make_trainer(self.acknowledge_pause)
            with self._lock:
                self.trainer = trainer
                self._requested()
            self._start_replay(trainer)
            last = 0.0
            for event in trainer.run():
                if self.recorder is not None and self.recorder.observe(trainer.model, event):
                    self.formation.emit(self.recorder.formation.copy())
                if event.epoch_done and self.autosaver is not None:
                    self.autosaver.maybe_save(trainer.model, trainer.history)
                yield event
                if event.epoch_done:
                    self._check_health(event.epoch, event.losses)
                    self.epoch_ended = True
                now = time.monotonic()
                if now - last >= self.snapshot_every:
                    self._emit_snapshot()
                    last = time.monotonic()
                    self.snapshot_every = max(self.snapshot_interval, (last - now) / self.SNAPSHOT_SHARE)
            completed = not trainer.cancelled
            if self.recorder is not None and trainer.history:  # the replay ends on the model the window keeps
                self.recorder.finish(trainer.model, trainer.completed_epochs * trainer.steps_per_epoch,
                                     float(trainer.history[-1].get("total", float("nan"))))
                self.formation.emit(self.recorder.formation.copy())
        except AeviewerError as exc:
            self.errored.emit(str(exc))
        except Exception:  # never swallowed: the window shows the traceback
            self.errored.emit("Training failed unexpectedly:\n" + traceback.format_exc())
        try:
            if self.trainer is not None:
                self._emit_snapshot(final=True)
                if self.trainer.history:
                    final = self.health.final()
                    self.problem.emit("" if final is None else final.message)
        except Exception:
            self.errored.emit("Could not encode the data after training:\n" + traceback.format_exc())
        return completed

    def _start_replay(self, trainer: Trainer) -> None:
        """Keep replay frames of a fixed subset of the shown samples, going on from this model's earlier ones."""
        recorder = FormationRecorder(self.shown_x, self.shown_y, trainer.config.epochs, trainer.steps_per_epoch)
        if self.replay is None or not recorder.continue_from(self.replay, steps_restart=True):
            recorder.record(trainer.model, 0, float("nan"))  # before training: where the replay starts
        self.recorder = recorder
        self.formation.emit(recorder.formation.copy())

    def _check_health(self, epoch: int, losses: dict[str, float]) -> None:
        if self.trainer is None:
            return
        was_reported = self.health.watch.reported is not None
        found = self.health.epoch_end(self.trainer.model, epoch, losses)
        if found is not None:
            self.problem.emit(found.message)
        elif was_reported and self.health.watch.reported is None:
            self.problem.emit("")

    def _emit_snapshot(self, final: bool = False) -> None:
        if self.trainer is None:
            return
        model = copy.deepcopy(self.trainer.model).eval()
        codes = encode_array(model, self.shown_x)
        # The window's AE-vs-PCA line is updated once an epoch: the first snapshot after an epoch ends brings
        # the shown samples' errors (10,000 MNIST reconstructions took ~90 ms on the GUI thread).
        errors = errors_of_codes(model, codes, self.shown_x) if self.epoch_ended or final else None
        self.epoch_ended = False
        self.snapshot.emit(model, codes, pca_embedding(drawable(codes)).prepare(), errors)  # nothing left to do there
