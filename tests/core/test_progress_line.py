"""The status bar's training line: epochs continue across runs, the time left follows the pace so far."""

from __future__ import annotations

from aeviewer.core.train.progress_line import format_duration, progress_line, remaining_s
from aeviewer.core.train.trainer import TrainProgress


def event(epoch: int, step: int, epochs: int = 10, steps_per_epoch: int = 100) -> TrainProgress:
    return TrainProgress(epoch=epoch, epochs=epochs, step=step, steps_per_epoch=steps_per_epoch,
                         losses={"total": 0.03125}, samples_per_s=41_000, device="cpu")


def test_the_line_names_epoch_losses_speed_device_and_time_left():
    line = progress_line(event(3, 250), elapsed_s=10.0)
    assert line == "epoch 3/10 · total 0.03125 · 41,000 samples/s on cpu · 30 s left"


def test_a_second_run_of_the_same_model_counts_on_from_its_epochs():
    assert progress_line(event(3, 250), 10.0, epoch_base=60).startswith("epoch 63/70 ·")


def test_time_left_needs_a_pace_and_is_said_briefly():
    assert remaining_s(event(1, 0), 5.0) is None and "left" not in progress_line(event(1, 0), 5.0)
    assert remaining_s(event(10, 1000), 50.0) == 0.0
    assert format_duration(3909) == "1:05:09" and format_duration(247) == "4:07" and format_duration(12.4) == "12 s"
