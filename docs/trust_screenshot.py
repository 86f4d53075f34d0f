"""Regenerate docs/trust-mode.png: from the repository root,
`QT_QPA_PLATFORM=offscreen PYTHONPATH=. python docs/trust_screenshot.py` (or under Xvfb with xcb).

Trains an 8-D autoencoder on the bundled digits, shows its t-SNE picture coloured by trust (the share of each
point's 10 nearest neighbours in code space kept in the picture) and saves a grab of the window.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.train.trainer import TrainConfig, Trainer
from aeviewer.gui.app.main_window import MainWindow
from docs.explore_screenshots import pump

DOCS = Path(__file__).resolve().parent


def main() -> None:
    app = QApplication(sys.argv)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    w.resize(1500, 900)
    w.set_dataset(load_dataset("digits"))
    w.show()
    config = ModelConfig(input_shape=w.shown.sample_shape, latent_dim=8)
    model = build_model(config, seed=0)
    for _ in Trainer(model, w.dataset.split(test=False).x, TrainConfig(epochs=25, lr=3e-3)).run():
        pass
    w.settings_panel.show_config(config)
    w.set_model(model.eval(), history=[])
    if w.first_run_hint is not None:
        w.first_run_hint.dismiss()
    w.explore.raise_()
    panel = w.explore.projection
    panel.method.setCurrentIndex(panel.method.findData("tsne"))
    pump(app, lambda: w.ae_space.projection.method == "tsne" and w.explore.task is None, timeout_s=300)
    panel.colour_by_trust.setChecked(True)
    tracker = w.explore.trust
    pump(app, lambda: tracker.report is not None and tracker.report.complete)
    worst = int(tracker.report.preservation.argmin())
    w.ae_view.set_probe(w.ae_space.points[worst])
    pump(app)
    out = DOCS / "trust-mode.png"
    w.grab().save(str(out))
    print(out)
    w.close()


if __name__ == "__main__":
    main()
