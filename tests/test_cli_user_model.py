"""The CLI takes a user's own model (--model-code FILE.py --weights W) wherever it takes a model."""

from __future__ import annotations

import numpy as np

from aeviewer.cli import main
from tests.core.test_user_model import write_tutorial_vae


def test_encode_and_info_accept_a_user_model(tmp_path, capsys):
    code, weights, _ = write_tutorial_vae(tmp_path, ".safetensors")
    out = tmp_path / "codes.npy"
    rc = main(["encode", "--model-code", str(code), "--weights", str(weights), "--data", "digits",
               "--split", "test", "--out", str(out)])
    assert rc == 0
    codes = np.load(out, allow_pickle=False)
    assert codes.shape[1] == 3 and len(codes) > 300
    assert main(["info", "--model-code", str(code), "--weights", str(weights)]) == 0
    printed = capsys.readouterr().out
    assert "latent_dim: 3" in printed and "kind: vae" in printed and "flattened" in printed


def test_a_user_model_without_weights_or_with_a_checkpoint_too_is_a_clear_error(tmp_path, capsys):
    code, weights, _ = write_tutorial_vae(tmp_path)
    assert main(["encode", "--model-code", str(code), "--out", str(tmp_path / "c.npy")]) == 2
    assert "--weights" in capsys.readouterr().err
    assert main(["encode", "--model", "x.safetensors", "--model-code", str(code), "--weights", str(weights),
                 "--out", str(tmp_path / "c.npy")]) == 2
    assert "either --model" in capsys.readouterr().err
