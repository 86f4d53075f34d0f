"""The comparison grid and trust mode (issue 17).

1. Drag in a grid of four models (three seed-mlp kinds and PCA, MNIST-sized): from the mouse event to the
   dragged cell's picture decoded and repainted, p50/p99 over 600 moves. Reference in the same run: a bare
   `model.decode` of one code.
2. Trust colouring of 10,000 points (16-D codes through their PCA plane): the whole trust report
   (neighbourhood preservation, trustworthiness, continuity) plus recolouring a 10,000-point scatter.
   Reference in the same run: scikit-learn's `trustworthiness` on 3,000 points against ours on the same.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt

from aeviewer.core.latent.pca import PcaBaseline
from aeviewer.core.models import ModelConfig, build_model, preset
from aeviewer.core.session.compare import Contender
from benchmarks.bench_drag import bare_decode
from benchmarks.common import Figure, emit, percentiles
from benchmarks.gui_harness import app, mnist_like, probe_pixel, send_mouse

LEFT = Qt.MouseButton.LeftButton


def grid_drag(panel, index: int, moves: int) -> list[float]:
    """Press on cell `index`'s probe; per move: send the event, run the loop until that cell decoded, repaint."""
    qapp = app()
    cell = panel.cells[index]
    view = cell.view
    count = [0]
    decode = panel.decode_cell

    def counted(i, xy):
        count[0] += 1
        decode(i, xy)

    panel.decode_cell = counted
    start = probe_pixel(view)
    send_mouse(view, QEvent.Type.MouseButtonPress, start, LEFT, LEFT)
    latencies = []
    for i in range(1, moves + 1):
        t = 2 * np.pi * i / 100
        pos = start + QPointF(80 * np.sin(t), 50 * np.sin(2 * t))
        before = count[0]
        t0 = time.perf_counter()
        send_mouse(view, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, LEFT)
        deadline = t0 + 5.0
        while count[0] == before:
            qapp.processEvents()
            if time.perf_counter() > deadline:
                raise RuntimeError("the move was not decoded: did the press miss the probe?")
        cell.decoded.canvas.repaint()
        qapp.processEvents()  # the dragged view repaints the probe's region, as its next frame would
        latencies.append((time.perf_counter() - t0) * 1e3)
    send_mouse(view, QEvent.Type.MouseButtonRelease, pos, LEFT, Qt.MouseButton.NoButton)
    qapp.processEvents()
    del panel.decode_cell
    return latencies


def drag_figure() -> Figure:
    from aeviewer.core import threads
    from aeviewer.gui.panels.compare_panel import ComparePanel

    qapp = app()
    threads.use_for_interactive_work()
    data = mnist_like()
    panel = ComparePanel(data)
    panel.resize(1400, 1000)
    models = [build_model(preset("seed-mlp", (1, 28, 28)), seed=0)]
    for kind in ("vae", "aae"):
        models.append(build_model(ModelConfig(kind=kind, input_shape=(1, 28, 28), latent_dim=2), seed=0))
    for model, name in zip(models, ("seed-mlp AE", "MLP VAE", "MLP AAE"), strict=True):
        panel.add_contender(Contender.from_model(name, model.eval()))
    panel.add_pca(2)
    panel.show()
    deadline = time.perf_counter() + 300
    while len(panel.rows) < 4 and time.perf_counter() < deadline:  # the table first: measure the drag alone
        qapp.processEvents()
        time.sleep(0.01)
    grid_drag(panel, 0, 50)  # warm-up
    lat = grid_drag(panel, 0, 600)
    ref = bare_decode(models[0], models[0].config.latent_dim)
    panel.close_work()
    panel.close()
    p50, p99 = percentiles(lat)
    r50, r99 = percentiles(ref)
    return Figure("compare grid of 4: drag latency p99, seed-mlp (cpu)", p99, "ms", 8.0,
                  detail=f"p50 {p50:.2f} ms; bare decode p50 {r50:.2f} / p99 {r99:.2f} ms; "
                         f"{len(panel.shown):,} points per view; 600 moves")


def trust_figures() -> list[Figure]:
    from sklearn.manifold import trustworthiness as sk_trustworthiness

    from aeviewer.core.latent.trust import trust_report, trust_stages, trustworthiness
    from aeviewer.gui.views.scatter_view import ScatterView

    app()
    data = mnist_like(n=12_500)
    x = data.flat[:10_000].astype(np.float64)
    codes = PcaBaseline().fit(x, 16).transform(x).astype(np.float64)
    plane = codes[:, :2].copy()
    view = ScatterView("trust")
    view.set_points(plane.astype(np.float32), data.y[:10_000], data.class_names)
    trust_report(codes[:500], plane[:500])  # imports and warm-up
    t0 = time.perf_counter()
    stages = trust_stages(codes, plane)
    first = next(stages)  # what the colouring needs: the window colours as soon as this arrives
    view.set_point_values(first.preservation)
    t1 = time.perf_counter()
    try:
        next(stages)
    except StopIteration as done:
        report = done.value
    t2 = time.perf_counter()
    view.close()
    n_ref = 3000
    r0 = time.perf_counter()
    ours = trustworthiness(codes[:n_ref], plane[:n_ref])
    r1 = time.perf_counter()
    theirs = sk_trustworthiness(codes[:n_ref], plane[:n_ref], n_neighbors=10)
    r2 = time.perf_counter()
    return [
        Figure("trust colouring of 10,000 points", (t1 - t0) * 1e3, "ms", 1000.0,
               detail=f"neighbourhood preservation (k = 10) of 16-D codes and recolouring the scatter; "
                      f"mean kept {first.mean_preservation:.0%}"),
        Figure("trust figures of 10,000 points (after the colouring)", (t2 - t1) * 1e3, "ms", None,
               detail=f"trustworthiness {report.trustworthiness:.3f} (2,000 sampled rows ranked in 16-D), "
                      f"continuity {report.continuity:.3f} (exact, k-d tree on the plane)"),
        Figure("trustworthiness of 3,000 points vs scikit-learn", (r1 - r0) / max(r2 - r1, 1e-9), "×", 1.0,
               detail=f"ours {(r1 - r0) * 1e3:.0f} ms ({ours:.4f}), sklearn {(r2 - r1) * 1e3:.0f} ms ({theirs:.4f}); "
                      "time ratio, lower is faster"),
    ]


def main() -> None:
    emit([drag_figure(), *trust_figures()])


if __name__ == "__main__":
    main()
