"""The training thread's snapshots: never more than a tenth of its time, however slow encoding is."""

from __future__ import annotations

import time

import numpy as np

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.train.trainer import TrainConfig, Trainer
from aeviewer.gui.workers import training_worker
from aeviewer.gui.workers.training_worker import TrainingWorker


def run_worker(qtbot, seconds: float, encode_delay_s: float, monkeypatch) -> tuple[TrainingWorker, list[float]]:
    data = load_dataset("digits")
    model = build_model(ModelConfig(input_shape=data.sample_shape, latent_dim=2), seed=0)
    encode = training_worker.encode_array

    def slow_encode(m, x):
        time.sleep(encode_delay_s)  # as encoding 10 000 samples through a big model would take
        return encode(m, x)

    monkeypatch.setattr(training_worker, "encode_array", slow_encode)
    worker = TrainingWorker(lambda: Trainer(model, data.x, TrainConfig(epochs=10_000, batch_size=64)), data.x[:100])
    snapshots: list[float] = []
    worker.snapshot.connect(lambda *_: snapshots.append(time.monotonic()))
    worker.start()
    qtbot.wait(int(seconds * 1000))
    worker.cancel()
    qtbot.waitUntil(worker.isFinished, timeout=10_000)
    worker.wait()
    return worker, snapshots


def test_fast_snapshots_come_twice_a_second(qtbot, monkeypatch):
    worker, snapshots = run_worker(qtbot, 2.5, 0.0, monkeypatch)
    assert worker.snapshot_every == worker.snapshot_interval == 0.5
    assert len(snapshots) >= 4


def test_slow_snapshots_come_less_often(qtbot, monkeypatch):
    worker, snapshots = run_worker(qtbot, 2.5, 0.25, monkeypatch)
    assert worker.snapshot_every >= 2.5  # 0.25 s of encoding per snapshot: at most a tenth of the thread
    gaps = np.diff(snapshots[:-1])  # the last one is the final snapshot after cancelling
    assert len(snapshots) <= 3 and np.all(gaps >= 2.5)
