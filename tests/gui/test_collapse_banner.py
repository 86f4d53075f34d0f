"""A collapsed run is said over the latent view, in one sentence, instead of an empty or black view."""

from __future__ import annotations

import torch
from PySide6.QtWidgets import QWidget

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.state import ExplorerState
from aeviewer.core.train.trainer import TrainConfig, Trainer
from aeviewer.gui.views.problem_banner import ProblemBanner
from aeviewer.gui.workers.training_worker import TrainingWorker


def test_the_banner_shows_the_states_problem_and_hides_when_it_clears(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(600, 400)
    state = ExplorerState()
    banner = ProblemBanner(host, state)
    host.show()
    assert banner.isHidden()
    state.training_problem = "Training collapsed: the decoder draws black for every input."
    assert banner.isVisible() and "black" in banner.label.text()
    assert banner.geometry().bottom() <= host.height() and banner.width() <= host.width()
    state.training_problem = ""
    assert banner.isHidden()


def test_the_training_thread_names_a_black_decoder_from_epoch_three(qtbot):
    data = load_dataset("digits")
    model = build_model(ModelConfig(input_shape=data.sample_shape, latent_dim=2, hidden=(16,)), seed=0)
    with torch.no_grad():  # a decoder saturated black, and a rate too small to ever leave it
        model.decoder[-2].weight.zero_()
        model.decoder[-2].bias.fill_(-30.0)
    model.output_bias_pending = False
    config = TrainConfig(epochs=4, batch_size=256, lr=1e-9)
    worker = TrainingWorker(lambda on_pause: Trainer(model, data.x, config, on_pause=on_pause), data.x[:300])
    problems: list[tuple[str, int]] = []
    epochs: list[int] = []
    worker.yielded.connect(lambda e: epochs.append(e.epoch) if e.epoch_done else None)
    worker.problem.connect(lambda message: problems.append((message, len(epochs))))
    with qtbot.waitSignal(worker.returned, timeout=60_000):
        worker.start()
    worker.wait()
    assert problems and "black" in problems[0][0]
    assert problems[0][1] >= 3  # not learnt yet in the first epochs is not collapse
