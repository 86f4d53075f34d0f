"""Run folders: resume equals never stopping, SIGTERM saves `last`, a follower never reads half a line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from aeviewer.cli import main
from aeviewer.core.errors import CheckpointError
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.train.checkpoint import load_checkpoint
from aeviewer.core.train.run_folder import (
    MetricsTail,
    RunWriter,
    checkpoint_path,
    load_resume_state,
    read_config,
    resume_point,
    state_path,
)
from aeviewer.core.train.trainer import TrainConfig, Trainer

ROOT = Path(__file__).resolve().parents[2]


def write_npz(path: Path, n: int = 200, d: int = 12, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    x = rng.random((n, d), dtype=np.float32)
    np.savez(path, x=x, y=(x[:, 0] * 3).astype(np.int64))
    return path


def weights(path: Path) -> dict[str, torch.Tensor]:
    return load_checkpoint(path).model.state_dict()


def test_four_epochs_then_four_more_equal_eight_uninterrupted(tmp_path, capsys):
    """AAE: prior noise from the seeded generator and two optimizers, the hardest state to carry over."""
    data = write_npz(tmp_path / "d.npz", n=100)
    common = ["--model", "aae", "--batch-size", "32", "--seed", "3", "--device", "cpu", "--checkpoint-every", "2"]
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["train", "--data", str(data), "--run", str(a), "--epochs", "4", *common]) == 0
    assert main(["train", "--resume", str(a), "--epochs", "8"]) == 0
    assert "resuming at epoch 5 step 0" in capsys.readouterr().err
    assert main(["train", "--data", str(data), "--run", str(b), "--epochs", "8", *common]) == 0

    # Same operations in the same order on CPU: the weights are bitwise equal, not merely close.
    wa, wb = weights(checkpoint_path(a, "last")), weights(checkpoint_path(b, "last"))
    assert all(torch.equal(wa[k], wb[k]) for k in wa)
    assert load_checkpoint(checkpoint_path(a, "last")).meta["history"] == \
        load_checkpoint(checkpoint_path(b, "last")).meta["history"]
    assert {p.name for p in a.glob("epoch-*.safetensors")} == {f"epoch-{e:04d}.safetensors" for e in (2, 4, 6, 8)}
    steps = [json.loads(line)["step"] for line in (a / "metrics.jsonl").read_text().splitlines()]
    assert steps == sorted(steps) and len(steps) == len((b / "metrics.jsonl").read_text().splitlines())
    assert read_config(a)["train"]["epochs"] == 8


def test_resuming_mid_epoch_repeats_the_data_order(tmp_path):
    """A stop between steps (what SIGTERM causes) resumes on the same permutation, at the next step."""
    x = np.random.default_rng(1).random((96, 10), dtype=np.float32)
    config = ModelConfig(kind="vae", input_shape=(10,), latent_dim=2, hidden=[16])
    train_config = TrainConfig(epochs=3, batch_size=8, seed=5, device="cpu")

    straight = Trainer(build_model(config, seed=0), x, train_config, report_every=5)
    list(straight.run())

    # restore_on_cancel=False, as `aeviewer train --run` does: keep the mid-epoch state to save
    first = Trainer(build_model(config, seed=0), x, train_config, report_every=5, restore_on_cancel=False)
    for event in first.run():
        if event.step == 20:  # epoch 2, step 8 of 12
            first.cancel()
    assert first.position == (2, 8)
    writer = RunWriter(tmp_path / "run")
    writer.save(first, train_config, numbered=False)

    resume = load_resume_state(tmp_path / "run")
    second = Trainer(resume.checkpoint.model, x, train_config, report_every=5, resume=resume_point(resume))
    list(second.run())
    got, want = second.model.state_dict(), straight.model.state_dict()
    assert all(torch.equal(got[k], want[k]) for k in want)
    assert len(second.history) == 3


def test_a_state_file_from_another_epoch_is_refused(tmp_path):
    x = np.random.default_rng(1).random((32, 6), dtype=np.float32)
    config = ModelConfig(kind="ae", input_shape=(6,), latent_dim=2, hidden=[8])
    trainer = Trainer(build_model(config, seed=0), x, TrainConfig(epochs=2, batch_size=8, device="cpu"))
    writer = RunWriter(tmp_path)
    events = trainer.run()
    next(e for e in events if e.epoch_done)
    writer.save(trainer, trainer.config, numbered=False)
    stale = state_path(tmp_path, "last").read_bytes()
    next(e for e in events if e.epoch_done)
    writer.save(trainer, trainer.config, numbered=False)
    state_path(tmp_path, "last").write_bytes(stale)  # as if a save stopped between the two files
    with pytest.raises(CheckpointError, match="last.state.pt.*epoch 1.*epoch 2"):
        load_resume_state(tmp_path)


def test_metrics_tail_reads_only_complete_lines(tmp_path):
    log = tmp_path / "metrics.jsonl"
    tail = MetricsTail(log)
    assert tail.read_new() == []  # no file yet
    with open(log, "w") as f:
        f.write('{"step": 1, "losses": {"total": 0.5}}\n{"step": 2, "los')
    assert [r["step"] for r in tail.read_new()] == [1]
    with open(log, "a") as f:
        f.write('ses": {"total": 0.4}}\nnot json\n{"step": 3, "losses": {}}\n')
    assert [r["step"] for r in tail.read_new()] == [2, 3]
    assert tail.skipped == 1 and tail.read_new() == []


def test_resume_of_a_folder_without_a_run_says_so(tmp_path, capsys):
    assert main(["train", "--resume", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "config.json" in err and "run folder" in err


@pytest.mark.slow
def test_sigterm_mid_epoch_saves_a_loadable_last_and_exits_cleanly(tmp_path):
    data = write_npz(tmp_path / "big.npz", n=40_000, d=32)
    run = tmp_path / "run"
    cmd = [sys.executable, "-m", "aeviewer.cli", "train", "--data", str(data), "--run", str(run), "--epochs", "50",
           "--batch-size", "8", "--device", "cpu"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    try:
        deadline = time.monotonic() + 60
        while not (run / "metrics.jsonl").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, proc.communicate()[1]
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err and "--resume" in err
    resume = load_resume_state(run)
    epoch, step = resume.position
    assert epoch == 1 and 0 < step < 4000  # stopped inside the first epoch (4000 steps), not at its end
    assert resume.checkpoint.config.input_shape == (32,)
