"""`aeviewer --self-test` from the source tree: it passes on a healthy install and fails loudly on a broken one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from aeviewer.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_self_test_passes_without_a_display():
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run([sys.executable, "-m", "aeviewer.cli", "--self-test"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for step in ("trained 1 epoch", "decoded", "rendered the window offscreen", "passed"):
        assert step in result.stderr, step


def test_a_broken_decoder_fails_the_self_test_naming_the_step(monkeypatch, capsys):
    from aeviewer.core.latent.spaces import AutoencoderSpace

    monkeypatch.setattr(AutoencoderSpace, "decode_at", lambda self, xy: np.full(64, np.nan, np.float32))
    assert main(["--self-test"]) == 2
    err = capsys.readouterr().err
    assert "decoding" in err and "not one finite sample" in err
