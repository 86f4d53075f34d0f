import queue
import threading

import numpy as np
import pytest
import torch

from aeviewer.core.errors import TrainingError
from aeviewer.core.models import build_model
from aeviewer.core.models.inference import decode_array, encode_array
from aeviewer.core.train.trainer import NonFiniteLossError, TrainConfig, Trainer, TrainProgress

from .model_data import blobs, small_config


def _weights(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_events_cadence_and_history():
    x = blobs(100)
    trainer = Trainer(build_model(small_config()), x, TrainConfig(epochs=3, batch_size=16), report_every=3)
    events = list(trainer.run())
    assert all(isinstance(e, TrainProgress) for e in events)
    assert trainer.steps_per_epoch == 7  # 100 / 16, last batch partial
    done = [e for e in events if e.epoch_done]
    assert [e.epoch for e in done] == [1, 2, 3]
    assert [e.losses for e in done] == trainer.history
    mid = [e for e in events if not e.epoch_done]
    assert all(e.step % 3 == 0 for e in mid)
    assert events[-1].step == 21 and events[-1].epochs == 3 and events[-1].steps_per_epoch == 7
    assert all(e.samples_per_s > 0 and e.device == "cpu" for e in events)
    assert not trainer.model.training  # left in eval mode, ready for the GUI


@pytest.mark.parametrize("kind", ["ae", "vae", "aae"])
def test_seeded_runs_are_deterministic(kind):
    x = blobs(96)

    def train(seed):
        model = build_model(small_config(kind=kind), seed=0)
        list(Trainer(model, x, TrainConfig(epochs=2, batch_size=16, seed=seed)).run())
        return _weights(model)

    assert _same(train(7), train(7))
    assert not _same(train(7), train(8))


def test_cancel_from_inside_the_loop():
    x = blobs(128)
    trainer = Trainer(build_model(small_config()), x, TrainConfig(epochs=50, batch_size=16), report_every=2)
    seen = 0
    for _ in trainer.run():
        seen += 1
        if seen == 10:
            trainer.cancel()
    assert seen == 10  # no event after the cancel
    assert trainer.cancelled
    assert 0 < len(trainer.history) < 50
    z = encode_array(trainer.model, x)
    assert z.shape == (128, 2) and np.isfinite(z).all()
    assert decode_array(trainer.model, z[:3]).shape == (3, 1, 8, 8)


def test_pause_and_resume_from_another_thread():
    x = blobs(64)
    stopped, restarted = threading.Event(), threading.Event()
    acks: list[bool] = []

    def on_pause(paused: bool) -> None:  # called from the training thread
        acks.append(paused)
        (stopped if paused else restarted).set()

    trainer = Trainer(build_model(small_config()), x, TrainConfig(epochs=400, batch_size=16), report_every=1,
                      on_pause=on_pause)
    events: queue.Queue[TrainProgress] = queue.Queue()
    worker = threading.Thread(target=lambda: [events.put(e) for e in trainer.run()])
    worker.start()
    try:
        events.get(timeout=10)
        trainer.pause()
        assert trainer.paused
        assert stopped.wait(10), "the pause was never acknowledged"
        position, step = trainer.position, trainer._step
        while not events.empty():
            events.get_nowait()  # the events yielded before the stop
        assert worker.is_alive() and trainer.position == position and trainer._step == step
        stopped.clear()
        trainer.resume()
        assert restarted.wait(10), "the resume was never acknowledged"
        assert events.get(timeout=10).step > step, "training did not go on"
        restarted.clear()
        trainer.pause()
        assert stopped.wait(10)
        trainer.cancel()  # a cancel while paused ends run(), and leaves the pause
        worker.join(10)
        assert not worker.is_alive() and restarted.is_set()
    finally:
        trainer.cancel()
        worker.join(10)
    assert acks == [True, False, True, False]
    assert len(trainer.history) < 400


def test_a_pause_stops_before_the_next_step_and_is_acknowledged_once():
    """Same thread, no timing: the acknowledgement itself resumes, so the run must stop exactly where it was."""
    x = blobs(64)
    seen: list[tuple[bool, tuple[int, int]]] = []

    def on_pause(paused: bool) -> None:
        seen.append((paused, trainer.position))
        trainer.resume()  # what a person pressing Pause again does

    trainer = Trainer(build_model(small_config()), x, TrainConfig(epochs=2, batch_size=16), report_every=1,
                      on_pause=on_pause)
    positions = []
    for e in trainer.run():
        positions.append(trainer.position)
        if e.step == 3:
            trainer.pause()
    assert seen == [(True, (1, 3)), (False, (1, 3))]  # stopped before step 4, went on from there
    assert len(positions) == 8 and len(trainer.history) == 2  # nothing skipped, nothing repeated


def test_a_run_that_is_never_paused_never_acknowledges():
    calls: list[bool] = []
    trainer = Trainer(build_model(small_config()), blobs(32), TrainConfig(epochs=1, batch_size=16),
                      on_pause=calls.append)
    list(trainer.run())
    assert calls == []


def test_nan_rolls_back_to_the_last_good_epoch():
    x = blobs(64)
    model = build_model(small_config(), seed=0)
    trainer = Trainer(model, x, TrainConfig(epochs=5, batch_size=16), report_every=2)
    good = None
    with pytest.raises(NonFiniteLossError) as info:
        for e in trainer.run():
            if e.epoch_done and e.epoch == 2:
                good = _weights(model)
                with torch.no_grad():
                    model.decoder[0].weight[0, 0] = float("nan")  # a weight goes bad mid-training
    err = info.value
    assert isinstance(err, TrainingError)
    assert err.term == "recon"
    assert "'recon'" in str(err) and "learning rate" in str(err) and "epoch 2" in str(err)
    assert err.restored_epoch == 2
    assert _same(_weights(model), good)
    assert len(trainer.history) == 2
    # The optimizer was restored too: training can go on from the good state.
    list(Trainer(model, x, TrainConfig(epochs=1, batch_size=16)).run())
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_nan_in_the_first_epoch_restores_initial_weights(monkeypatch):
    x = blobs(64)
    model = build_model(small_config(kind="vae"), seed=0)
    start = _weights(model)
    real_loss = model.loss

    def exploding(batch):
        terms = real_loss(batch)
        terms["kl"] = terms["kl"] * float("inf")
        return terms

    monkeypatch.setattr(model, "loss", exploding)
    trainer = Trainer(model, x, TrainConfig(epochs=2, batch_size=16), report_every=100)
    assert not _same(_weights(model), start)  # a new model's decoder starts at the data's mean image
    start = _weights(model)
    with pytest.raises(NonFiniteLossError, match="'kl'") as info:
        list(trainer.run())
    assert info.value.term == "kl" and info.value.restored_epoch == 0
    assert _same(_weights(model), start)


def test_bad_inputs_are_training_errors():
    model = build_model(small_config())
    with pytest.raises(TrainingError, match="shape"):
        Trainer(model, np.zeros((4, 1, 9, 9), np.float32), TrainConfig())
    with pytest.raises(TrainingError, match="learning rate"):
        Trainer(model, blobs(8), TrainConfig(lr=0))


def test_accepts_a_tensor_and_a_vector_dataset():
    x = torch.rand(40, 12)
    model = build_model(small_config(input_shape=(12,)))
    trainer = Trainer(model, x, TrainConfig(epochs=1, batch_size=64))
    assert [e.epoch_done for e in trainer.run()] == [True]
    assert trainer.encode_all(x).shape == (40, 2)


def test_train_config_round_trip():
    cfg = TrainConfig(epochs=3, batch_size=7, lr=0.5, seed=None, device="cpu")
    assert TrainConfig.from_dict({**cfg.to_dict(), "future_field": 1}) == cfg


def test_unseeded_runs_shuffle_differently():
    x = blobs(96)

    def train():
        model = build_model(small_config(), seed=0)
        list(Trainer(model, x, TrainConfig(epochs=1, batch_size=16, seed=None)).run())
        return _weights(model)

    assert not _same(train(), train())
