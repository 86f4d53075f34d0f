"""Trust mode: the latent view coloured by neighbourhood preservation, the picture's figures beside its name,
and the local preservation at the probe for t-SNE views; computed off the GUI thread."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core.latent.embedding import Embedding, IdwInverse
from aeviewer.core.latent.trust import trust_report
from aeviewer.core.models import ModelConfig, build_model


def wide_model(window, latent_dim: int = 6):
    config = ModelConfig(input_shape=window.shown.sample_shape, latent_dim=latent_dim, hidden=(32,))
    window.set_model(build_model(config, seed=0), history=[])


def brush_colours(view) -> set[str]:
    return {spot.brush().color().name() for group in view._groups for spot in group.points()}


def test_trust_mode_colours_the_points_by_the_neighbours_they_keep(make_main_window, qtbot):
    w = make_main_window()
    wide_model(w)
    tracker, panel = w.explore.trust, w.explore.projection
    qtbot.waitUntil(lambda: tracker.report is not None and tracker.report.complete, timeout=20_000)
    expected = trust_report(w.ae_space.codes, w.ae_space.points)
    np.testing.assert_array_equal(tracker.report.preservation, expected.preservation)
    assert f"trust {expected.trustworthiness:.3f}" in panel.trust_summary.text()
    assert f"continuity {expected.continuity:.3f}" in panel.trust_summary.text()
    class_colours = brush_colours(w.ae_view)

    panel.colour_by_trust.setChecked(True)
    np.testing.assert_array_equal(w.ae_view.point_values(), expected.preservation)
    trust_colours = brush_colours(w.ae_view)
    assert trust_colours != class_colours and len(trust_colours) > 1  # a lossy PCA plane: some red, some green
    worst = int(np.argmin(expected.preservation))
    best = int(np.argmax(expected.preservation))
    colour = {int(spot.data()): spot.brush().color() for g in w.ae_view._groups for spot in g.points()}
    assert colour[worst].red() > colour[worst].green() and colour[best].green() > colour[best].red()

    assert not w.ae_view.legend.isVisible()  # its swatches are the class colours

    panel.colour_by_trust.setChecked(False)
    assert w.ae_view.point_values() is None and brush_colours(w.ae_view) == class_colours
    assert w.ae_view.legend.isVisible()


def test_a_2d_latent_is_exactly_trusted(make_main_window, qtbot):
    w = make_main_window()
    wide_model(w, latent_dim=2)
    qtbot.waitUntil(lambda: w.explore.trust.report is not None and w.explore.trust.report.complete,
                    timeout=20_000)
    assert "trust 1.000" in w.explore.projection.trust_summary.text()
    assert "continuity 1.000" in w.explore.projection.trust_summary.text()


def test_a_tsne_view_says_how_well_neighbourhoods_are_kept_at_the_probe(make_main_window, qtbot):
    w = make_main_window()
    wide_model(w)
    dock = w.explore
    space = w.ae_space
    # A stand-in for t-SNE (which takes seconds): a shuffled picture, whose neighbourhoods are all torn.
    shuffled = space.points[np.random.default_rng(0).permutation(len(space.points))]
    idw = IdwInverse(shuffled, space.codes)
    dock._adopt(Embedding("tsne", shuffled, space.codes, "t-SNE (test)", "IDW", idw.to_plane, idw.from_plane))
    qtbot.waitUntil(lambda: dock.trust.report is not None, timeout=20_000)
    w.ae_view.set_probe(w.ae_space.points[5])
    text = dock.projection.trust.text()
    assert "neighbour spacing" in text and "neighbours kept" in text and "tears neighbourhoods" in text
    kept = dock.trust.kept_near(w.ae_space.points[5])
    assert kept == pytest.approx(trust_report(space.codes, shuffled).preservation[
        np.argsort(((shuffled - shuffled[5]) ** 2).sum(axis=1))[:10]].mean())


def test_a_new_picture_drops_the_old_colours_and_gets_its_own(make_main_window, qtbot):
    w = make_main_window()
    wide_model(w)
    tracker, panel = w.explore.trust, w.explore.projection
    panel.colour_by_trust.setChecked(True)
    qtbot.waitUntil(lambda: w.ae_view.point_values() is not None, timeout=20_000)
    old = w.ae_view.point_values().copy()
    wide_model(w, latent_dim=4)  # another model: another picture
    assert w.ae_view.point_values() is None or tracker.report is not None  # never the old picture's colours
    qtbot.waitUntil(lambda: w.ae_view.point_values() is not None, timeout=20_000)
    expected = trust_report(w.ae_space.codes, w.ae_space.points).preservation
    np.testing.assert_array_equal(w.ae_view.point_values(), expected)
    assert not np.array_equal(expected, old)
