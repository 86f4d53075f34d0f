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


def stall_while_training(n: int, seconds: float) -> tuple[list[float], list[float], int, int]:
    """Gaps with the window idle, then while it trains on `n` MNIST-sized samples (80 % train, 20 % shown)."""
    with tempfile.TemporaryDirectory() as tmp:
        window = main_window(mnist_like(n), tmp)
        idle = record_gaps(2.0)
        window.settings_panel.epochs.setValue(1000)
        window.training_ctl.start()
        t0 = time.perf_counter()
        busy = record_gaps(seconds)
        epochs, shown = len(window.history), len(window.shown)
        window.training_ctl.cancel()
        while window.training_ctl.worker is not None and time.perf_counter() - t0 < seconds + 30:
            app().processEvents()
        window.close()
    return idle, busy, epochs, shown


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    app()
    figures = []
    # 12 000 samples: the original figure; 60 000: MNIST's size, with 10 000 codes in the latent view.
    for n, suffix in ((12_000, ""), (60_000, ", MNIST-sized")):
        idle, busy, epochs, shown = stall_while_training(n, args.seconds)
        i50, i99 = percentiles(idle)
        b50, b99 = percentiles(busy)
        detail = (f"{len(busy)} ticks over {args.seconds:.0f} s of training ({epochs} epochs of {int(n * 0.8):,} "
                  f"× 784; {shown:,} points shown); idle window: p99 {i99:.1f} ms, max {max(idle):.1f} ms")
        figures += [
            Figure(f"GUI gap while training{suffix}, max", float(np.max(busy)), "ms", 50.0, detail=detail),
            Figure(f"GUI gap while training{suffix}, p99", b99, "ms", 16.0, detail=f"p50 {b50:.1f} ms"),
        ]
    emit(figures)


if __name__ == "__main__":
    main()
