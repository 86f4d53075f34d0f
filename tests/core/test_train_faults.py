"""Training faults a user would otherwise lose work to: out of GPU memory, cancel mid-epoch, an interrupt."""

from __future__ import annotations

import pytest
import torch

from aeviewer.core.errors import TrainingError
from aeviewer.core.models import build_model
from aeviewer.core.train.trainer import TrainConfig, Trainer

from .model_data import blobs, small_config


def _weights(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _oom_above(model, monkeypatch, limit: int, calls: list[int]):
    """Make train_step raise CUDA's out-of-memory error for batches bigger than `limit`."""
    real = model.train_step

    def step(x, optimizers):
        calls.append(len(x))
        if len(x) > limit:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(x, optimizers)

    monkeypatch.setattr(model, "train_step", step)


def test_out_of_memory_halves_the_batch_and_retries(monkeypatch):
    model = build_model(small_config(), seed=0)
    calls: list[int] = []
    _oom_above(model, monkeypatch, 16, calls)
    trainer = Trainer(model, blobs(100), TrainConfig(epochs=2, batch_size=64), report_every=1000)
    events = list(trainer.run())
    assert trainer.batch_size == 16
    assert calls[:3] == [64, 32, 16]
    assert len(trainer.history) == 2 and [e.epoch for e in events if e.epoch_done] == [1, 2]
    assert "batch 64" in trainer.notices[0] and "batch 32" in trainer.notices[0]
    assert "batch 16" in trainer.notices[1]
    assert "batch 16" in events[0].notice  # the first event after the faults tells the user
    assert events[-1].steps_per_epoch == 7
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_out_of_memory_at_batch_one_falls_back_to_the_cpu(monkeypatch):
    model = build_model(small_config(), seed=0)
    trainer = Trainer(model, blobs(40), TrainConfig(epochs=1, batch_size=4), report_every=1000)
    # Simulate an accelerator: every step "runs out of GPU memory" until training moved to the CPU.
    monkeypatch.setattr(trainer, "_on_accelerator", lambda: not trainer.fell_back_to_cpu)
    real = model.train_step

    def step(x, optimizers):
        if not trainer.fell_back_to_cpu:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        return real(x, optimizers)

    monkeypatch.setattr(model, "train_step", step)
    events = list(trainer.run())
    assert trainer.fell_back_to_cpu and trainer.device == "cpu"
    assert trainer.batch_size == 4  # the configured batch again, on the CPU
    assert "CPU" in trainer.notices[-1] and "CPU" in events[0].notice
    assert len(trainer.history) == 1


def test_out_of_memory_on_the_cpu_at_batch_one_is_a_training_error(monkeypatch):
    model = build_model(small_config(), seed=0)
    _oom_above(model, monkeypatch, 0, [])
    trainer = Trainer(model, blobs(10), TrainConfig(epochs=1, batch_size=4))
    start = _weights(model)  # after the Trainer set the decoder's output to the data's mean image
    with pytest.raises(TrainingError, match="even with a batch of 1"):
        list(trainer.run())
    assert _same(_weights(model), start)


def test_other_runtime_errors_are_not_mistaken_for_oom(monkeypatch):
    model = build_model(small_config(), seed=0)

    def step(x, optimizers):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")

    monkeypatch.setattr(model, "train_step", step)
    with pytest.raises(RuntimeError, match="shapes"):
        list(Trainer(model, blobs(10), TrainConfig(epochs=1, batch_size=4)).run())


def test_cancel_mid_epoch_leaves_the_last_completed_epoch():
    model = build_model(small_config(), seed=0)
    trainer = Trainer(model, blobs(128), TrainConfig(epochs=5, batch_size=8), report_every=2)
    after_epoch_1 = None
    for event in trainer.run():
        if event.epoch_done and event.epoch == 1:
            after_epoch_1 = _weights(model)
        if event.epoch == 2 and event.step > 20:
            trainer.cancel()
    assert after_epoch_1 is not None and trainer.completed_epochs == 1
    assert _same(_weights(model), after_epoch_1)
    assert len(trainer.history) == 1
    assert not model.training


def test_interrupt_then_restore_gives_the_last_completed_epoch():
    model = build_model(small_config(), seed=0)
    trainer = Trainer(model, blobs(128), TrainConfig(epochs=5, batch_size=8), report_every=2)
    after_epoch_2 = None
    run = trainer.run()
    for event in run:
        if event.epoch_done and event.epoch == 2:
            after_epoch_2 = _weights(model)
        if event.epoch == 3 and event.step > 40:
            run.close()  # what a KeyboardInterrupt in the loop body does to the generator
            break
    assert not _same(_weights(model), after_epoch_2)  # mid-epoch weights
    trainer.restore_last_epoch()
    assert _same(_weights(model), after_epoch_2) and trainer.completed_epochs == 2
