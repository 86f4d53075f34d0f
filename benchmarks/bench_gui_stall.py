"""GUI stall while training: a 5 ms QTimer records event-loop gaps during a training run in the window.

The reference is the same timer with the window idle, measured in the same run.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import numpy as np
from PySide6.QtCore import QTimer

from benchmarks.common import Figure, emit, percentiles
from benchmarks.gui_harness import app, main_window, mnist_like


def record_gaps(seconds: float, until=None) -> list[float]:
    """Run the event loop for `seconds` (or until `until()`), returning gaps between 5 ms timer ticks in ms."""
    qapp = app()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1e3)
        last[0] = now

    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    timer.start()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and not (until and until()):
        qapp.processEvents()
        time.sleep(0.0005)
    timer.stop()
    return gaps[1:]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    app()
    with tempfile.TemporaryDirectory() as tmp:
        window = main_window(mnist_like(12_000), tmp)
        idle = record_gaps(2.0)
        window.settings_panel.epochs.setValue(1000)
        window.start_training()
        t0 = time.perf_counter()
        busy = record_gaps(args.seconds)
        epochs = len(window.history)
        window.cancel_training()
        while window.worker is not None and time.perf_counter() - t0 < args.seconds + 30:
            app().processEvents()
        window.close()
    i50, i99 = percentiles(idle)
    b50, b99 = percentiles(busy)
    detail = (f"{len(busy)} ticks over {args.seconds:.0f} s of training ({epochs} epochs of 9,600 × 784); "
              f"idle window: p99 {i99:.1f} ms, max {max(idle):.1f} ms")
    emit([
        Figure("GUI gap while training, max", float(np.max(busy)), "ms", 50.0, detail=detail),
        Figure("GUI gap while training, p99", b99, "ms", 16.0, detail=f"p50 {b50:.1f} ms"),
    ])


if __name__ == "__main__":
    main()
