"""The CLI keeps work safe: Ctrl+C saves the last completed epoch, a failed write leaves the old file."""

from __future__ import annotations

import numpy as np
import torch

from aeviewer.cli import main
from aeviewer.core import atomic
from aeviewer.core.models import Autoencoder
from aeviewer.core.train.checkpoint import load_checkpoint
from aeviewer.core.train.trainer import Trainer


def test_ctrl_c_saves_the_last_completed_epoch(tmp_path, capsys, monkeypatch):
    captured = {}
    real_run, real_step = Trainer.run, Autoencoder.train_step
    calls = [0]

    def run(self):
        for event in real_run(self):
            if event.epoch_done and event.epoch == 2:
                captured.update({k: v.clone() for k, v in self.model.state_dict().items()})
            yield event

    def step(self, x, optimizers):
        calls[0] += 1
        if calls[0] == 30:  # 12 steps per epoch: the middle of epoch 3
            raise KeyboardInterrupt
        return real_step(self, x, optimizers)

    monkeypatch.setattr(Trainer, "run", run)
    monkeypatch.setattr(Autoencoder, "train_step", step)
    out = tmp_path / "m.safetensors"
    assert main(["train", "--data", "digits", "--epochs", "5", "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert "as of epoch 2 (the last completed one)" in err
    loaded = load_checkpoint(out)
    assert len(loaded.meta["history"]) == 2
    assert all(torch.equal(v, captured[k]) for k, v in loaded.model.state_dict().items())


def test_ctrl_c_in_the_first_epoch_saves_nothing(tmp_path, capsys, monkeypatch):
    def step(self, x, optimizers):
        raise KeyboardInterrupt

    monkeypatch.setattr(Autoencoder, "train_step", step)
    out = tmp_path / "m.safetensors"
    assert main(["train", "--data", "digits", "--epochs", "5", "--out", str(out)]) == 130
    assert "nothing to save" in capsys.readouterr().err
    assert not out.exists()


def test_encode_on_a_full_disk_keeps_the_old_codes(tmp_path, capsys, monkeypatch):
    model = tmp_path / "m.safetensors"
    assert main(["train", "--data", "digits", "--epochs", "1", "--out", str(model)]) == 0
    codes = tmp_path / "codes.npy"
    np.save(codes, np.arange(3.0))
    before = codes.read_bytes()

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    capsys.readouterr()
    assert main(["encode", "--model", str(model), "--out", str(codes)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"aeviewer: error: {codes}: could not write: the disk is full"]
    assert codes.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codes.npy", "m.json", "m.safetensors"]


def test_encode_into_a_read_only_folder_is_one_line(tmp_path, capsys, monkeypatch):
    model = tmp_path / "m.safetensors"
    assert main(["train", "--data", "digits", "--epochs", "1", "--out", str(model)]) == 0

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", denied)  # chmod doesn't stop root, so simulate it
    capsys.readouterr()
    assert main(["encode", "--model", str(model), "--out", str(tmp_path / "c.npy")]) == 2
    assert "read-only" in capsys.readouterr().err
    assert not (tmp_path / "c.npy").exists()
