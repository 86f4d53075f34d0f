"""Cold start: process start to the main window painted, and to ready-to-train.

The app reports both moments when AEVIEWER_STARTUP_REPORT is set (see aeviewer/gui/app/launch.py). The reference,
measured in the same run, is a bare `python -c "import PySide6.QtWidgets"` process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from benchmarks.common import Figure, emit


def timed_start(repeats: int = 3) -> tuple[float, float]:
    painted, ready = [], []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "AEVIEWER_STARTUP_REPORT": "exit"}
    for _ in range(repeats):
        t0 = time.time()
        out = subprocess.run([sys.executable, "-m", "aeviewer.cli"], env=env, capture_output=True, text=True,
                             timeout=120).stdout
        marks = dict(line.split() for line in out.splitlines() if line.startswith(("painted ", "ready ")))
        painted.append(float(marks["painted"]) - t0)
        ready.append(float(marks["ready"]) - t0)
    return min(painted), min(ready)


def bare_python(repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.time()
        subprocess.run([sys.executable, "-c", "import PySide6.QtWidgets"], check=True)
        times.append(time.time() - t0)
    return min(times)


def main() -> None:
    ref = bare_python()
    painted, ready = timed_start()
    detail = f"bare python + PySide6 import {ref:.2f} s (×{painted / ref:.1f} to paint); best of 3, offscreen"
    emit([
        Figure("cold start to main window painted", painted, "s", 1.0, detail=detail),
        Figure("cold start to ready-to-train", ready, "s", 2.5),
    ])


if __name__ == "__main__":
    main()
