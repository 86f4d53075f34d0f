"""Drag latency: synthetic mouse moves on the real latent view (offscreen), from the event to the
reconstruction image decoded and repainted. p50/p99 over ≥ 500 moves, for seed-mlp and a conv VAE.

The reference, measured in the same run, is a bare `model.decode` of one code: the figure shows how
much the window adds on top of the model itself.
"""

from __future__ import annotations

import tempfile
import time

import numpy as np
import torch
from PySide6.QtCore import QEvent, QPointF, Qt

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
        before = window.decode_count
        t0 = time.perf_counter()
        send_mouse(view, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, LEFT)
        deadline = t0 + 5.0
        while window.decode_count == before:
            qapp.processEvents()
            if time.perf_counter() > deadline:
                raise RuntimeError("the move was not decoded: did the press miss the probe?")
        pane.canvas.repaint()  # paint now, as the next frame would
        latencies.append((time.perf_counter() - t0) * 1e3)
    send_mouse(view, QEvent.Type.MouseButtonRelease, pos, LEFT, Qt.MouseButton.NoButton)
    qapp.processEvents()
    return latencies


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
        window.close()
    emit(figures)


if __name__ == "__main__":
    main()
