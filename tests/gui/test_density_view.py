"""Above the density threshold the scatter draws every point as one image, redrawn off the GUI thread on a pan,
and hover, the legend and contours still work."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from aeviewer.gui.views.scatter_tools import ScatterInspector
from aeviewer.gui.views.scatter_view import ScatterView
from aeviewer.gui.workers.latest_only import LatestOnlyRunner
from tests.gui.mouse import move, to_pixels

N = ScatterView.DENSITY_THRESHOLD + 50_000


@pytest.fixture
def big_points() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, N)
    points = rng.normal(scale=0.4, size=(N, 2)) + np.stack([np.cos(labels * 2.1), np.sin(labels * 2.1)], 1) * 2
    return points.astype(np.float32), labels


def wait_drawn(qtbot, view) -> None:
    """Until the image shown was drawn for the view's current range and size (older redraws may land first)."""
    vb = view.plotItem.vb

    def current() -> bool:
        last = view.density.last
        (x0, x1), (y0, y1) = vb.viewRange()
        return (last is not None and last.rgba.shape[:2] == (int(vb.height()), int(vb.width()))
                and np.allclose(last.x_range, (x0, x1)) and np.allclose(last.y_range, (y0, y1)))

    qtbot.waitUntil(current, timeout=10_000)


@pytest.fixture
def view(qtbot):
    view = ScatterView("latent")
    view.resize(500, 400)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    runner = LatestOnlyRunner(name="test-density")
    threads: list[int] = []

    def submit(key, job, on_done):  # the window passes runner.submit; this also notes where each job ran
        runner.submit(key, lambda: (threads.append(threading.get_ident()), job())[1], on_done)

    view.set_background(submit)
    view.job_threads = threads
    yield view
    runner.stop()


def test_every_point_is_drawn_and_the_count_says_all_n(qtbot, view, big_points):
    points, labels = big_points
    view.set_points(points, labels, ("a", "b", "c"))
    wait_drawn(qtbot, view)  # the plot settles its layout (legend, axes) and the image follows
    assert view.dense
    assert view.density.last.total == N  # the view is fitted to the data: every point is in the picture
    assert view.count_label.isVisible() and view.count_label.text() == f"all {N:,} points, as density"
    assert all(len(group.data) == 0 for group in view._groups)  # no per-point markers


def test_a_pan_redraws_the_image_off_the_gui_thread(qtbot, view, big_points):
    points, labels = big_points
    view.set_points(points, labels)
    wait_drawn(qtbot, view)
    before = view.density.last
    del view.job_threads[:]
    view.plotItem.vb.translateBy(x=1.5)
    wait_drawn(qtbot, view)
    assert view.density.last is not before and view.density.last.total < N  # the view moved off some points
    assert view.job_threads and threading.get_ident() not in view.job_threads


def test_hover_picks_and_marks_the_point_under_the_cursor(qtbot, view, big_points):
    points, labels = big_points
    view.set_points(points, labels)
    wait_drawn(qtbot, view)
    inspector = ScatterInspector(view, lambda i: (np.zeros((8, 8, 1), np.uint8), f"sample {i}"))
    target = int(np.argmax(points[:, 0]))  # an outlier: nothing else within the pick radius
    move(view, to_pixels(view, points[target]), held=False)
    assert inspector.card.index == target and inspector.card.isVisible()
    marked = view.hover_marker.getData()
    assert marked[0][0] == pytest.approx(points[target, 0])


def test_a_box_selection_is_marked_point_by_point_over_the_density(qtbot, view, big_points):
    points, labels = big_points
    view.set_points(points, labels)
    wait_drawn(qtbot, view)
    inspector = ScatterInspector(view, lambda i: (np.zeros((8, 8, 1), np.uint8), ""))
    chosen = inspector.select_region((1.9, 2.1), (-0.1, 0.1))
    inside = np.flatnonzero((np.abs(points[:, 0] - 2) <= 0.1) & (np.abs(points[:, 1]) <= 0.1))
    np.testing.assert_array_equal(chosen, inside)
    xs, _ = view.selection_rings.getData()
    assert len(xs) == len(inside) > 0


