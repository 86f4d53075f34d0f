"""The replay scrubber: the slider shows the stored frame, Play advances, the loss cursor follows, Live returns."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.latent.spaces import AutoencoderSpace, shown_samples
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.state import ExplorerState
from aeviewer.core.train.formation import Formation, fixed_subset


def _distances(points: np.ndarray) -> np.ndarray:
    p = np.asarray(points, np.float64)
    return np.linalg.norm(p[:, None] - p[None], axis=-1)


@pytest.fixture
def replay(qtbot):
    from aeviewer.gui.panels.replay_panel import ReplayPanel
    from aeviewer.gui.views.loss_plot import LossPlot
    from aeviewer.gui.views.scatter_view import ScatterView

    digits = load_dataset("digits")
    shown = shown_samples(digits)
    model = build_model(ModelConfig(input_shape=digits.sample_shape, latent_dim=2), seed=0).eval()
    state = ExplorerState(dataset=digits, shown=shown, model=model, ae_space=AutoencoderSpace.build(model, shown))
    view, plot = ScatterView("latent"), LossPlot()
    panel = ReplayPanel(state, view, plot)
    for widget in (view, plot, panel):
        qtbot.addWidget(widget)
    idx = fixed_subset(len(shown), 60, seed=1)
    formation = Formation(indices=idx, labels=shown.y[idx])
    rng = np.random.default_rng(0)
    for k in range(5):  # a cloud that grows and turns: each frame its own shape
        codes = rng.normal(size=(len(idx), 2)) * (1 + k)
        formation.append(k, 10 * k, math.nan if k == 0 else 1.0 / k, codes)
    state.formation = formation
    return state, view, plot, panel


def test_moving_the_scrubber_shows_that_stored_frame(replay) -> None:
    state, view, plot, panel = replay
    assert panel.slider.isEnabled() and panel.slider.maximum() == 4
    for f in (2, 0, 4):
        panel.slider.setValue(f)
        shown = view.points()
        assert len(shown) == 60
        # the frame's codes up to the alignment's turn and shift: the same distances between samples
        np.testing.assert_allclose(_distances(shown), _distances(state.formation.codes[f]), rtol=1e-3, atol=1e-3)
        assert plot.cursor_step() == 10 * f
        assert f"epoch {f}" in panel.caption.text()


def test_play_advances_to_the_end_and_stops(replay, qtbot) -> None:
    _, _, plot, panel = replay
    panel.slider.setValue(0)
    panel.speed.setCurrentIndex(panel.speed.count() - 1)  # fastest
    panel.play_button.click()
    assert panel.timer.isActive()
    qtbot.waitUntil(lambda: panel.slider.value() == panel.slider.maximum(), timeout=5000)
    qtbot.waitUntil(lambda: not panel.timer.isActive(), timeout=5000)
    assert not panel.play_button.isChecked() and plot.cursor_step() == 40


def test_live_shows_every_shown_sample_again(replay) -> None:
    state, view, plot, panel = replay
    panel.slider.setValue(1)
    panel.live_button.click()
    np.testing.assert_allclose(view.points(), state.ae_space.points)
    assert plot.cursor_step() is None


def test_no_replay_leaves_the_scrubber_disabled(replay) -> None:
    state, view, _, panel = replay
    state.formation = None
    assert not panel.slider.isEnabled() and not panel.play_button.isEnabled()


def test_training_in_the_window_keeps_frames_for_the_scrubber(make_main_window, qtbot) -> None:
    w = make_main_window()
    w.settings_panel.epochs.setValue(2)
    w.training_ctl.start()
    qtbot.waitUntil(lambda: not w.training and w.training_ctl.worker is None, timeout=60_000)
    formation = w.state.formation
    assert formation is not None and len(formation) >= 3 and formation.epochs[0] == 0.0
    assert formation.epochs[-1] == pytest.approx(2.0, abs=0.3)
    assert w.replay.slider.maximum() == len(formation) - 1 and w.replay.slider.isEnabled()
    w.replay.slider.setValue(0)
    assert len(w.ae_view.points()) == len(formation.indices)


def test_a_new_snapshot_ends_the_replay(replay) -> None:
    state, _, plot, panel = replay
    panel.slider.setValue(2)
    state.ae_space = AutoencoderSpace.build(state.model, state.shown)  # as training's next snapshot does
    assert not panel.replaying and plot.cursor_step() is None


def test_a_click_on_a_replayed_dot_names_its_shown_sample_and_returns_to_live(replay) -> None:
    state, view, _, panel = replay
    panel.slider.setValue(3)
    assert panel.sample_index(5) == int(state.formation.indices[5])
    assert not panel.replaying and len(view.points()) == len(state.shown)
    assert panel.sample_index(5) == 5  # live: the view's dots are the shown samples


def test_following_a_run_folder_brings_its_replay(make_main_window, qtbot, tmp_path) -> None:
    from aeviewer.cli import main
    from aeviewer.core.train.formation import FORMATION_NAME, load_formation

    folder = tmp_path / "run"
    assert main(["train", "--data", "digits", "--run", str(folder), "--epochs", "1", "--device", "cpu"]) == 0
    stored = load_formation(folder / FORMATION_NAME)
    w = make_main_window()
    w.files.follow_run(folder)
    qtbot.waitUntil(lambda: w.state.formation is not None, timeout=30_000)
    assert w.state.formation.steps == stored.steps
    assert w.replay.slider.maximum() == len(stored) - 1
    w.files.close()


def test_wide_codes_shown_with_tsne_replay_warm_started_tsne_layouts(qtbot) -> None:
    pytest.importorskip("openTSNE")
    from aeviewer.core.latent.embedding import Embedding, pca_embedding
    from aeviewer.gui.panels.replay_panel import ReplayPanel
    from aeviewer.gui.views.loss_plot import LossPlot
    from aeviewer.gui.views.scatter_view import ScatterView

    digits = load_dataset("digits")
    shown = shown_samples(digits)
    model = build_model(ModelConfig(input_shape=digits.sample_shape, latent_dim=4), seed=0).eval()
    space = AutoencoderSpace.build(model, shown)
    pca = pca_embedding(space.codes)  # stands in for a t-SNE picture: only its method matters here
    fake = Embedding("tsne", pca.points, space.codes, "t-SNE", "interpolated", pca.to_plane, pca.from_plane)
    state = ExplorerState(dataset=digits, shown=shown, model=model, ae_space=space.with_embedding(fake))
    tasks = []
    view, plot = ScatterView("latent"), LossPlot()
    panel = ReplayPanel(state, view, plot, start_task=lambda task: tasks.append(task) or task.start() or task)
    for widget in (view, plot, panel):
        qtbot.addWidget(widget)
    idx = fixed_subset(len(shown), 60, seed=1)
    formation = Formation(indices=idx, labels=shown.y[idx])
    rng = np.random.default_rng(0)
    for k in range(3):
        formation.append(k, 5 * k, 1.0, space.codes[idx] + 0.05 * rng.normal(size=(60, 4)))
    state.formation = formation
    assert panel.layout_name == "pca" and len(tasks) == 1  # PCA planes at once, t-SNE in the background
    qtbot.waitUntil(lambda: panel.layout_name == "tsne", timeout=30_000)
    tasks[0].wait()
    assert panel.points.shape == (3, 60, 2)
    panel.slider.setValue(1)
    np.testing.assert_allclose(view.points(), panel.points[1])


def test_the_replay_holds_one_range_so_growth_shows_and_live_refits(replay) -> None:
    state, view, _, panel = replay
    panel.slider.setValue(0)
    first = view.plotItem.vb.viewRange()
    panel.slider.setValue(4)  # five times the spread of frame 0
    assert view.plotItem.vb.viewRange() == first and not view.following
    spread = np.ptp(view.points(), axis=0)
    assert spread[0] < first[0][1] - first[0][0]  # the biggest frame fits the held range
    panel.live_button.click()
    assert view.following
