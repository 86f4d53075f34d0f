"""Train, pause, cancel: drives one TrainingWorker from the settings panel and keeps `state.status` in step."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from aeviewer.core.models import Autoencoder, build_model
from aeviewer.core.session.recovery import RecoveryAutosaver, clear_recovery
from aeviewer.core.state import Status
from aeviewer.core.train.progress_line import progress_line
from aeviewer.core.train.trainer import Trainer, resolve_device
from aeviewer.gui.workers.training_worker import TrainingWorker

if TYPE_CHECKING:
    from aeviewer.gui.app.main_window import MainWindow


class TrainingController(QObject):
    """Owns the training worker: start, pause/resume, cancel, progress into the panel and plot, and close."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window, self.state, self.panel = window, window.state, window.settings_panel
        self.worker: TrainingWorker | None = None
        self.notices: list[str] = []  # e.g. out-of-memory fallbacks, shown in the status
        # Where people look: the live state sits in the status bar (the panel's status is below the fold).
        self.status_label = QLabel("")
        self.status_label.setObjectName("training_status")
        window.statusBar().addPermanentWidget(self.status_label)
        # A second Train on the same model carries on: its epochs and steps count from where the last run ended.
        self.epoch_base = self.step_base = 0
        self.started_at = time.monotonic()
        self.panel.train_clicked.connect(self.start)
        self.panel.pause_clicked.connect(self.toggle_pause)
        self.panel.cancel_clicked.connect(self.cancel)

    def train_or_pause(self) -> None:
        if self.state.training:
            self.toggle_pause()
        else:
            self.start()

    def start(self) -> None:
        w, state = self.window, self.state
        if state.training or state.dataset is None or state.shown is None:
            return
        wanted = self.panel.model_config(state.dataset.sample_shape)
        if state.model is None or getattr(state.model, "config", None) != wanted:
            try:
                w.explorer.set_model(build_model(wanted, seed=0), history=[])
            except ValueError as exc:
                w.show_error(f"Cannot build that model: {exc}")
                return
        train, config, model = state.dataset.split(test=False), self.panel.train_config(), state.model
        if not isinstance(model, Autoencoder):  # set_model above replaced any model of other inputs or kind
            return
        autosaver = RecoveryAutosaver(state.dataset.name, state.reopen_spec(), tuple(state.dataset.x.shape), config,
                                      interval_s=w.autosave_interval_s, folder=w.recovery_folder)
        self.notices = []
        self.epoch_base, self.step_base = len(state.history), w.loss_plot.last_step()  # 0, 0 for a new model
        self.started_at = time.monotonic()
        self.worker = TrainingWorker(lambda on_pause: Trainer(model, train.x, config, on_pause=on_pause),
                                     state.shown.x, autosaver=autosaver, shown_y=state.shown.y,
                                     replay=state.formation)
        self.worker.formation.connect(self._on_formation)
        self.worker.yielded.connect(self._on_progress)
        self.worker.problem.connect(self._on_problem)
        state.training_problem = ""
        self.worker.snapshot.connect(w.explorer.show_snapshot)
        self.worker.errored.connect(w.show_error)
        self.worker.paused.connect(self._on_paused)
        self.worker.resumed.connect(self._on_resumed)
        self.worker.returned.connect(self._on_finished)
        self.panel.set_training(True)
        self.panel.progress.setRange(0, config.epochs)
        self.panel.progress.setValue(0)
        self.panel.status.setText(f"Starting on {resolve_device(config.device)}…")
        self.status_label.setText(f"Training: starting on {resolve_device(config.device)}…")
        state.status = Status.TRAINING
        self.worker.start()

    def toggle_pause(self) -> None:
        """Ask the worker to pause or go on; the status follows when the worker says it has stopped or gone on.
        The Pause button shows the worker's request (it toggles itself when clicked: set it back in step)."""
        if self.worker is None or not self.state.training:
            return
        if self.worker.pause_requested:
            self.worker.resume()
        else:
            self.worker.pause()
        self.panel.pause_button.setChecked(self.worker.pause_requested)

    def _on_paused(self) -> None:
        if self.worker is not None and self.worker.is_paused:  # not a stale acknowledgement
            self.state.status = Status.PAUSED
            self.panel.status.setText("Paused. Press Pause again (or Space) to go on.")
            self.status_label.setText("Paused: Space goes on")

    def _on_resumed(self) -> None:
        if self.worker is not None and self.state.status is Status.PAUSED:
            self.state.status = Status.TRAINING

    def cancel(self) -> None:
        if self.worker is not None and self.state.training:
            self.worker.cancel()  # also wakes a paused run
            self.panel.pause_button.setChecked(False)
            self.panel.status.setText("Cancelling…")

    def _on_progress(self, event: Any) -> None:
        self.panel.progress.setValue(event.epoch - (0 if event.epoch_done else 1))
        epoch, step = self.epoch_base + event.epoch, self.step_base + event.step
        self.panel.status.setText(f"epoch {epoch}/{self.epoch_base + event.epochs} · step {step:,}<br>"
                                  f"{event.samples_per_s:,.0f} samples/s on {event.device}<br>"
                                  + " · ".join(f"{k} {v:.4g}" for k, v in event.losses.items()))
        self.status_label.setText(progress_line(event, time.monotonic() - self.started_at, self.epoch_base))
        self.window.loss_plot.add(step, event.losses)
        if event.epoch_done:  # the AE-vs-PCA line follows with the next snapshot, which brings the errors
            self.state.history.append(dict(event.losses))
        if event.notice:
            self.notices.append(event.notice)
            self.window.statusBar().showMessage(event.notice, 15000)

    def _on_formation(self, formation: Any) -> None:
        self.state.formation = formation

    def _on_problem(self, message: str) -> None:
        self.state.training_problem = message
        if message:
            self.window.statusBar().showMessage(message, 30000)

    def _on_finished(self, completed: bool) -> None:
        worker, w = self.worker, self.window
        if worker is not None:
            worker.wait()
        self.panel.set_training(False)
        ran = len(worker.trainer.history) if worker is not None and worker.trainer is not None else 0
        done = self.epoch_base + ran
        if completed:
            text = f"Finished after {done} epoch(s). Space trains on."
            self.status_label.setText(f"Finished: epoch {done}")
        else:  # the trainer restored the last completed epoch: offer to keep it
            text = (f"Stopped: the model is as of epoch {done}, the last completed one. "
                    "Save it with File ▸ Save model (Ctrl+S); Space trains on.")
            self.status_label.setText(f"Stopped at epoch {done}")
        w.statusBar().showMessage(text, 15000)
        notes = self.notices + ([worker.autosaver.error] if worker and worker.autosaver
                                and worker.autosaver.error else [])
        if self.state.training_problem:
            notes.insert(0, self.state.training_problem)
        self.panel.status.setText(text + "".join(f"<br>Note: {n}" for n in notes))
        self.worker = None
        self.state.status = Status.IDLE
        if self.state.model is not None:
            self.state.model.eval()
            w.explorer.show_snapshot(self.state.model, None)
        w.explorer.update_comparison()

    def close(self) -> None:
        """Cancel between steps, wait for the thread, and keep the last epoch for the next start to offer."""
        if self.worker is None:
            clear_recovery(self.window.recovery_folder)
            return
        self.worker.cancel()
        self.worker.wait(10_000)
        trainer, saver = self.worker.trainer, self.worker.autosaver
        if saver is not None and trainer is not None and trainer.completed_epochs:
            saver.maybe_save(trainer.model, trainer.history, force=True)
