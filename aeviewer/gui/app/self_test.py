"""`aeviewer --self-test`: prove an install or a bundle works end to end, without a display or a user.

Trains a tiny model on digits for one epoch, decodes a point, renders the real window offscreen and checks
the picture. Each step prints one line; the first failure raises SelfTestError naming the step.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from aeviewer.core.errors import AeviewerError


class SelfTestError(AeviewerError):
    """A self-test step went wrong: the message names the step and what was seen."""


def run_self_test(say: Callable[[str], None] = lambda line: print(line, file=sys.stderr)) -> None:
    """Run every step, printing progress through `say`; raise SelfTestError on the first failure."""
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no display needed: CI, a build machine, ssh
    started = time.perf_counter()
    from aeviewer.gui.dialogs.about_dialog import version_report

    say("self-test: " + "; ".join(f"{k} {v}" for k, v in version_report().items()))

    from aeviewer.core.data.loaders import load_dataset
    from aeviewer.core.latent.spaces import AutoencoderSpace
    from aeviewer.core.models import ModelConfig, build_model
    from aeviewer.core.train.trainer import TrainConfig, Trainer

    dataset = load_dataset("digits")
    train = dataset.split(test=False)
    model = build_model(ModelConfig(kind="ae", backbone="mlp", input_shape=dataset.sample_shape, latent_dim=2,
                                    hidden=(64, 32)), seed=0)
    trainer = Trainer(model, train.x, TrainConfig(epochs=1, batch_size=64, lr=1e-3, seed=0))
    events = list(trainer.run())
    losses = events[-1].losses if events else {}
    if not trainer.history or not all(np.isfinite(v) for v in losses.values()):
        raise SelfTestError(f"training: one epoch on digits gave no finite loss ({losses})")
    model.eval()
    terms = ", ".join(f"{k} {v:.4g}" for k, v in losses.items())
    say(f"self-test: trained 1 epoch on {len(train):,} digits on {trainer.device}, {terms}")

    space = AutoencoderSpace.build(model, dataset.split(test=True))
    xy = space.points.mean(axis=0)
    decoded = np.asarray(space.decode_at(xy))
    if decoded.size != int(np.prod(dataset.sample_shape)) or not np.all(np.isfinite(decoded)):
        raise SelfTestError(f"decoding: the point {xy} decoded to {decoded.shape} values, not one finite sample")
    say(f"self-test: decoded ({xy[0]:.3g}, {xy[1]:.3g}) to a {'×'.join(map(str, dataset.sample_shape))} sample")

    colours = _render_window(dataset, model, trainer.history)
    say(f"self-test: rendered the window offscreen ({colours} colours)")
    say(f"self-test: passed in {time.perf_counter() - started:.1f} s")


def _render_window(dataset, model, history) -> int:
    """Build the real window on the trained model, paint it offscreen and count its colours."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from aeviewer.gui.app.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="aeviewer-self-test-") as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)  # never the user's
        window = MainWindow(settings=settings)
        try:
            window.set_dataset(dataset)
            window.set_model(model, history=history)
            window.show()
            app.processEvents()
            window.decoder.decode_now()
            app.processEvents()
            if window.samples.ae_probe.shown is None:
                raise SelfTestError("window: the probe's decoded picture was not shown")
            image = window.grab().toImage()
            if image.isNull() or image.width() < 100 or image.height() < 100:
                raise SelfTestError(f"window: rendering gave a {image.width()}×{image.height()} picture")
            pixels = np.asarray(image.convertToFormat(image.Format.Format_RGB32).constBits()).view(np.uint32)
            colours = len(np.unique(pixels))
            if colours < 16:
                raise SelfTestError(f"window: the rendered window has only {colours} colours; nothing was drawn")
            return colours
        finally:
            window.close()
            window.deleteLater()
            app.processEvents()
