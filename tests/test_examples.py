"""Every script in examples/ runs to the end (as pyqtgraph smoke-runs its examples), and the API is public."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before pytest-qt's qapp starts Qt
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ARGS = {
    "train_encode_decode.py": ["--epochs", "2"],
    "bring_your_own_vae.py": [],
    "scatter_and_image_pane.py": ["--epochs", "1", "--quit-after", "800"],
    "follow_a_run.py": ["--epochs", "2", "--quit-after", "2500"],
}
SAYS = {
    "train_encode_decode.py": "same codes",
    "bring_your_own_vae.py": "2-D code",
    "scatter_and_image_pane.py": "the pane shows (8, 8",
    "follow_a_run.py": "checkpoint(s) of run",
}


def test_every_example_is_smoke_run():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(ARGS)


@pytest.mark.parametrize("name", sorted(ARGS))
def test_the_example_runs_to_the_end(name, qapp, monkeypatch, capsys, tmp_path):
    """In this process (torch and Qt are loaded once for all of them), as `python examples/NAME` would."""
    monkeypatch.setenv("AEVIEWER_DATA_DIR", str(tmp_path))  # the window's recovery checkpoint goes here
    monkeypatch.setattr(sys, "argv", [str(EXAMPLES / name), *ARGS[name]])
    try:
        runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    except SystemExit as exit_:
        assert exit_.code in (0, None), f"{name} exited with {exit_.code}"
    assert SAYS[name] in capsys.readouterr().out


def test_import_aeviewer_is_fast_and_lists_its_api():
    code = "import sys, aeviewer; print(sorted(aeviewer.__all__)); print('torch' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    names, torch_loaded = run.stdout.splitlines()
    assert "fit" in names and "show" in names and "encode" in names
    assert torch_loaded == "False"  # names load on first use: the app's start-up stays fast
