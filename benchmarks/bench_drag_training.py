"""Dragging while the model trains: event → picture changed, at 60 Hz, with training running, against the
same drag on the same window once training has stopped (the idle reference, measured in the same run).

30,000 MNIST-sized samples and the window's default model and settings, as a user who opens a dataset,
presses Train and drags the probe would have them. Between moves the event loop runs for the rest of
the 1/60 s frame, so training progress, loss-plot points and model snapshots are applied as in the app.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt

from benchmarks.common import Figure, emit, percentiles
from benchmarks.gui_harness import app, main_window, mnist_like, probe_pixel, send_mouse

LEFT = Qt.MouseButton.LeftButton
FRAME_S = 1 / 60


def paced_drag(window, moves: int) -> tuple[list[float], list[float], int]:
    """Moves at 60 Hz. Per move: event → the decoded picture changed and repainted (ms), and the longest
    event-loop pass in the rest of the frame (ms: snapshots and progress land there). Also the snapshots seen."""
    qapp = app()
    view, pane = window.ae_view, window.samples.ae_probe
    shown = [0]
    show = window.decoder.show["ae"]  # what the decoder calls with each picture (the pane, then the strip)
    window.decoder.show["ae"] = lambda *a, **k: (shown.__setitem__(0, shown[0] + 1), show(*a, **k))
    spaces = [window.state.ae_space]
    start = probe_pixel(view)
    send_mouse(view, QEvent.Type.MouseButtonPress, start, LEFT, LEFT)
    latencies, passes = [], []
    try:
        for i in range(1, moves + 1):
            t = 2 * np.pi * i / 100
            pos = start + QPointF(120 * np.sin(t), 80 * np.sin(2 * t))
            before = shown[0]
            t0 = time.perf_counter()
            send_mouse(view, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, LEFT)
            while shown[0] == before:
                qapp.processEvents()
                if time.perf_counter() - t0 > 5:
                    raise RuntimeError("no picture for a move: did the press miss the probe?")
            pane.canvas.repaint()
            latencies.append((time.perf_counter() - t0) * 1e3)
            longest = 0.0
            while time.perf_counter() - t0 < FRAME_S:
                p0 = time.perf_counter()
                qapp.processEvents()
                longest = max(longest, (time.perf_counter() - p0) * 1e3)
                time.sleep(0.0005)
            passes.append(longest)
            if window.state.ae_space is not spaces[-1]:
                spaces.append(window.state.ae_space)
    finally:
        send_mouse(view, QEvent.Type.MouseButtonRelease, pos, LEFT, Qt.MouseButton.NoButton)
        window.decoder.show["ae"] = show
        qapp.processEvents()
    return latencies, passes, len(spaces) - 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=30_000)
    parser.add_argument("--moves", type=int, default=600)
    args = parser.parse_args()
    app()
    with tempfile.TemporaryDirectory() as tmp:
        window = main_window(mnist_like(args.samples), tmp)
        window.settings_panel.epochs.setValue(1000)
        window.training_ctl.start()
        qapp = app()
        t0 = time.perf_counter()
        while len(window.history) < 1 and time.perf_counter() - t0 < 60:  # past the first epoch's start-up
            qapp.processEvents()
            time.sleep(0.001)
        paced_drag(window, 30)  # warm-up
        busy, busy_passes, snapshots = paced_drag(window, args.moves)
        epochs = len(window.history)
        window.training_ctl.cancel()
        while window.training_ctl.worker is not None and time.perf_counter() - t0 < 600:
            qapp.processEvents()
        paced_drag(window, 30)
        idle, idle_passes, _ = paced_drag(window, args.moves)
        off_thread = window.decoder.off_thread
        window.close()
    b50, b99 = percentiles(busy)
    i50, i99 = percentiles(idle)
    _, bp99 = percentiles(busy_passes)
    emit([
        Figure("drag latency while training p99 (cpu)", b99, "ms", 8.0,
               detail=f"p50 {b50:.2f} ms; idle drag same run p50 {i50:.2f} / p99 {i99:.2f} ms "
                      f"(×{b99 / max(i99, 1e-6):.2f} at p99); {args.moves} moves at 60 Hz, {snapshots} snapshots "
                      f"shown, training reached epoch {epochs}; {args.samples:,} × 784 samples, window defaults; "
                      f"decoded {'off' if off_thread else 'on'} the GUI thread"),
        Figure("event-loop pass between moves while training p99", bp99, "ms", 16.0,
               detail=f"longest pass in each frame's idle time (snapshots, progress); max {max(busy_passes):.1f} ms"),
    ])


if __name__ == "__main__":
    main()
