"""Every script in examples/ runs to the end (as pyqtgraph smoke-runs its examples), and the API is public."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ARGS = {
    "train_encode_decode.py": ["--epochs", "2"],
    "bring_your_own_vae.py": [],
    "scatter_and_image_pane.py": ["--quit-after", "1500"],
    "follow_a_run.py": ["--epochs", "3", "--quit-after", "4000"],
}
SAYS = {
    "train_encode_decode.py": "same codes",
    "bring_your_own_vae.py": "2-D code",
    "scatter_and_image_pane.py": "the pane shows (8, 8",
    "follow_a_run.py": "checkpoint(s) of run",
}


def test_every_example_is_smoke_run():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(ARGS)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ARGS))
def test_the_example_runs_to_the_end(name):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, str(EXAMPLES / name), *ARGS[name]], capture_output=True, text=True,
                         timeout=110, env=env, cwd=EXAMPLES.parent)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert SAYS[name] in run.stdout, run.stdout


def test_import_aeviewer_is_fast_and_lists_its_api():
    code = "import sys, aeviewer; print(sorted(aeviewer.__all__)); print('torch' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    names, torch_loaded = run.stdout.splitlines()
    assert "fit" in names and "show" in names and "encode" in names
    assert torch_loaded == "False"  # names load on first use: the app's start-up stays fast
