"""Drag latency: synthetic mouse moves on the real latent view (offscreen), from the event to the
reconstruction image decoded and repainted. p50/p99 over ≥ 500 moves, for seed-mlp and a conv VAE.

The reference, measured in the same run, is a bare `model.decode` of one code: the figure shows how
much the window adds on top of the model itself.

A third figure drags a model that takes 30 ms per decode (a stand-in for a large model of your own):
the window decodes it in a background thread, so each move should still cost the GUI thread only its
own few milliseconds, while the picture follows as fast as the model allows.
"""

from __future__ import annotations

import tempfile
import time

import numpy as np
import torch
from PySide6.QtCore import QEvent, QPointF, Qt

from aeviewer.core.data.images import to_pixels
from aeviewer.core.models import ModelConfig, build_model, preset
from benchmarks.common import Figure, emit, percentiles
from benchmarks.gui_harness import app, main_window, mnist_like, probe_pixel, send_mouse

LEFT = Qt.MouseButton.LeftButton


def drag_latencies(window, view, moves: int) -> list[float]:
    """Press on the probe, then per move: send the event, run the event loop until the image is repainted."""
    qapp = app()
    pane = window.samples.ae_probe
    start = probe_pixel(view)
    send_mouse(view, QEvent.Type.MouseButtonPress, start, LEFT, LEFT)
    latencies = []
    for i in range(1, moves + 1):  # i = 0 would be the press position: no move, nothing to decode
        # A figure-eight around the start, so the probe crosses data and empty space.
        t = 2 * np.pi * i / 100
        pos = start + QPointF(120 * np.sin(t), 80 * np.sin(2 * t))
        before = window.decoder.decode_count
        t0 = time.perf_counter()
        send_mouse(view, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, LEFT)
        deadline = t0 + 5.0
        while window.decoder.decode_count == before:
            qapp.processEvents()
            if time.perf_counter() > deadline:
                raise RuntimeError("the move was not decoded: did the press miss the probe?")
        pane.canvas.repaint()  # paint now, as the next frame would
        latencies.append((time.perf_counter() - t0) * 1e3)
    send_mouse(view, QEvent.Type.MouseButtonRelease, pos, LEFT, Qt.MouseButton.NoButton)
    qapp.processEvents()
    return latencies


def slow_drag(window, view, moves: int, frame_s: float = 1 / 60) -> tuple[list[float], float, int]:
    """Moves at 60 Hz; returns the GUI thread's time per move, the longest event-loop pass and how many
    pictures were shown. Ends with the picture at the release point (checked)."""
    qapp = app()
    start = probe_pixel(view)
    send_mouse(view, QEvent.Type.MouseButtonPress, start, LEFT, LEFT)
    per_move, longest, shown = [], 0.0, [0]
    # The decoder holds the pane's bound method: count its calls there (patching the pane counted nothing).
    show = window.decoder.show["ae"]
    window.decoder.show["ae"] = lambda *a, **k: (shown.__setitem__(0, shown[0] + 1), show(*a, **k))
    for i in range(1, moves + 1):
        t = 2 * np.pi * i / 100
        pos = start + QPointF(120 * np.sin(t), 80 * np.sin(2 * t))
        before = window.decoder.decode_count
        t0 = time.perf_counter()
        send_mouse(view, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, LEFT)
        while window.decoder.decode_count == before:
            qapp.processEvents()
        per_move.append((time.perf_counter() - t0) * 1e3)
        while time.perf_counter() - t0 < frame_s:  # the rest of the frame: results arrive and are shown
            p0 = time.perf_counter()
            qapp.processEvents()
            longest = max(longest, (time.perf_counter() - p0) * 1e3)
            time.sleep(0.0005)
    send_mouse(view, QEvent.Type.MouseButtonRelease, pos, LEFT, Qt.MouseButton.NoButton)
    runner = window.decoder.runner
    while window.decoder.pending or not runner.idle():
        qapp.processEvents()
    time.sleep(0.01)
    qapp.processEvents()
    final = window.ae_space.decode_at(view.probe_position())
    if not np.array_equal(window.samples.ae_probe.shown, to_pixels(final, window.shown.sample_shape)):
        raise RuntimeError("the picture does not show the release point")
    window.decoder.show["ae"] = show
    return per_move, longest, shown[0]


def slowed(model, seconds: float):
    fast = model.decode

    def decode(z):
        time.sleep(seconds)
        return fast(z)

    model.decode = decode
    return model


def bare_decode(model, latent: int, n: int = 500) -> list[float]:
    z = torch.zeros(1, latent)
    out = []
    with torch.inference_mode():
        for i in range(n):
            z[0, 0] = i * 1e-3
            t0 = time.perf_counter()
            model.decode(z)
            out.append((time.perf_counter() - t0) * 1e3)
    return out


def main() -> None:
    app()
    data = mnist_like()
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        window = main_window(data, tmp)
        models = {
            "seed-mlp": build_model(preset("seed-mlp", (1, 28, 28)), seed=0),
            "conv VAE": build_model(ModelConfig(kind="vae", backbone="conv", input_shape=(1, 28, 28), latent_dim=2),
                                    seed=0),
        }
        for name, model in models.items():
            window.set_model(model.eval(), history=[])
            drag_latencies(window, window.ae_view, 50)  # warm-up
            lat = drag_latencies(window, window.ae_view, 600)
            ref = bare_decode(model, model.config.latent_dim)
            p50, p99 = percentiles(lat)
            r50, r99 = percentiles(ref)
            figures.append(Figure(f"drag latency p99, {name} (cpu)", p99, "ms", 8.0,
                                  detail=f"p50 {p50:.2f} ms; bare decode p50 {r50:.2f} / p99 {r99:.2f} ms; "
                                         f"window overhead ×{p50 / max(r50, 1e-6):.1f} at p50; 600 moves"))
        window.set_model(slowed(models["seed-mlp"], 0.030), history=[])
        if not window.decoder.off_thread:
            raise RuntimeError("a 30 ms decoder was not moved off the GUI thread")
        per_move, longest, shown = slow_drag(window, window.ae_view, 300)
        p50, p99 = percentiles(per_move)
        figures.append(Figure("drag, 30 ms decoder: GUI time per move p99", p99, "ms", 8.0,
                              detail=f"p50 {p50:.2f} ms; longest event-loop pass {longest:.1f} ms; {shown} pictures "
                                     f"for 300 moves at 60 Hz (the model allows ~{300 / 60 / 0.030:.0f}); "
                                     f"decoded in a background thread, newest position only"))
        window.close()
    emit(figures)


if __name__ == "__main__":
    main()
