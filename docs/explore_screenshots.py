"""Regenerate the Explore screenshots in docs/: from the repository root, under Xvfb,
`DISPLAY=:99 QT_QPA_PLATFORM=xcb PYTHONPATH=. python docs/explore_screenshots.py`.

Trains small models on the bundled digits, puts the window in each Explore view and saves a grab of it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.train.trainer import TrainConfig, Trainer
from aeviewer.gui.app.main_window import MainWindow

DOCS = Path(__file__).resolve().parent


def pump(app: QApplication, until=lambda: True, timeout_s: float = 120.0) -> None:
    import time

    end = time.monotonic() + timeout_s
    while True:
        app.processEvents()
        time.sleep(0.02)
        if until() or time.monotonic() > end:
            for _ in range(10):
                app.processEvents()
                time.sleep(0.02)
            return


def trained(window: MainWindow, latent_dim: int, kind: str, epochs: int):
    config = ModelConfig(input_shape=window.shown.sample_shape, latent_dim=latent_dim, kind=kind)
    model = build_model(config, seed=0)
    for _ in Trainer(model, window.dataset.split(test=False).x, TrainConfig(epochs=epochs, lr=3e-3)).run():
        pass
    window.settings_panel.show_config(config)
    window.set_model(model.eval(), history=[])


def main() -> None:
    app = QApplication(sys.argv)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    w.resize(1840, 1000)
    w.set_dataset(load_dataset("digits"))
    w.show()
    dock = w.explore
    trained(w, 8, "ae", 40)
    pump(app)

    def save(name: str) -> None:
        pump(app)
        w.grab().save(str(DOCS / name))
        print("saved", name)

    dock.tabs.setCurrentWidget(dock.projection)
    dock.projection.method.setCurrentIndex(dock.projection.method.findData("tsne"))
    pump(app, lambda: w.ae_space.projection.method == "tsne" and dock.task is None)
    w.ae_view.set_probe(w.ae_space.points[10] + 0.5 * w.ae_space.projection.spacing)
    save("explore-tsne.png")

    dock.tabs.setCurrentWidget(dock.traversal)
    w.select_sample(10)
    dock.traversal.sliders[2].setValue(900)
    save("explore-traversal.png")

    dock.tabs.setCurrentWidget(dock.interpolation)
    dock.interpolation.ends.setCurrentIndex(dock.interpolation.ends.findData("classes"))
    dock.interpolation.class_a.setCurrentIndex(0)
    dock.interpolation.class_b.setCurrentIndex(7)
    dock.interpolation.kind.setCurrentIndex(1)
    save("explore-interpolation.png")

    dock.tabs.setCurrentWidget(dock.generation)
    dock.generation.sample_button.click()
    save("explore-generation.png")
    dock.clear_generated()

    pts = w.ae_space.points
    inspector = dock.inspectors[0]
    centre = pts[w.shown.y == 4].mean(axis=0)
    inspector.select_region((centre[0] - 6, centre[0] + 6), (centre[1] - 6, centre[1] + 6))
    pump(app)
    from tests.gui.mouse import to_pixels

    inspector.hover(to_pixels(w.ae_view, pts[np.flatnonzero(w.shown.y == 2)[0]]).toPoint())
    save("explore-selection.png")

    inspector.card.hide()
    dock.tabs.setCurrentWidget(dock.denoise)
    w.ae_view.point_clicked.emit(int(np.flatnonzero(w.shown.y == 3)[0]))
    dock.denoise.kind.setCurrentIndex(dock.denoise.kind.findData("gaussian"))
    dock.denoise.amount.setValue(35)
    save("explore-denoise.png")

    dock.projection.method.setCurrentIndex(dock.projection.method.findData("pca"))
    trained(w, 2, "ae", 80)
    pump(app)
    dock.tabs.setCurrentWidget(dock.manifold)
    dock.manifold.tiles.setValue(10)
    dock.manifold.enabled.setChecked(True)
    pump(app, lambda: dock.overlay.updates > 0)
    save("explore-manifold-grid.png")
    dock.manifold.mode.setCurrentIndex(dock.manifold.mode.findData("distance"))
    w.ae_view.plotItem.vb.scaleBy((1.6, 1.6))
    pump(app, lambda: False, timeout_s=1.0)
    save("explore-decoder-map.png")
    w.close()


if __name__ == "__main__":
    main()
