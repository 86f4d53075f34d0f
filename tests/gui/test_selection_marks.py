"""What a selection leaves on the scatters: rings in both views, a hover card that never sticks, and nothing
left over from the previous dataset."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.latent.spaces import AutoencoderSpace, DatasetBaseline
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.session.recording import ProbePath
from aeviewer.core.state import ExplorerState
from tests.gui import mouse


@pytest.fixture
def explore(qtbot):
    """Both scatters (AE and PCA) and the Explore dock on a state, no window."""
    from aeviewer.gui.panels.explore_tabs import ExploreDock
    from aeviewer.gui.views.scatter_view import ScatterView
    from aeviewer.gui.workers.probe_decoder import ProbeDecoder

    digits = load_dataset("digits")
    baseline = DatasetBaseline.compute(digits)
    shown = baseline.shown
    model = build_model(ModelConfig(input_shape=digits.sample_shape, latent_dim=2), seed=0).eval()
    state = ExplorerState(dataset=digits, shown=shown, model=model, ae_space=AutoencoderSpace.build(model, shown),
                          pca_space=baseline.pca_space)
    ae, pca = ScatterView("latent"), ScatterView("pca")
    decoder = ProbeDecoder(state, {"ae": lambda *_: None, "pca": lambda *_: None}, on_error=pytest.fail)
    dock = ExploreDock(state, ae, pca, decoder)
    for view, space in ((ae, state.ae_space), (pca, state.pca_space)):
        qtbot.addWidget(view)
        view.resize(500, 400)
        view.set_points(space.points, shown.y, shown.class_names)
        view.show()
        qtbot.waitExposed(view)
        view.fit_to_data()
    qtbot.addWidget(dock)
    yield state, ae, pca, dock
    decoder.close()


def _ringed(view) -> np.ndarray:
    x, y = view.selection_rings.getData()
    return np.stack([x, y], axis=1) if x is not None and len(x) else np.zeros((0, 2))


def test_a_shift_dragged_box_rings_the_same_samples_in_both_views(explore, qtbot):
    state, ae, pca, dock = explore
    points = ae.points()
    centre = np.median(points, axis=0)
    spread = points.std(axis=0) / 2
    start, end = mouse.to_pixels(ae, centre - spread * [1, -1]), mouse.to_pixels(ae, centre + spread * [1, -1])
    with qtbot.waitSignal(dock.inspectors[0].selected) as picked:
        mouse.shift_drag(ae, start, end)
    indices = picked.args[0]
    assert 0 < len(indices) < len(points)
    inside = np.all((points[indices] >= centre - spread) & (points[indices] <= centre + spread), axis=1)
    assert inside.all()
    np.testing.assert_allclose(_ringed(ae), points[indices])
    np.testing.assert_allclose(_ringed(pca), pca.points()[indices])  # the same samples, where PCA puts them
    assert ae.selection_rings.zValue() > ae._groups[0].zValue()


def test_the_hover_card_hides_when_a_drag_starts_and_follows_the_mouse_after(explore, qtbot):
    state, ae, _pca, dock = explore
    inspector = dock.inspectors[0]
    points = ae.points()
    first = int(np.argmin(points[:, 0]))
    at = mouse.to_pixels(ae, points[first])
    mouse.move(ae, at, held=False)
    assert inspector.card.isVisible() and inspector.card.index is not None
    mouse.press(ae, at)  # a pan (or a probe drag) starts on the point
    assert not inspector.card.isVisible()
    mouse.move(ae, at + QPointF(60, 30))
    assert not inspector.card.isVisible(), "the card stayed where the drag began"
    mouse.release(ae, at + QPointF(60, 30))
    there = mouse.to_pixels(ae, points[int(np.argmax(points[:, 0]))])
    mouse.move(ae, there, held=False)
    assert inspector.card.isVisible()
    assert inspector.card.index == ae.point_under(there.toPoint()) != first  # the card follows the mouse again


def test_opening_another_dataset_clears_rings_selection_and_recordings(make_main_window, qtbot):
    w = make_main_window()
    w.select_sample(7)
    w.explore.inspectors[0].select_region((-1e3, 1e3), (-1e3, 1e3))
    w.recordings.add_path(ProbePath(name="drag 1", samples=[(0.0, 0.0, 0.0), (0.5, 1.0, 1.0)]))
    assert len(_ringed(w.ae_view)) == len(w.shown) and len(w.ae_view.highlight.data) == 1
    w.set_dataset(load_dataset("digits"))  # another dataset object: the state's `dataset` event fires
    for view in (w.ae_view, w.pca_view):
        assert len(_ringed(view)) == 0 and len(view.highlight.data) == 0
    assert w.recordings.paths == [] and w.recordings.path_list.count() == 0
    assert len(w.explore.selection.indices) == 0 and w.explore.recent == []
