"""The comparison grid as a user drives it: linked selection and hover, one probe per model, a path in
every model's own space, and the comparison table computed off the GUI thread."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aeviewer.core.data.images import to_pixels
from aeviewer.core.data.loaders.digits import load_digits
from aeviewer.core.models import build_model
from aeviewer.core.session.compare import Contender
from aeviewer.core.train.checkpoint import save_checkpoint
from aeviewer.gui.panels.compare_panel import ComparePanel
from tests.core.model_data import small_config
from tests.gui import mouse


@pytest.fixture
def grid(qtbot):
    digits = load_digits()
    panel = ComparePanel(digits)
    qtbot.addWidget(panel)
    panel.resize(1100, 800)
    panel.add_contender(Contender.from_model("ae", build_model(small_config(latent_dim=2), seed=0)))
    panel.add_contender(Contender.from_model("vae", build_model(small_config(kind="vae", latent_dim=3), seed=1)))
    panel.add_pca(2)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: len(panel.rows) == 3, timeout=30_000)
    yield panel
    panel.close_work()


def selection_points(cell) -> np.ndarray:
    x, y = cell.selection.getData()
    return np.column_stack([x, y])


def test_the_table_has_one_row_per_model(grid):
    assert [r.name for r in grid.rows] == ["ae", "vae", "PCA (2)"]
    assert grid.table.rowCount() == 3 and grid.table.item(2, 0).text() == "PCA (2)"
    assert grid.rows[1].kl is not None and grid.rows[0].kl is None
    assert grid.rows[2].trustworthiness == pytest.approx(1.0)  # PCA's 2-D code is its own view
    assert grid.table.item(1, 2).text() != "—" and grid.table.item(0, 2).text() == "—"  # KL: the VAE only


def test_clicking_a_point_selects_it_in_every_model(grid, qtbot):
    view = grid.cells[0].view
    target = 11
    mouse.click(view, mouse.to_pixels(view, grid.spaces[0].points[target]))
    qtbot.waitUntil(lambda: len(grid.selected) == 1)
    clicked = int(grid.selected[0])
    for space, cell in zip(grid.spaces, grid.cells, strict=True):
        np.testing.assert_allclose(selection_points(cell), space.points[[clicked]], atol=1e-6)


def test_a_class_or_a_box_selects_the_same_samples_everywhere(grid):
    grid.class_select.setCurrentIndex(grid.class_select.findData(3))
    members = np.flatnonzero(grid.shown.y == 3)
    for space, cell in zip(grid.spaces, grid.cells, strict=True):
        np.testing.assert_allclose(selection_points(cell), space.points[members], atol=1e-6)
    pts = grid.spaces[2].points
    lo, hi = pts.min(axis=0), np.median(pts, axis=0)
    indices = grid.inspectors[2].select_region((lo[0], hi[0]), (lo[1], hi[1]))
    assert 0 < len(indices) < len(pts)
    np.testing.assert_allclose(selection_points(grid.cells[0]), grid.spaces[0].points[indices], atol=1e-6)


def test_hovering_a_point_marks_it_in_every_model(grid, qtbot):
    view = grid.cells[2].view
    target = 40
    mouse.move(view, mouse.to_pixels(view, grid.spaces[2].points[target]), held=False)
    marked = grid.cells[0].hover_mark.getData()
    assert len(marked[0]) == 1
    hovered = grid.cells[2]._hover
    assert hovered is not None
    np.testing.assert_allclose([marked[0][0], marked[1][0]], grid.spaces[0].points[hovered], atol=1e-6)


def test_each_model_has_its_own_probe_and_decode(grid, qtbot):
    grid.decode_pending()
    before = [cell.decoded.shown.copy() for cell in grid.cells]
    view = grid.cells[1].view
    end = grid.spaces[1].points[5]
    mouse.drag(view, mouse.to_pixels(view, view.probe_position()), mouse.to_pixels(view, end))
    grid.decode_pending()
    xy = view.probe_position()
    expected = to_pixels(grid.spaces[1].decode_at(xy), grid.shown.sample_shape)
    assert np.array_equal(grid.cells[1].decoded.shown, expected)
    assert not np.array_equal(grid.cells[1].decoded.shown, before[1])
    assert np.array_equal(grid.cells[0].decoded.shown, before[0])  # the other models' probes stayed


def test_two_clicked_samples_give_a_path_in_every_model(grid):
    grid.click_sample(3)
    grid.click_sample(90)
    for space, cell in zip(grid.spaces, grid.cells, strict=True):
        strip = cell.strip.pixels
        assert strip is not None and strip.shape[1] == 8 * 8 + 7  # 8 tiles of 8 px, 1 px apart
        first = to_pixels(space.contender.decode_one(space.codes[3]), grid.shown.sample_shape)
        np.testing.assert_allclose(strip[:, :8].astype(int), first.astype(int), atol=1)
        assert "#3 → #90" in cell.note.text()
    ae_path, pca_path = grid.cells[0].path_item.getData(), grid.cells[2].path_item.getData()
    assert len(ae_path[0]) == 8 and len(pca_path[0]) == 8


def test_the_grid_holds_four_and_names_a_bad_file(grid, tmp_path, qtbot):
    bad = tmp_path / "broken.safetensors"
    bad.write_bytes(b"nonsense")
    assert grid.add_checkpoint(bad) is None and "broken.safetensors" in grid.status.text()
    good = save_checkpoint(tmp_path / "aae.safetensors", build_model(small_config(kind="aae"), seed=2))
    assert grid.add_checkpoint(good) is not None and len(grid.cells) == 4
    assert not grid.add_pca_button.isEnabled()
    assert grid.add_pca(3) is None and "at most 4" in grid.status.text()
    qtbot.waitUntil(lambda: len(grid.rows) == 4, timeout=30_000)
    assert grid.rows[3].prior_distance is not None
    grid.remove_last()
    assert len(grid.cells) == 3 and grid.add_pca_button.isEnabled()


def test_view_menu_opens_the_grid_on_the_windows_model(make_main_window, qtbot):
    w = make_main_window()
    w.set_model(build_model(small_config(latent_dim=3), seed=0), history=[])
    w.registry["compare"].trigger()
    windows = [c for c in w.children() if type(c).__name__ == "CompareWindow"]
    assert len(windows) == 1
    panel = windows[0].panel
    assert [s.name for s in panel.spaces] == ["this window's model", "PCA (3)"]
    qtbot.waitUntil(lambda: len(panel.rows) == 2, timeout=30_000)


def test_each_model_applies_its_own_attribute_vector(grid):
    grid.attr_towards.setCurrentIndex(grid.attr_towards.findData(1))
    grid.attr_away.setCurrentIndex(grid.attr_away.findData(7))
    starts = [cell.view.probe_position() for cell in grid.cells]
    grid.apply_attribute()
    for space, cell, start in zip(grid.spaces, grid.cells, starts, strict=True):
        vec = space.attribute(grid.shown.y, 1, 7)  # this model's own class means
        manual = space.codes[grid.shown.y == 1].mean(axis=0) - space.codes[grid.shown.y == 7].mean(axis=0)
        np.testing.assert_allclose(vec, manual, rtol=1e-4, atol=1e-5)
        code = space.embedding.from_plane(start) + vec
        np.testing.assert_allclose(cell.view.probe_position(), space.place(code[None])[0], atol=1e-4)
        assert np.array_equal(cell.decoded.shown, to_pixels(space.contender.decode_one(code), grid.shown.sample_shape))


def test_the_first_cell_follows_the_windows_model(make_main_window, qtbot):
    from aeviewer.core.models.inference import encode_array
    from aeviewer.core.state import Status

    w = make_main_window()
    w.set_model(build_model(small_config(latent_dim=2), seed=0), history=[])
    w.registry["compare"].trigger()
    (window,) = [c for c in w.children() if type(c).__name__ == "CompareWindow"]
    panel = window.panel
    before = panel.spaces[0].points.copy()
    other = build_model(small_config(latent_dim=2), seed=5)
    w.set_model(other, history=[])  # another model opened while idle: the first cell follows it
    np.testing.assert_allclose(panel.spaces[0].codes, encode_array(other, panel.shown.x), atol=1e-6)
    assert not np.allclose(panel.spaces[0].points, before)
    np.testing.assert_allclose(panel.cells[0].view.points(), panel.spaces[0].points)
    assert panel.spaces[1].name == "PCA (2)"  # the others stay
    # The end of a training run refreshes it too (a model trained in place is the same object).
    with torch.no_grad():
        next(other.parameters()).add_(0.5)
    w.state.status = Status.TRAINING
    w.state.status = Status.IDLE
    np.testing.assert_allclose(panel.spaces[0].codes, encode_array(other, panel.shown.x), atol=1e-6)
    qtbot.waitUntil(lambda: len(panel.rows) == 2 and panel.task is None, timeout=30_000)


def test_the_first_cell_and_its_row_follow_the_training_snapshots(make_main_window, qtbot):
    """The table is updated as the model trains: each snapshot (throttled) replaces the first cell's model."""
    import copy

    from aeviewer.core.models.inference import encode_array
    from aeviewer.core.state import Status

    w = make_main_window()
    model = build_model(small_config(latent_dim=2), seed=0)
    w.set_model(model, history=[])
    w.registry["compare"].trigger()
    (window,) = [c for c in w.children() if type(c).__name__ == "CompareWindow"]
    panel = window.panel
    qtbot.waitUntil(lambda: len(panel.rows) == 2 and panel.task is None, timeout=30_000)
    first_mse = panel.rows[0].mse
    window.LIVE_EVERY_S = 0.0
    w.state.status = Status.TRAINING
    snapshot = copy.deepcopy(model).eval()
    with torch.no_grad():
        next(snapshot.parameters()).add_(0.5)  # what an epoch of training did
    w.explorer.show_snapshot(snapshot, encode_array(snapshot, w.state.shown.x))
    np.testing.assert_allclose(panel.spaces[0].codes, encode_array(snapshot, panel.shown.x), atol=1e-6)
    qtbot.waitUntil(lambda: len(panel.rows) == 2 and panel.task is None, timeout=30_000)
    assert panel.rows[0].mse != first_mse and panel.rows[1].name == "PCA (2)"
    window.LIVE_EVERY_S = 3600.0  # throttled: the next snapshot within the interval leaves the cell alone
    shown = panel.spaces[0]
    w.explorer.show_snapshot(model, None)
    assert panel.spaces[0] is shown
    w.state.status = Status.IDLE
