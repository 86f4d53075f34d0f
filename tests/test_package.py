"""Build the PyInstaller bundle and run its self-test. Minutes of work: only with AEVIEWER_TEST_PACKAGE=1."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from aeviewer import __version__

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "aeviewer" / "aeviewer"

pytestmark = pytest.mark.skipif(os.environ.get("AEVIEWER_TEST_PACKAGE") != "1",
                                reason="builds the bundle (minutes): set AEVIEWER_TEST_PACKAGE=1")


@pytest.mark.timeout(3600)
def test_make_package_builds_a_bundle_that_passes_its_self_test():
    build = subprocess.run(["make", "package"], cwd=ROOT, capture_output=True, text=True, timeout=3500)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = ""  # the bundle must not lean on the source tree
    run = subprocess.run([str(BUNDLE), "--self-test"], cwd="/", env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "passed" in run.stderr
    version = subprocess.run([str(BUNDLE), "--version"], capture_output=True, text=True, timeout=120)
    assert version.stdout.strip() == f"aeviewer {__version__}"