def test_hiding_a_class_in_the_legend_leaves_it_out_of_the_picture(qtbot, view, big_points):
    points, labels = big_points
    view.set_points(points, labels)
    wait_drawn(qtbot, view)
    with qtbot.waitSignal(view.density.drawn, timeout=10_000) as drawn:
        view._groups[1].setVisible(False)
    assert drawn.args[0].total == int((labels != 1).sum())
    assert not view.visible_mask()[labels == 1].any()
    hidden = np.flatnonzero(labels == 1)
    outlier = int(hidden[np.argmax(np.hypot(*(points[hidden] - points[hidden].mean(axis=0)).T))])
    assert view.point_under(to_pixels(view, points[outlier]).toPoint()) != outlier  # hidden: not picked


def test_contours_are_drawn_over_the_density_per_class_in_class_colours(qtbot, view, big_points):
    points, labels = big_points
    view.set_points(points, labels)
    wait_drawn(qtbot, view)
    with qtbot.waitSignal(view.density.contours_drawn, timeout=10_000) as drawn:
        view.set_contours("class")
    assert {c.label for c in drawn.args[0]} == {0, 1, 2}
    assert len(view.density.class_contours) == 3
    with qtbot.waitSignal(view.density.contours_drawn, timeout=10_000) as drawn:
        view.set_contours("all")
    assert drawn.args[0] and all(c.label is None for c in drawn.args[0])
    assert len(view.density.contour_item.getData()[0]) > 10 and not view.density.class_contours
    view.set_contours("off")
    assert len(view.density.contour_item.getData()[0]) == 0


def test_below_the_threshold_points_stay_markers(qtbot, view):
    rng = np.random.default_rng(0)
    view.set_points(rng.normal(size=(500, 2)).astype(np.float32), rng.integers(0, 3, 500))
    assert not view.dense and not view.density.image_item.isVisible() and not view.count_label.isVisible()
    assert sum(len(group.data) for group in view._groups) == 500


def test_the_view_menu_turns_contours_on_in_both_latent_views(qtbot, make_main_window):
    w = make_main_window()
    with qtbot.waitSignal(w.ae_view.density.contours_drawn, timeout=10_000) as drawn:
        w.contour_actions["all"].trigger()
    assert drawn.args[0] and w.pca_view.density.contour_mode == "all"
    w.contour_actions["off"].trigger()
    assert w.ae_view.density.contour_mode == "off" and len(w.ae_view.density.contour_item.getData()[0]) == 0


def test_precomputed_points_open_in_a_points_only_window_that_says_there_is_no_decoder(qtbot, make_main_window,
                                                                                       tmp_path):
    from aeviewer.gui.actions.points_actions import open_points
    from aeviewer.gui.dialogs.points_window import NO_DECODER

    rng = np.random.default_rng(0)
    np.save(tmp_path / "codes.npy", rng.normal(size=(3_000, 2)).astype(np.float32))
    np.save(tmp_path / "codes_labels.npy", rng.integers(0, 4, 3_000))
    w = make_main_window()
    task = open_points(w, tmp_path / "codes.npy")
    qtbot.waitUntil(lambda: bool(w.points_windows), timeout=10_000)
    window = w.points_windows[0]
    assert window.decoded.text() == NO_DECODER and window.codes.labels is not None
    assert sum(len(group.data) for group in window.view._groups) == 3_000
    assert task is not None
    window.close()
    (tmp_path / "bad.npy").write_bytes(b"garbage")
    # Wait on the message, not on the task's signal: a 7-byte file can fail before a waitSignal connects.
    open_points(w, tmp_path / "bad.npy")
    qtbot.waitUntil(lambda: "bad.npy" in (w.last_error or ""), timeout=10_000)
    assert "not a valid NumPy" in (w.last_error or "")
