"""Every point drawn: pan/zoom redraw of the density view with 1,000,000 points, and with 10,000,000 loaded from
an `.npy` of 2-D codes; peak memory against the codes' own size.

Data: a synthetic mixture of ten Gaussian classes in 2-D (MNIST-like latent codes: ten overlapping clusters of
unequal spread). A redraw is what a pan or zoom costs in the window: the density image recomputed for the new
range at the view's pixel size, set on the image item and the view repainted (drawn in place here, so the time is
the whole redraw; in the window it runs off the GUI thread). Reference in the same run: the same view repainted
after a pan with 1,000 points drawn as markers.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import Figure, emit, percentiles
from benchmarks.gui_harness import app


def mixture(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    angle = labels * (2 * np.pi / 10)
    spread = 0.5 + 0.08 * labels
    points = np.empty((n, 2), dtype=np.float32)
    for start in range(0, n, 1 << 20):  # in chunks: the generator's float64 temporaries stay small
        part = slice(start, start + (1 << 20))
        lab = labels[part]
        noise = rng.normal(size=(len(lab), 2)) * spread[part, None]
        points[part] = noise + np.stack([np.cos(angle[part]), np.sin(angle[part])], 1) * 3.0
        del lab
    return points, labels


def redraws_ms(view, repeats: int) -> list[float]:
    """Alternate pans and zooms, each redrawn in place and repainted."""
    vb = view.plotItem.vb
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        if i % 4 in (0, 1):
            (x0, x1), _ = vb.viewRange()
            vb.translateBy(x=(x1 - x0) * (0.02 if i % 4 == 0 else -0.02))
        else:
            vb.scaleBy((0.9, 0.9) if i % 4 == 2 else (1 / 0.9, 1 / 0.9))
        view.viewport().repaint()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _reset_peak_rss() -> int | None:
    """Reset the kernel's peak-RSS mark (Linux: "5" to clear_refs) and return the RSS now; None elsewhere."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None
    return _status_kb("VmRSS")


def _peak_rss() -> int | None:
    return _status_kb("VmHWM")


def marker_reference_ms(view) -> float:
    rng = np.random.default_rng(1)
    view.set_points(rng.normal(size=(1_000, 2)).astype(np.float32), rng.integers(0, 10, 1_000))
    app().processEvents()
    vb = view.plotItem.vb
    times = []
    for i in range(20):
        vb.translateBy(x=0.01 if i % 2 else -0.01)
        t0 = time.perf_counter()
        view.viewport().repaint()
        times.append((time.perf_counter() - t0) * 1e3)
    return percentiles(times)[0]


def main() -> None:
    import torch

    from aeviewer.gui.views.scatter_view import ScatterView

    torch.set_num_threads(1)  # the density pass is single-threaded by design (see core/latent/density.py)
    app()
    view = ScatterView("bench")
    view.resize(900, 700)
    view.show()
    app().processEvents()
    reference = marker_reference_ms(view)
    figures = []

    with tempfile.TemporaryDirectory() as tmp:
        codes_path, labels_path = Path(tmp) / "codes.npy", Path(tmp) / "labels.npy"
        points, labels = mixture(10_000_000)
        np.save(codes_path, points)
        np.save(labels_path, labels)
        codes_bytes = points.nbytes
        del points, labels
        codes = np.load(codes_path, mmap_mode="r")
        labels = np.load(labels_path)
        rss_before = _reset_peak_rss()
        t0 = time.perf_counter()
        view.set_points(codes, labels, tuple(str(i) for i in range(10)))
        app().processEvents()
        set_s = time.perf_counter() - t0
        drawn = view.density.last.total if view.density.last is not None else 0
        p50, p99 = percentiles(redraws_ms(view, 20))
        w10, h10 = view.density.pixels()
        peak_rss = _peak_rss()
        if rss_before is None or peak_rss is None:
            print("bench_density: no /proc/self/clear_refs here: the memory figure is not measured", file=sys.stderr)
            peak_rss = rss_before = 0
        grown = peak_rss - rss_before  # the mapped codes' pages count in RSS too, once touched
        ratio = grown / codes_bytes
        figures.append(Figure("density view pan/zoom redraw p99, 10,000,000 points from .npy (all drawn)", p99, "ms",
                              200.0, detail=f"p50 {p50:.0f} ms; {drawn:,} in the first image; {w10}×{h10} px; "
                                            f"open and first image {set_s:.1f} s (prepared once); "
                                            f"1,000 markers repaint {reference:.1f} ms"))
        figures.append(Figure("memory, 10,000,000 points: peak RSS growth / codes' size", ratio, "×", 3.0,
                              detail=f"codes {codes_bytes / 1e6:.0f} MB (.npy, memory-mapped); the process's peak "
                                     f"RSS grew {grown / 1e6:.0f} MB from before opening to after the redraws "
                                     f"(Linux VmHWM, reset first)"))
        view.set_points(np.zeros((0, 2), np.float32), None)
        del codes

    points, labels = mixture(1_000_000)
    view.set_points(points, labels, tuple(str(i) for i in range(10)))
    app().processEvents()
    drawn = view.density.last.total if view.density.last is not None else 0
    p50, p99 = percentiles(redraws_ms(view, 40))
    width, height = view.density.pixels()
    figures.append(Figure("density view pan/zoom redraw p99, 1,000,000 points (all drawn)", p99, "ms", 50.0,
                          detail=f"p50 {p50:.1f} ms; {drawn:,} of 1,000,000 in the first image; {width}×{height} px; "
                                 f"1,000 markers repaint {reference:.1f} ms"))
    del points, labels

    emit(figures)


if __name__ == "__main__":
    main()
