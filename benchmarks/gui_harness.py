"""An offscreen main window on synthetic MNIST-sized data, for the GUI benchmarks."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QPointF, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from aeviewer.core.data.dataset import Dataset  # noqa: E402


def app() -> QApplication:
    """The QApplication with the app's own pyqtgraph settings (see aeviewer/gui/app/launch.py)."""
    existing = QApplication.instance()
    if existing is not None:
        return existing
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True)
    return QApplication([])


def mnist_like(n: int = 12_000, seed: int = 0) -> Dataset:
    """Blurry class-dependent blobs, 1×28×28: enough structure for codes to spread out."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    yy, xx = np.mgrid[0:28, 0:28]
    centres = rng.uniform(6, 22, size=(10, 2))
    x = np.exp(-((yy[None] - centres[y, 0, None, None]) ** 2 + (xx[None] - centres[y, 1, None, None]) ** 2) / 30.0)
    x = np.clip(x + rng.normal(0, 0.05, x.shape), 0, 1).astype(np.float32)[:, None]
    return Dataset("mnist-like", x, y, tuple(str(i) for i in range(10)), "synthetic").with_holdout(0.2, seed=0)


def main_window(dataset: Dataset, tmpdir: str):
    """The window as the app has it once started: torch's one-time optimizer imports already paid
    (the app does that in the background right after its first paint, see gui/startup.py)."""
    from aeviewer.core.train.warmup import warm_up
    from aeviewer.gui.app.main_window import MainWindow

    warm_up()
    window = MainWindow(settings=QSettings(os.path.join(tmpdir, "bench.ini"), QSettings.Format.IniFormat))
    window.set_dataset(dataset)
    window.resize(1500, 900)  # the size benches always ran at: the start size is clamped to the (offscreen) screen
    window.show()
    app().processEvents()
    return window


def send_mouse(view, kind: QEvent.Type, pos: QPointF, button, buttons) -> None:
    viewport = view.viewport()
    event = QMouseEvent(kind, pos, QPointF(viewport.mapToGlobal(pos.toPoint())), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, event)


def probe_pixel(view) -> QPointF:
    scene = view.plotItem.vb.mapViewToScene(QPointF(*map(float, view.probe_position())))
    return QPointF(view.mapFromScene(scene))
