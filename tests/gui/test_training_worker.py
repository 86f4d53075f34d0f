"""The training thread's snapshots: never more than a tenth of its time, however slow encoding is.

The worker's generator is driven here, on the test thread, against a clock the test moves: each event
stands for 0.1 s of training and each encode for `encode_s`, so the cadence is exact and nothing sleeps.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.train.trainer import TrainConfig, Trainer
from aeviewer.gui.workers import training_worker
from aeviewer.gui.workers.training_worker import TrainingWorker

STEP_S = 0.1  # training time between two events


def drive(monkeypatch, encode_s: float, events: int = 60) -> tuple[TrainingWorker, list[float], float]:
    data = load_dataset("digits")
    model = build_model(ModelConfig(input_shape=data.sample_shape, latent_dim=2, hidden=(32,)), seed=0)
    clock = SimpleNamespace(t=0.0)
    monkeypatch.setattr(training_worker, "time", SimpleNamespace(monotonic=lambda: clock.t))
    encode = training_worker.encode_array

    def timed_encode(m, x):
        clock.t += encode_s  # as encoding 10 000 samples through a big model would take
        return encode(m, x)

    monkeypatch.setattr(training_worker, "encode_array", timed_encode)
    monkeypatch.setattr(training_worker.threads, "use_for_bulk_work", lambda background=False: None)  # not niced
    config = TrainConfig(epochs=10_000, batch_size=64)
    worker = TrainingWorker(lambda on_pause: Trainer(model, data.x[:640], config, report_every=5, on_pause=on_pause),
                            data.x[:100])
    snapshots: list[float] = []
    worker.snapshot.connect(lambda *_: snapshots.append(clock.t))
    work = worker.work()
    for _ in range(events):
        next(work)
        clock.t += STEP_S
    worker.cancel()
    training_s = events * STEP_S
    for _ in work:
        pass
    return worker, snapshots, training_s


def test_fast_snapshots_come_twice_a_second(monkeypatch):
    worker, snapshots, training_s = drive(monkeypatch, encode_s=0.0)
    assert worker.snapshot_every == worker.snapshot_interval == 0.5
    gaps = np.diff(snapshots[:-1])  # the last one is the final snapshot after cancelling
    assert np.all(gaps >= 0.5 - 1e-9) and np.all(gaps <= 0.5 + STEP_S + 1e-9)
    assert len(snapshots) >= training_s / (0.5 + STEP_S)


def test_slow_snapshots_come_less_often(monkeypatch):
    worker, snapshots, training_s = drive(monkeypatch, encode_s=0.25)
    assert worker.snapshot_every >= 2.5  # 0.25 s of encoding per snapshot: at most a tenth of the thread
    gaps = np.diff(snapshots[:-1])
    assert len(snapshots) >= 3 and np.all(gaps >= 2.5)  # 0.25 s of each 2.5 s: a tenth
    assert len(snapshots) - 1 <= training_s / 2.5 + 1


def test_a_snapshot_brings_its_pca_plane_and_the_window_draws_it_as_is(monkeypatch):
    from aeviewer.core.latent.spaces import AutoencoderSpace, drawable

    data = load_dataset("digits")
    model = build_model(ModelConfig(input_shape=data.sample_shape, latent_dim=8, hidden=(32,)), seed=0)
    worker = TrainingWorker(lambda on_pause: Trainer(model, data.x[:640], TrainConfig(epochs=1, batch_size=64),
                                                     on_pause=on_pause), data.x[:100])
    got: list[tuple] = []
    worker.snapshot.connect(lambda *args: got.append(args))
    worker.trainer = Trainer(model, data.x[:640], TrainConfig(epochs=1, batch_size=64))
    worker._emit_snapshot()
    snap_model, codes, plane, errors = got[0]
    assert errors is None  # no epoch ended since the last snapshot: nothing new for the AE-vs-PCA line
    # Fitted in the training thread: the plane of these codes, which the space then uses without refitting.
    shown = data.subset(np.arange(100))
    np.testing.assert_allclose(plane.points, AutoencoderSpace.build(snap_model, shown, codes).points, atol=1e-5)
    space = AutoencoderSpace.build(snap_model, shown, codes, plane)
    assert space.projection is plane and np.array_equal(space.points, drawable(plane.points))
    assert plane._tree is not None and plane._spacing is not None  # the probe's trust needs no tree built there

    worker.epoch_ended = True
    worker._emit_snapshot()
    snap_model, codes, plane, errors = got[1]
    # The samples' reconstruction errors, as the window would compute them, come with the first snapshot after
    # an epoch; the space built from it answers with them.
    np.testing.assert_allclose(errors, AutoencoderSpace.build(snap_model, shown, codes).errors(), rtol=1e-5, atol=1e-7)
    assert AutoencoderSpace.build(snap_model, shown, codes, plane, errors).errors() is not None
    worker._emit_snapshot()
    assert got[2][3] is None and not worker.epoch_ended
