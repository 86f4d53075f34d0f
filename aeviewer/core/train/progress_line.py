"""The one-line training state the status bar shows: epoch, losses, speed, device and time left.

The numbers count across runs of the same model: a second Train on a 60-epoch model shows epoch 61,
not epoch 1 (`epoch_base`: epochs the model had before this run).
"""

from __future__ import annotations

from aeviewer.core.train.trainer import TrainProgress


def remaining_s(event: TrainProgress, elapsed_s: float) -> float | None:
    """Seconds left in this run at the pace so far, or None before there is a pace to go by."""
    total = event.epochs * event.steps_per_epoch
    if event.step <= 0 or total <= 0 or elapsed_s <= 0:
        return None
    return max(0.0, elapsed_s * (total - event.step) / event.step)


def format_duration(seconds: float) -> str:
    """1:05:09, 4:07 or 12 s: short, and no false precision."""
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}" if minutes else f"{secs} s"


def progress_line(event: TrainProgress, elapsed_s: float, epoch_base: int = 0) -> str:
    """'epoch 63/120 · total 0.0312 · 41,000 samples/s on cpu · 0:42 left'."""
    parts = [f"epoch {epoch_base + event.epoch}/{epoch_base + event.epochs}"]
    parts += [f"{name} {value:.4g}" for name, value in event.losses.items()]
    parts.append(f"{event.samples_per_s:,.0f} samples/s on {event.device}")
    left = remaining_s(event, elapsed_s)
    if left is not None:
        parts.append(f"{format_duration(left)} left")
    return " · ".join(parts)
