"""The explorer's evented state: a change fires once, a repeat fires nothing, and a session round-trips without Qt."""

from __future__ import annotations

import pytest

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.errors import AeviewerError
from aeviewer.core.latent.spaces import AutoencoderSpace, shown_samples
from aeviewer.core.models import build_model
from aeviewer.core.session.session import load_session, save_session
from aeviewer.core.shapes import format_shape, model_fit_problem
from aeviewer.core.state import ExplorerState, Status
from tests.core.model_data import small_config


def test_a_probe_move_fires_once_with_new_and_old_and_a_repeat_fires_nothing():
    state, seen = ExplorerState(), []
    state.events.ae_probe.connect(lambda new, old: seen.append((new, old)))
    state.set_probe("ae", [0.5, -1])
    state.set_probe("ae", (0.5, -1.0))
    assert seen == [((0.5, -1.0), (0.0, 0.0))]
    assert state.pca_probe == (0.0, 0.0)


def test_a_new_dataset_with_equal_contents_still_fires():
    digits = load_dataset("digits")
    twin = Dataset(digits.name, digits.x.copy(), digits.y)
    state, seen = ExplorerState(dataset=digits), []
    state.events.dataset.connect(lambda new: seen.append(new))
    state.dataset = twin
    state.dataset = twin
    assert seen == [twin]


def test_work_is_refused_with_one_message_while_training_or_paused():
    state = ExplorerState()
    assert state.refusal("saving") is None
    for status in (Status.TRAINING, Status.PAUSED):
        state.status = status
        assert state.training
        assert state.refusal("saving") == "Training is running: cancel it (Esc) or let it finish before saving."
    state.status = Status.FOLLOWING
    assert not state.training and state.refusal("saving") is None


def test_a_session_from_the_state_applies_back_to_a_fresh_state(tmp_path):
    digits = load_dataset("digits")
    shown = shown_samples(digits)
    model = build_model(small_config(input_shape=(1, 8, 8)), seed=1)
    state = ExplorerState(dataset=digits, shown=shown, model=model, history=[{"loss": 0.25}],
                          ae_space=AutoencoderSpace.build(model, shown), selected=4, theme="dark")
    state.set_probe("ae", (0.125, -2.0))
    state.set_probe("pca", (3.0, 0.5))
    back = load_session(save_session(tmp_path / "view", state.to_session(paths=[])))
    assert back.dataset == "digits" and back.model_meta["history"] == [{"loss": 0.25}]

    fresh, fired = ExplorerState(dataset=digits, shown=shown), []
    fresh.events.connect(lambda info: fired.append(info.signal.name))
    fresh.apply(back)
    assert (fresh.selected, fresh.ae_probe, fresh.pca_probe, fresh.theme) == (4, (0.125, -2.0), (3.0, 0.5), "dark")
    assert sorted(fired) == ["ae_probe", "pca_probe", "selected", "theme"]


def test_an_empty_state_has_nothing_to_save():
    with pytest.raises(AeviewerError, match="no dataset"):
        ExplorerState().to_session()


def test_the_fit_check_names_both_shapes_and_passes_a_fitting_model():
    digits = load_dataset("digits")
    assert format_shape((1, 28, 28)) == "1×28×28"
    assert model_fit_problem((1, 8, 8), digits) is None
    assert model_fit_problem((1, 28, 28), None) is None
    problem = model_fit_problem((1, 28, 28), digits)
    assert "1×28×28" in problem and "1×8×8" in problem and "digits" in problem
