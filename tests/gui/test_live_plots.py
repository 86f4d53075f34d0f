"""The loss plot and the latent view while training: every point is drawn, and the axes hold still."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from aeviewer.gui.actions.export_actions import export_plot_png
from aeviewer.gui.views.loss_plot import LossPlot
from tests.gui import mouse


@pytest.fixture
def loss_plot(qtbot):
    plot = LossPlot()
    plot.resize(500, 300)
    qtbot.addWidget(plot)
    plot.show()
    qtbot.waitExposed(plot)
    return plot


def falling(steps):
    return [(s, {"total": 1.0 / (1 + 0.01 * s), "recon": 0.5 / (1 + 0.01 * s)}) for s in steps]


def pan(view, dx: float, qtbot) -> None:
    """A mouse drag across the middle of the plot: pyqtgraph pans the view (a manual range change)."""
    centre = QPointF(view.viewport().width() / 2, view.viewport().height() / 2)
    mouse.pan(view, centre, centre + QPointF(dx, 0), qtbot)


def test_a_burst_of_reports_is_drawn_together_with_every_point(loss_plot, qtbot, monkeypatch):
    loss_plot.add(0, {"total": 1.0})
    redraws = []
    monkeypatch.setattr(loss_plot, "_fit", lambda: redraws.append(1))
    for step, losses in falling(range(1, 60)):
        loss_plot.add(step, losses)
    assert loss_plot.point_count() == 60
    assert loss_plot.drawn_count() < 60  # held back, not drawn 60 times in a row
    qtbot.waitUntil(lambda: loss_plot.drawn_count() == 60, timeout=2_000)
    assert loss_plot.drawn_count("recon") == 59 and len(redraws) == 1


def test_the_loss_axes_hold_still_while_new_points_fall_inside_them(loss_plot, qtbot):
    loss_plot.add_many(falling(range(0, 400, 20)))
    loss_plot.flush()
    before = loss_plot.view_range()
    loss_plot.add_many(falling(range(400, 440, 20)))
    loss_plot.flush()
    assert loss_plot.view_range() == before
    loss_plot.add(5_000, {"total": 1e-3})  # far right and far below: the axes grow to show it
    loss_plot.flush()
    (x0, x1), (y0, y1) = loss_plot.view_range()
    assert x1 >= 5_000 and y0 <= -3 and y1 >= 0


def test_panning_the_loss_plot_stops_following_until_asked_again(loss_plot, qtbot):
    loss_plot.add_many(falling(range(0, 400, 20)))
    loss_plot.flush()
    pan(loss_plot, 120, qtbot)
    panned = loss_plot.view_range()
    assert panned[0][0] < -1  # the drag panned the steps axis
    loss_plot.add(5_000, {"total": 1e-3})
    loss_plot.flush()
    assert loss_plot.view_range() == panned  # the user's view is kept
    loss_plot.plotItem.autoBtn.clicked.emit(loss_plot.plotItem.autoBtn)  # the plot's "A" button
    assert loss_plot.view_range()[0][1] >= 5_000
    loss_plot.add(20_000, {"total": 1e-4})  # and it follows again
    loss_plot.flush()
    assert loss_plot.view_range()[0][1] >= 20_000


def test_an_exported_loss_plot_has_the_points_added_just_before(loss_plot, tmp_path):
    loss_plot.add_many(falling(range(0, 100, 10)))
    export_plot_png(loss_plot, tmp_path / "loss.png")
    assert loss_plot.drawn_count() == 10 and (tmp_path / "loss.png").stat().st_size > 0


def test_latent_axes_hold_still_while_a_snapshot_moves_points_inside_them(make_main_window):
    w = make_main_window()
    view, points = w.ae_view, w.ae_space.points
    before = view.plotItem.vb.viewRange()
    centre = points.mean(axis=0)
    view.set_points(centre + (points - centre) * 0.9, w.shown.y, w.shown.class_names)  # a snapshot a bit tighter
    assert view.plotItem.vb.viewRange() == before
    wider = centre + (points - centre) * 3.0  # codes spreading out as training goes on
    view.set_points(wider, w.shown.y, w.shown.class_names)
    (x0, x1), (y0, y1) = view.plotItem.vb.viewRange()
    assert x0 <= wider[:, 0].min() and wider[:, 0].max() <= x1
    assert y0 <= wider[:, 1].min() and wider[:, 1].max() <= y1


def test_a_panned_latent_view_is_kept_until_the_a_button(make_main_window, qtbot):
    w = make_main_window()
    view, points = w.ae_view, w.ae_space.points
    centre = points.mean(axis=0)
    view.set_probe(points.max(axis=0) * 10, emit=False)  # keep the probe out of the drag's way
    pan(view, 150, qtbot)
    panned = view.plotItem.vb.viewRange()
    view.set_points(centre + (points - centre) * 3.0, w.shown.y, w.shown.class_names)
    assert view.plotItem.vb.viewRange() == panned
    view.plotItem.autoBtn.clicked.emit(view.plotItem.autoBtn)  # the plot's "A" button
    (x0, x1), _ = view.plotItem.vb.viewRange()
    assert np.isclose(x1 - x0, np.ptp(view.points()[:, 0]) * 1.16, rtol=0.05)


def test_fit_views_brings_the_loss_plot_back_to_its_curves(make_main_window, qtbot):
    w = make_main_window()
    w.loss_plot.resize(600, 250)
    w.loss_plot.add_many(falling(range(0, 400, 20)))
    w.loss_plot.flush()
    pan(w.loss_plot, 150, qtbot)
    w.loss_plot.add(3_000, {"total": 1e-3})
    w.loss_plot.flush()
    assert w.loss_plot.view_range()[0][1] < 3_000
    w.registry["fit_views"].trigger()
    assert w.loss_plot.view_range()[0][1] >= 3_000


def test_a_snapshot_moves_the_drawn_dots_without_rebuilding_them(qtbot):
    from aeviewer.gui.views.scatter_view import ScatterView

    view = ScatterView("latent")
    view.resize(400, 400)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    labels = np.repeat([0, 1], 50)
    rng = np.random.default_rng(0)
    points = np.where(labels[:, None] == 0, [2.0, 2.0], [8.0, 8.0]) + rng.normal(0, 0.05, (100, 2))
    view.set_points(points, labels, ("a", "b"))
    view.show_range((0, 10), (0, 10))
    records = [group.data for group in view._groups]

    def class_0_drawn_at(xy) -> bool:
        """Class 0 is the palette's first colour, a blue."""
        qtbot.wait(10)
        c = view.viewport().grab().toImage().pixelColor(mouse.to_pixels(view, xy).toPoint())
        return c.blue() > c.red() + 60

    assert class_0_drawn_at((2, 2)) and not class_0_drawn_at((2, 8))
    moved = points.copy()
    moved[labels == 0] += [0.0, 6.0]  # the next training snapshot: class 0 moved up to (2, 8)
    view.set_points(moved, labels, ("a", "b"))
    assert all(group.data is record for group, record in zip(view._groups, records, strict=True))  # not rebuilt
    assert class_0_drawn_at((2, 8)) and not class_0_drawn_at((2, 2))
    assert view.point_under(mouse.to_pixels(view, moved[3]).toPoint()) == 3
