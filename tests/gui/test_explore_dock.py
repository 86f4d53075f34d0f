"""The Explore dock driven as a user drives it: projections, traversal, interpolation, grid, generation."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPointF, Qt

from aeviewer.core.data.images import to_pixels
from aeviewer.core.models import ModelConfig, build_model
from tests.gui import mouse


def wide_model(window, latent_dim: int = 8, kind: str = "ae"):
    config = ModelConfig(input_shape=window.shown.sample_shape, latent_dim=latent_dim, hidden=(32,), kind=kind)
    window.set_model(build_model(config, seed=0), history=[])


def decoded(window, code) -> np.ndarray:
    with torch.inference_mode():
        out = window.model.decode(torch.as_tensor(np.asarray(code, np.float32)).view(1, -1))[0].numpy()
    return to_pixels(out, window.shown.sample_shape)


def test_switch_to_tsne_and_drag_decodes_through_its_inverse(make_main_window, qtbot):
    w = make_main_window()  # digits: 359 held-out points, quick for t-SNE
    wide_model(w)
    dock = w.explore
    pca_points = w.ae_space.points.copy()
    dock.projection.method.setCurrentIndex(dock.projection.method.findData("tsne"))
    qtbot.waitUntil(lambda: w.ae_space.projection.method == "tsne" and dock.task is None, timeout=90_000)
    assert not np.allclose(w.ae_space.points, pca_points)
    assert "t-SNE" in w.ae_view.plotItem.titleLabel.text
    assert "IDW" in dock.projection.mapping.text()

    view = w.ae_view
    # Drag the probe onto a data point: the decode there is that sample's own code, decoded.
    target = 17
    w.decoder.decode_now()
    before = w.samples.ae_probe.shown.copy()
    qtbot.wait(20)
    mouse.drag(view, mouse.to_pixels(view, view.probe_position()), mouse.to_pixels(view, w.ae_space.points[target]))
    qtbot.waitUntil(lambda: not w.decoder.pending, timeout=5000)
    code = w.ae_space.code_at(view.probe_position())
    assert np.array_equal(w.samples.ae_probe.shown, decoded(w, code))
    assert not np.array_equal(w.samples.ae_probe.shown, before)
    # Released within a pixel or so of the point: the inverse gives (nearly) the stored code.
    assert np.linalg.norm(code - w.ae_space.codes[target]) < 0.5 * np.linalg.norm(w.ae_space.codes.std(axis=0))
    assert "neighbour spacing" in dock.projection.trust.text()

    # Back to PCA: the exact map again.
    dock.projection.method.setCurrentIndex(dock.projection.method.findData("pca"))
    qtbot.waitUntil(lambda: w.ae_space.projection.method == "pca", timeout=10_000)
    np.testing.assert_allclose(w.ae_space.points, pca_points, atol=1e-5)


def show_explore(w, qtbot) -> None:
    """Bring the Explore tab to the front, as a user does before using its panels."""
    w.explore.raise_()
    qtbot.waitUntil(lambda: not w.explore.visibleRegion().isEmpty(), timeout=2000)


def test_moving_a_traversal_slider_moves_the_probe_and_changes_the_image(make_main_window, qtbot):
    w = make_main_window()
    show_explore(w, qtbot)
    wide_model(w)
    dock = w.explore
    assert len(dock.traversal.sliders) == 8
    w.decoder.decode_now()
    before_img = w.samples.ae_probe.shown.copy()
    before_xy = w.ae_view.probe_position()
    slider = dock.traversal.sliders[0]
    slider.setValue(slider.maximum() if slider.value() < slider.maximum() // 2 else 0)
    code = dock.traversal.code
    assert np.array_equal(w.samples.ae_probe.shown, decoded(w, code))
    assert not np.array_equal(w.samples.ae_probe.shown, before_img)
    moved = w.ae_view.probe_position()
    assert not np.allclose(moved, before_xy)
    np.testing.assert_allclose(moved, w.ae_space.place(code)[0], atol=1e-4)
    # Dragging the probe elsewhere puts its code back on the sliders.
    w.ae_view.set_probe(w.ae_space.points[3])
    np.testing.assert_allclose(dock.traversal.code, w.ae_space.code_at(w.ae_space.points[3]), atol=2e-2)


def test_attribute_vector_moves_the_probe_towards_the_other_class(make_main_window):
    w = make_main_window()
    wide_model(w, latent_dim=4)
    dock = w.explore
    start = w.ae_space.code_at(w.ae_view.probe_position())
    dock.traversal.towards.setCurrentIndex(1)
    dock.traversal.away_from.setCurrentIndex(0)
    dock.traversal.strength.setValue(100)
    y, codes = w.shown.y, w.ae_space.codes
    expected = start + (codes[y == 1].mean(axis=0) - codes[y == 0].mean(axis=0))
    np.testing.assert_allclose(dock.traversal.code, expected, atol=1e-4)


def test_manifold_grid_tiles_are_square_faded_under_the_points_and_follow_zoom(make_main_window, qtbot):
    from aeviewer.gui.views.manifold_view import GRID_OPACITY

    w = make_main_window()  # the default model has a 2-D code
    dock, overlay, vb = w.explore, w.explore.overlay, w.ae_view.plotItem.vb
    dock.manifold.tiles.setValue(6)
    dock.manifold.enabled.setChecked(True)
    h = wd = 8

    def tiling():
        rows, cols = overlay.mosaic.shape[0] // h, overlay.mosaic.shape[1] // wd
        rect = overlay.image.mapRectToView(overlay.image.boundingRect())
        px_w, px_h = vb.viewPixelSize()
        return rows, cols, rect, rect.width() / cols / px_w, rect.height() / rows / px_h

    rows, cols, rect, tile_w, tile_h = tiling()
    assert min(rows, cols) == 6 and tile_w == pytest.approx(tile_h, rel=1e-3)  # square pixels, whatever the shape
    (x0, x1), (y0, y1) = vb.viewRange()
    tol = 1e-6 * max(1.0, x1 - x0, y1 - y0)
    assert rect.left() <= x0 + tol and rect.right() >= x1 - tol and rect.top() <= y0 + tol and rect.bottom() >= y1 - tol
    # The top-left tile is the decode at the top-left cell's centre, drawn upright (ImageItem rows go up).
    corner = np.array([rect.left() + rect.width() / cols / 2, rect.bottom() - rect.height() / rows / 2])
    assert np.array_equal(overlay.mosaic[:h, :wd], decoded(w, w.ae_space.code_at(corner)))
    assert np.array_equal(overlay.image.image, overlay.mosaic[::-1, :, 0])
    assert 0.35 <= overlay.image.opacity() == GRID_OPACITY <= 0.5
    assert overlay.image.zValue() < min(group.zValue() for group in w.ae_view._groups)  # points drawn above

    before = overlay.updates
    vb.setRange(xRange=(x0, x0 + (x1 - x0) / 4), yRange=(y0, y1), padding=0)  # a much wider-than-tall region
    qtbot.waitUntil(lambda: overlay.updates > before, timeout=5000)
    rows, cols, rect, tile_w, tile_h = tiling()
    assert tile_w == pytest.approx(tile_h, rel=1e-3)
    dock.manifold.tiles.setValue(4)
    qtbot.waitUntil(lambda: min(overlay.mosaic.shape[:2]) == 4 * h, timeout=5000)


def test_interpolating_between_two_clicked_samples_draws_a_path_and_plays(make_main_window, qtbot):
    w = make_main_window()
    wide_model(w, latent_dim=6)
    dock = w.explore
    for index in (4, 40):
        w.ae_view.point_clicked.emit(index)
    dock.interpolation.kind.setCurrentIndex(dock.interpolation.kind.findData("slerp"))
    dock.interpolation.steps.setValue(7)
    x, y = dock.path_item.getData()
    assert len(x) == 7
    np.testing.assert_allclose([x[0], y[0]], w.ae_space.points[4], atol=1e-4)
    np.testing.assert_allclose([x[-1], y[-1]], w.ae_space.points[40], atol=1e-4)
    assert dock.interpolation.strip.pixels.shape == (2 * 9 - 1, 5 * 9 - 1, 1)  # 7 tiles in rows of 5
    dock.interpolation.play_button.setChecked(True)
    start = w.ae_view.probe_position()
    qtbot.waitUntil(lambda: not np.allclose(w.ae_view.probe_position(), start), timeout=5000)
    dock.interpolation.play_button.setChecked(False)


def test_generation_marks_where_samples_land(make_main_window):
    w = make_main_window()
    wide_model(w, latent_dim=4, kind="vae")
    dock = w.explore
    dock.generation.count.setValue(9)
    dock.generation.sample_button.click()
    assert len(dock.generated_item.data) == 9
    assert dock.generation.gallery.pixels.shape == (3 * 9 - 1, 3 * 9 - 1, 1)
    assert "prior" in dock.generation.source.text()
    dock.generation.clear_button.click()
    assert len(dock.generated_item.data) == 0


def test_hover_shows_the_point_and_a_box_fills_the_gallery_without_hidden_classes(make_main_window, qtbot):
    w = make_main_window()
    dock, view = w.explore, w.ae_view
    qtbot.wait(20)
    target = 12
    inspector = dock.inspectors[0]
    mouse.move(view, mouse.to_pixels(view, w.ae_space.points[target]), held=False)
    assert inspector.card.isVisible() and inspector.card.index is not None
    shown_label = w.shown.class_name(int(w.shown.y[inspector.card.index]))
    assert shown_label in inspector.card.text.text()

    # Shift+drag a box around the whole cloud: every point is gathered.
    (x0, x1), (y0, y1) = view.plotItem.vb.viewRange()
    inspector.select_region((x0, x1), (y0, y1))
    assert len(dock.selection.indices) == len(w.shown)
    assert dock.selection.gallery.pixels is not None and "samples" in dock.selection.summary.text()

    # Hide class 0 from the legend: it drops out of the box selection and of picking.
    group = view._groups[0]
    group.setVisible(False)
    inspector.select_region((x0, x1), (y0, y1))
    assert len(dock.selection.indices) == int(np.sum(w.shown.y != 0))
    hidden = int(np.flatnonzero(w.shown.y == 0)[0])
    assert view.point_under(mouse.to_pixels(view, w.ae_space.points[hidden]).toPoint()) != hidden


def test_decoder_maps_colour_the_visible_region(make_main_window, qtbot):
    from aeviewer.gui.views.manifold_view import HEATMAP_CELLS

    w = make_main_window()
    dock = w.explore
    dock.manifold.enabled.setChecked(True)
    bar = dock.overlay.colour_bar
    for mode, unit in (("distance", "(latent units)"), ("density", "(nats)"), ("drift", "(latent units)")):
        dock.manifold.mode.setCurrentIndex(dock.manifold.mode.findData(mode))
        values = dock.overlay.values
        assert values.shape == (HEATMAP_CELLS**2,) and np.all(np.isfinite(values))
        assert dock.overlay.image.image.shape == (HEATMAP_CELLS, HEATMAP_CELLS)
        assert bar.isVisible() and unit in bar.axis.labelText  # a key with units beside the plot
        lo, hi = bar.levels()
        finite = values[np.isfinite(values)]
        assert lo <= finite.max() and hi >= lo and hi == pytest.approx(finite.max())
    dock.manifold.mode.setCurrentIndex(dock.manifold.mode.findData("grid"))
    assert not bar.isVisible()  # the greyscale pictures need no key
    dock.manifold.mode.setCurrentIndex(dock.manifold.mode.findData("distance"))
    # Distance to the nearest code is small at a data point and larger at the view's corner.
    (x0, x1), (y0, y1) = w.ae_view.plotItem.vb.viewRange()
    w.ae_view.plotItem.vb.setRange(xRange=(x0 - 5 * (x1 - x0), x1), yRange=(y0, y1 + 5 * (y1 - y0)), padding=0)
    before = dock.overlay.updates
    qtbot.waitUntil(lambda: dock.overlay.updates > before, timeout=5000)
    grid = dock.overlay.values.reshape(HEATMAP_CELLS, HEATMAP_CELLS)
    assert grid[0, 0] > 3 * np.median(grid[-HEATMAP_CELLS // 6:, -HEATMAP_CELLS // 6:])


def test_denoise_tab_reconstructs_the_corrupted_selected_sample(make_main_window, qtbot):
    w = make_main_window()
    dock = w.explore
    w.ae_view.point_clicked.emit(5)
    dock.tabs.setCurrentWidget(dock.denoise)
    dock.denoise.kind.setCurrentIndex(dock.denoise.kind.findData("occlusion"))
    dock.denoise.amount.setValue(50)
    shape = w.shown.sample_shape
    assert np.array_equal(dock.denoise.original.shown, to_pixels(w.shown.x[5], shape))
    corrupted = dock.denoise.corrupted.shown
    assert np.sum(corrupted == 0) >= 16  # the 4×4 centre square is black
    expected = w.ae_space.model(torch.as_tensor(corrupted[None, None, :, :, 0] / 255.0, dtype=torch.float32))
    assert np.abs(dock.denoise.restored.shown.astype(int)
                  - to_pixels(expected[0].detach().numpy(), shape).astype(int)).max() <= 2


def test_a_users_own_vae_file_opens_and_decodes_at_the_probe(make_main_window, qtbot, tmp_path):
    from aeviewer.gui.dialogs.user_model_dialog import open_user_model
    from tests.core.test_user_model import write_tutorial_vae

    w = make_main_window()
    show_explore(w, qtbot)
    code, weights, original = write_tutorial_vae(tmp_path)
    assert open_user_model(w, code, weights)
    assert w.ae_space.latent_dim == 3 and len(w.explore.traversal.sliders) == 3
    w.decoder.decode_now()
    xy = w.ae_view.probe_position()
    with torch.inference_mode():
        expected = original.decode(torch.from_numpy(w.ae_space.code_at(xy)).view(1, -1)).numpy()
    assert np.array_equal(w.samples.ae_probe.shown, to_pixels(expected, w.shown.sample_shape))
    # A broken weights file is reported, and the window keeps the model it had.
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    assert not open_user_model(w, code, bad)
    assert "bad.pt" in w.last_error and w.ae_space.latent_dim == 3


def test_clicking_a_legend_entry_hides_the_class_and_leaves_the_probe(make_main_window, qtbot):
    w = make_main_window()
    view = w.ae_view
    qtbot.wait(20)
    sample, _label = view.legend.items[0]
    centre = sample.sceneBoundingRect().center()
    pos = view.mapFromScene(centre)
    before = view.probe_position()
    mouse.click(view, QPointF(pos))
    assert not view._groups[0].isVisible()
    np.testing.assert_allclose(view.probe_position(), before)
    assert not view.visible_mask()[w.shown.y == 0].any()


def test_tsne_view_shows_pca_while_training_and_reruns_after(make_main_window, qtbot):
    w = make_main_window()
    w.settings_panel.latent.setValue(4)
    w.settings_panel.epochs.setValue(2)
    w.training_ctl.start()  # builds the 4-D model from the panel
    qtbot.waitUntil(lambda: not w.training and w.training_ctl.worker is None, timeout=60_000)
    dock = w.explore
    dock.projection.method.setCurrentIndex(dock.projection.method.findData("tsne"))
    qtbot.waitUntil(lambda: w.ae_space.projection.method == "tsne" and dock.task is None, timeout=90_000)
    w.training_ctl.start()
    qtbot.waitUntil(lambda: w.training, timeout=10_000)
    qtbot.waitUntil(lambda: not w.training and w.training_ctl.worker is None, timeout=60_000)
    # The trained codes are new: t-SNE runs again on them.
    qtbot.waitUntil(lambda: w.ae_space.projection.method == "tsne" and dock.task is None, timeout=90_000)
    assert w.ae_space.projection.codes is w.ae_space.codes


def test_saving_a_users_own_model_is_refused_with_a_message(make_main_window, tmp_path):
    from aeviewer.gui.dialogs.user_model_dialog import open_user_model
    from tests.core.test_user_model import write_tutorial_vae

    w = make_main_window()
    code, weights, _ = write_tutorial_vae(tmp_path)
    assert open_user_model(w, code, weights)
    assert not w.files.save_model(tmp_path / "out.safetensors")
    assert "your own model" in w.last_error and not (tmp_path / "out.safetensors").exists()


def test_shift_drag_lasso_selects_the_points_it_encloses(make_main_window, qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from aeviewer.core.latent.selection import points_in_polygon

    w = make_main_window()
    dock, view = w.explore, w.ae_view
    dock.selection.shape.setCurrentIndex(dock.selection.shape.findData("lasso"))
    qtbot.wait(20)
    (x0, x1), (y0, y1) = view.plotItem.vb.viewRange()
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 4, (y1 - y0) / 4
    ring = [(cx + rx * np.cos(t), cy + ry * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 24)]
    shift = Qt.KeyboardModifier.ShiftModifier

    def send(kind, xy, button, buttons):
        pos = mouse.to_pixels(view, xy)
        event = QMouseEvent(kind, pos, QPointF(view.viewport().mapToGlobal(pos.toPoint())), button, buttons, shift)
        QApplication.sendEvent(view.viewport(), event)

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    send(QEvent.Type.MouseButtonPress, ring[0], left, left)
    for xy in ring[1:]:
        send(QEvent.Type.MouseMove, xy, none, left)
    send(QEvent.Type.MouseButtonRelease, ring[-1], left, none)
    expected = np.flatnonzero(points_in_polygon(w.ae_space.points, np.array(ring)))
    assert len(expected) > 0
    # Pixel rounding of the drawn lasso may move a point on its edge: allow a couple.
    assert len(np.setxor1d(dock.selection.indices, expected)) <= 2
    assert dock.tabs.currentWidget() is dock.selection


def test_cancelling_a_running_projection_keeps_the_pca_view(make_main_window, qtbot):
    w = make_main_window()
    wide_model(w)
    dock = w.explore
    pca_points = w.ae_space.points.copy()
    dock.projection.method.setCurrentIndex(dock.projection.method.findData("tsne"))
    assert dock.task is not None and dock.projection.cancel_button.isVisibleTo(dock.projection)
    dock.projection.cancel_button.click()
    qtbot.waitUntil(lambda: dock.task is None, timeout=90_000)
    assert w.ae_space.projection.method == "pca" and w.last_error is None
    np.testing.assert_allclose(w.ae_view.points(), pca_points)
    assert not dock.projection.cancel_button.isVisibleTo(dock.projection)
    assert dock.projection.current_method() == "pca"


def test_a_hidden_explore_tab_catches_up_when_shown(make_main_window, qtbot):
    from PySide6.QtWidgets import QDockWidget

    w = make_main_window()
    w.findChild(QDockWidget, "settings").raise_()
    qtbot.waitUntil(lambda: w.explore.visibleRegion().isEmpty(), timeout=2000)
    wide_model(w)  # a new 8-D space arrives while the Explore tab is behind Settings
    assert w.explore._panels_stale and len(w.explore.traversal.sliders) != 8
    w.explore.raise_()
    qtbot.waitUntil(lambda: len(w.explore.traversal.sliders) == 8, timeout=2000)
    assert not w.explore._panels_stale
    codes = w.ae_space.codes
    assert np.all(w.explore.traversal.ranges[:, 0] < codes.min(axis=0))
    assert np.all(w.explore.traversal.ranges[:, 1] > codes.max(axis=0))
