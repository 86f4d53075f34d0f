"""Views, panels and workers built on an ExplorerState alone: no MainWindow, as napari's layer controls are tested."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.latent.spaces import AutoencoderSpace, shown_samples
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.state import ExplorerState, Status


@pytest.fixture
def digits_state() -> ExplorerState:
    digits = load_dataset("digits")
    shown = shown_samples(digits)
    model = build_model(ModelConfig(input_shape=digits.sample_shape, latent_dim=2), seed=0).eval()
    return ExplorerState(dataset=digits, shown=shown, model=model, ae_space=AutoencoderSpace.build(model, shown))


def test_a_burst_of_probe_moves_is_decoded_once_at_the_newest_position(qtbot, digits_state):
    from aeviewer.gui.workers.probe_decoder import ProbeDecoder

    shown: list[tuple[np.ndarray, str]] = []
    decoder = ProbeDecoder(digits_state, {"ae": lambda image, _shape, label: shown.append((image, label)),
                                          "pca": lambda *_: None}, on_error=pytest.fail)
    for x in np.linspace(-1.0, 1.0, 20):
        digits_state.set_probe("ae", (x, 0.5))
    qtbot.waitUntil(lambda: bool(shown), timeout=2000)
    assert len(shown) == decoder.decode_count == 1 and shown[0][1] == "(1.00, 0.50)"
    np.testing.assert_allclose(shown[0][0], digits_state.ae_space.decode_at(np.array([1.0, 0.5])), atol=1e-6)
    decoder.close()


def test_the_state_moves_the_cross_without_echo_and_a_drag_writes_the_state(qtbot, digits_state):
    from aeviewer.gui.views.scatter_view import ScatterView, bind_probe

    view = ScatterView("latent")
    qtbot.addWidget(view)
    bind_probe(view, digits_state, "ae")
    echoes: list[object] = []
    view.probe_moved.connect(echoes.append)
    digits_state.set_probe("ae", (0.25, -0.75))
    assert tuple(view.probe_position()) == pytest.approx((0.25, -0.75)) and echoes == []
    view.set_probe(np.array([1.5, 2.0]))  # as a drag or a key press moves it
    assert digits_state.ae_probe == pytest.approx((1.5, 2.0))


def test_the_explore_tabs_follow_the_state_probe(qtbot, digits_state):
    from aeviewer.gui.panels.explore_tabs import ExploreDock
    from aeviewer.gui.views.scatter_view import ScatterView
    from aeviewer.gui.workers.probe_decoder import ProbeDecoder

    views = [ScatterView("latent"), ScatterView("pca")]
    decoder = ProbeDecoder(digits_state, {"ae": lambda *_: None, "pca": lambda *_: None}, on_error=pytest.fail)
    dock = ExploreDock(digits_state, *views, decoder)
    for widget in (*views, dock):
        qtbot.addWidget(widget)
    dock.show()
    dock.space_changed()
    assert len(dock.traversal.sliders) == 2
    digits_state.set_probe("ae", (0.5, -0.25))
    np.testing.assert_allclose(dock.traversal.code, digits_state.ae_space.code_at(np.array([0.5, -0.25])), atol=1e-6)
    decoder.close()


def test_an_action_is_enabled_by_its_rule_on_every_status_change(qtbot):
    from PySide6.QtWidgets import QMainWindow

    from aeviewer.gui.actions.registry import ActionRegistry, ActionSpec, not_training

    window, state, ran = QMainWindow(), ExplorerState(), []
    qtbot.addWidget(window)
    registry = ActionRegistry(window, state)
    save = registry.add(ActionSpec("save", "&Save", lambda: ran.append("save"), enabled_when=not_training))
    save.trigger()
    state.status = Status.TRAINING
    assert not save.isEnabled()
    state.status = Status.PAUSED
    assert not save.isEnabled()
    state.status = Status.IDLE
    assert save.isEnabled() and ran == ["save"]

