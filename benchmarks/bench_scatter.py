"""Scatter redraw: time to repaint the latent view after a pan, with 70 000 and 1 000 000 points.

The reference, measured in the same run, is the same view repainted with 1 000 points.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.common import Figure, emit, percentiles
from benchmarks.gui_harness import app


def redraw_ms(view, points: np.ndarray, labels: np.ndarray, repeats: int = 20) -> list[float]:
    view.set_points(points, labels, tuple(str(i) for i in range(10)))
    app().processEvents()
    vb = view.plotItem.vb
    x0, x1 = vb.viewRange()[0]
    step = (x1 - x0) * 0.01
    times = []
    for i in range(repeats):
        vb.translateBy(x=step if i % 2 else -step)  # a pan, as a drag on the background does
        t0 = time.perf_counter()
        view.viewport().repaint()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def main() -> None:
    from aeviewer.gui.views.scatter_view import ScatterView

    app()
    view = ScatterView("bench")
    view.resize(900, 700)
    view.show()
    rng = np.random.default_rng(0)
    results = {}
    for n in (1_000, 70_000, 1_000_000):
        labels = rng.integers(0, 10, n)
        points = (rng.normal(size=(n, 2)) + np.stack([np.cos(labels), np.sin(labels)], 1) * 3).astype(np.float32)
        t0 = time.perf_counter()
        view.set_points(points, labels)
        set_ms = (time.perf_counter() - t0) * 1e3
        results[n] = (percentiles(redraw_ms(view, points, labels, repeats=10 if n > 100_000 else 20)), set_ms)
    (r50, _), _ = results[1_000]
    figures = []
    for n, target in ((70_000, 30.0), (1_000_000, 100.0)):
        (p50, p99), set_ms = results[n]
        what = " (density image: repaint only; its recompute is in bench_density)" if n > 200_000 else ""
        figures.append(Figure(f"scatter redraw after pan, {n:,} points{what}", p50, "ms", target,
                              detail=f"p99 {p99:.1f} ms; set_points {set_ms:.0f} ms; 1,000 points: {r50:.1f} ms "
                                     f"(×{p50 / max(r50, 1e-6):.1f})"))
    emit(figures)


if __name__ == "__main__":
    main()
