"""A ScatterView and an ImagePane alone, without the app's window: drag the cross and the picture follows.

The state (aeviewer.core.state) holds the probe; the view writes to it and a ProbeDecoder turns it into
pictures, as in the app. `--quit-after MS` closes the window by itself (the smoke test uses it).

    python examples/scatter_and_image_pane.py
"""

import argparse

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

import aeviewer
from aeviewer.core.latent.spaces import AutoencoderSpace, shown_samples
from aeviewer.core.state import ExplorerState
from aeviewer.gui.views.image_pane import ImagePane
from aeviewer.gui.views.scatter_view import ScatterView, bind_probe
from aeviewer.gui.workers.probe_decoder import ProbeDecoder


def main(epochs: int, quit_after_ms: int) -> int:
    app = QApplication.instance() or QApplication([])
    data = aeviewer.load_dataset("digits")
    model = aeviewer.build_model(input_shape=data.sample_shape, latent_dim=2)
    aeviewer.fit(model, data, epochs=epochs)
    shown = shown_samples(data)
    state = ExplorerState(dataset=data, shown=shown, model=model, ae_space=AutoencoderSpace.build(model, shown))

    window = QWidget()
    window.setWindowTitle("ScatterView + ImagePane")
    view, pane = ScatterView("Latent space"), ImagePane("Decoded at the probe")
    layout = QHBoxLayout(window)
    layout.addWidget(view, 3)
    layout.addWidget(pane, 1)
    view.set_points(state.ae_space.points, shown.y, shown.class_names)
    decoder = ProbeDecoder(state, {"ae": pane.set_sample, "pca": lambda *_: None}, on_error=print)
    bind_probe(view, state, "ae")
    view.set_probe(state.ae_space.points.mean(axis=0))
    window.resize(900, 520)
    window.show()
    if quit_after_ms:
        QTimer.singleShot(quit_after_ms, window.close)
        QTimer.singleShot(quit_after_ms, app.quit)
    code = app.exec()
    decoder.close()
    print("decoded", decoder.decode_count, "time(s); the pane shows", None if pane.shown is None else pane.shown.shape)
    return code


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--quit-after", type=int, default=0, metavar="MS")
    args = parser.parse_args()
    raise SystemExit(main(args.epochs, args.quit_after))
