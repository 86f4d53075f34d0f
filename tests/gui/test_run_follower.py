"""Following a run folder that a training thread is writing: the loss curve and latent view update, the window lives."""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QTimer

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.train.run_folder import METRICS_NAME, RunWriter
from aeviewer.core.train.trainer import TrainConfig, Trainer
from aeviewer.gui.workers import run_follower

WAIT_MS = 60_000


class TrainingRun(threading.Thread):
    """Trains on digits into a run folder, one epoch per `next_epoch` release, like a remote job would."""

    def __init__(self, folder, epochs: int = 3) -> None:
        super().__init__(daemon=True)
        digits = load_dataset("digits")
        self.config = ModelConfig(kind="ae", input_shape=digits.sample_shape, latent_dim=2, hidden=[32])
        self.train_config = TrainConfig(epochs=epochs, batch_size=64, seed=0, device="cpu")
        self.trainer = Trainer(build_model(self.config, seed=0), digits.split(test=False).x, self.train_config,
                               report_every=5)
        self.writer = RunWriter(folder, dataset_name="digits", dataset_shape=tuple(digits.x.shape))
        self.writer.write_config({"data": "digits", "model": self.config.to_dict(),
                                  "train": self.train_config.to_dict(), "world_size": 1})
        self.next_epoch = threading.Semaphore(0)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for event in self.trainer.run():
                self.writer.log(event)
                if event.epoch_done:
                    self.writer.save(self.trainer, self.train_config, numbered=False)
                    self.next_epoch.acquire()
        except BaseException as exc:  # surfaced by the test
            self.error = exc


def test_following_a_run_updates_loss_curve_and_latent_view(make_main_window, qtbot, tmp_path, monkeypatch):
    window = make_main_window("digits")
    run = TrainingRun(tmp_path / "run")
    loading, release = threading.Event(), threading.Event()
    load_threads = []
    real_load = run_follower.load_checkpoint

    def slow_load(path):  # a checkpoint on a slow shared filesystem: the poller thread waits, never the GUI
        load_threads.append(threading.current_thread())
        loading.set()
        release.wait(WAIT_MS / 1000)
        return real_load(path)

    monkeypatch.setattr(run_follower, "load_checkpoint", slow_load)
    run.start()
    window.files.follow_run(tmp_path / "run")
    follower = window.files.follower
    follower.poller.interval_s = 0.05

    # While the poller is stuck reading the first checkpoint, the GUI thread keeps running its timers.
    qtbot.waitUntil(loading.is_set, timeout=WAIT_MS)
    ticks = []
    timer = QTimer(window, interval=10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=WAIT_MS)
    timer.stop()
    release.set()
    assert threading.main_thread() not in load_threads

    qtbot.waitUntil(lambda: follower.checkpoints_shown >= 1, timeout=WAIT_MS)
    assert follower.cue_visible and "new checkpoint" in window.ae_view.plotItem.titleLabel.text
    steps_per_epoch = run.trainer.steps_per_epoch
    qtbot.waitUntil(lambda: window.loss_plot.point_count() >= 1, timeout=WAIT_MS)
    first_points = window.ae_space.points.copy()
    first_curve = window.loss_plot.point_count()

    run.next_epoch.release()  # epoch 2: more metrics lines, a new `last`
    qtbot.waitUntil(lambda: follower.checkpoints_shown >= 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.loss_plot.point_count() > first_curve, timeout=WAIT_MS)
    assert not np.allclose(window.ae_space.points, first_points)  # the latent view shows the new weights
    assert follower.epoch == 2 and follower.max_step == 2 * steps_per_epoch
    shown_weights, trained = window.model.state_dict(), run.trainer.model.state_dict()
    assert all(shown_weights[k].equal(trained[k]) for k in trained)  # exactly the epoch-2 weights

    # Half a line in the log is not read; once the line is complete it is.
    shown = window.loss_plot.point_count()
    with open(tmp_path / "run" / METRICS_NAME, "a") as f:
        f.write('{"step": 100000, "epoch": 9, "losses": {"total": 0.5')
        f.flush()
        polls = follower.poller.polls
        qtbot.waitUntil(lambda: follower.poller.polls >= polls + 3, timeout=WAIT_MS)
        assert window.loss_plot.point_count() == shown
        f.write('}}\n')
    qtbot.waitUntil(lambda: window.loss_plot.point_count() == shown + 1, timeout=WAIT_MS)

    run.next_epoch.release()
    run.next_epoch.release()
    run.join(WAIT_MS / 1000)
    assert run.error is None
    window.close()
    assert not follower.poller.isRunning()


def test_following_a_run_on_another_dataset_opens_that_dataset(make_main_window, qtbot, tmp_path):
    rng = np.random.default_rng(0)
    data = tmp_path / "blobs.npz"
    np.savez(data, x=rng.random((120, 5), dtype=np.float32), y=rng.integers(0, 3, 120))
    config = ModelConfig(kind="ae", input_shape=(5,), latent_dim=2, hidden=[8])
    train_config = TrainConfig(epochs=2, batch_size=32, device="cpu")
    trainer = Trainer(build_model(config, seed=0), load_dataset(str(data)).split(test=False).x, train_config)
    writer = RunWriter(tmp_path / "run", dataset_name="blobs")
    writer.write_config({"data": str(data), "model": config.to_dict(), "train": train_config.to_dict()})
    for event in trainer.run():
        writer.log(event)
    writer.save(trainer, train_config, numbered=False)

    window = make_main_window("digits")  # 8×8 digits open; the run trains on 5-value rows
    window.files.follow_run(tmp_path / "run")
    qtbot.waitUntil(lambda: window.files.follower.checkpoints_shown == 1, timeout=WAIT_MS)
    assert window.dataset.sample_shape == (5,) and window.last_error is None
    assert len(window.ae_view.points()) == len(window.shown)
    assert window.loss_plot.point_count() == len(trainer.history)  # the log's lines survive the dataset switch
