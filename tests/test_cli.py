"""The command line as a user types it: train, info, encode, and one-line errors."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.cli import main
from aeviewer.core.train.checkpoint import load_checkpoint


def test_train_writes_a_model_that_loads_back_and_encodes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--data", "digits", "--model", "ae", "--latent", "2", "--epochs", "2"]) == 0
    out = tmp_path / "digits-ae-2d.safetensors"
    assert out.exists() and (tmp_path / "digits-ae-2d.json").exists()
    err = capsys.readouterr().err
    assert "epoch   2/2" in err and "held-out reconstruction MSE" in err
    loaded = load_checkpoint(out)
    assert loaded.config.latent_dim == 2 and len(loaded.meta["history"]) == 2

    assert main(["info", str(out)]) == 0
    assert "epochs trained: 2" in capsys.readouterr().out

    codes = tmp_path / "codes.npy"
    assert main(["encode", "--model", str(out), "--data", "digits", "--split", "test", "--out", str(codes)]) == 0
    arr = np.load(codes)
    assert arr.shape == (359, 2) and np.isfinite(arr).all()


def test_info_describes_a_dataset(capsys):
    assert main(["info", "digits"]) == 0
    out = capsys.readouterr().out
    assert "1,797" in out and "classes (10)" in out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["info", "{tmp}/missing.npz"], "missing.npz"),
        (["train", "--data", "{tmp}/missing.csv", "--epochs", "1"], "missing.csv"),
        (["encode", "--model", "{tmp}/bad.safetensors", "--out", "{tmp}/c.npy"], "bad.safetensors"),
        (["train", "--data", "digits", "--model", "vae", "--backbone", "conv", "--latent", "0"], "latent"),
    ],
)
def test_user_mistakes_print_one_line_and_exit_2(argv, needle, tmp_path, capsys):
    (tmp_path / "bad.safetensors").write_bytes(b"not a model")
    code = main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("aeviewer: error:") and needle in err[0]
    assert "Traceback" not in err[0]
