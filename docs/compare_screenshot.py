"""Regenerate docs/compare-grid.png: from the repository root,
`QT_QPA_PLATFORM=offscreen PYTHONPATH=. python docs/compare_screenshot.py` (or under Xvfb with xcb).

Trains a plain and an adversarial autoencoder (2-D codes) and a VAE (8-D) on the bundled digits, opens the
comparison grid with them and PCA, selects the 3s, sets a path between a 0 and a 6, and saves a grab.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QApplication

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.session.compare import Contender
from aeviewer.core.train.trainer import TrainConfig, Trainer
from aeviewer.gui.actions.compare_actions import CompareWindow
from docs.explore_screenshots import pump

DOCS = Path(__file__).resolve().parent
EPOCHS = 25


def main() -> None:
    app = QApplication(sys.argv)
    digits = load_dataset("digits")
    window = CompareWindow(digits, lambda task: task.start())
    window.resize(1500, 1050)
    panel = window.panel
    for kind, dim, title in (("ae", 2, "plain AE"), ("vae", 8, "VAE (8-D)"), ("aae", 2, "adversarial AE")):
        model = build_model(ModelConfig(input_shape=digits.sample_shape, latent_dim=dim, kind=kind), seed=0)
        for _ in Trainer(model, digits.split(test=False).x, TrainConfig(epochs=EPOCHS, lr=3e-3)).run():
            pass
        panel.add_contender(Contender.from_model(title, model.eval()))
    panel.add_pca(2)
    window.show()
    pump(app, lambda: len(panel.rows) == 4, timeout_s=300)
    y = panel.shown.y
    assert y is not None
    zero, six = int(np.flatnonzero(y == 0)[0]), int(np.flatnonzero(y == 6)[0])
    panel.click_sample(zero)
    panel.click_sample(six)
    panel.class_select.setCurrentIndex(panel.class_select.findData(3))
    panel.show_hover(int(np.flatnonzero(y == 7)[0]))
    for i, space in enumerate(panel.spaces):  # each probe on its model's 8s
        xy = space.points[y == 8].mean(axis=0)
        panel.cells[i].view.set_probe(xy, emit=False)
        panel.decode_cell(i, xy)
    pump(app)
    out = DOCS / "compare-grid.png"
    window.grab().save(str(out))
    print(out)
    window.close()


if __name__ == "__main__":
    main()
