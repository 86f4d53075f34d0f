"""Help menu, About box, first-run hint and toolbar, as a user meets them."""

from __future__ import annotations

import torch
from PySide6.QtCore import QPointF, QSettings, qVersion

from aeviewer import __version__
from aeviewer.gui.views.first_run_hint import SEEN_KEY
from tests.gui import mouse


def test_about_shows_the_versions_and_the_device(make_main_window, qtbot):
    w = make_main_window()
    w.registry["about"].trigger()
    dialog = w.about_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    text = dialog.text.text()
    for needle in (f"aeviewer {__version__}", torch.__version__, qVersion(), "cpu" if not torch.cuda.is_available()
                   else "cuda"):
        assert needle in text, needle
    dialog.reject()
    assert not dialog.isVisible()


def test_help_opens_the_readme(make_main_window, qtbot):
    w = make_main_window()
    help_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Help")
    next(a for a in help_menu.actions() if "README" in a.text()).trigger()
    qtbot.waitUntil(w.readme_dialog.isVisible, timeout=5000)
    text = w.readme_dialog.browser.toPlainText()
    assert "Using the window" in text and "Drag the cross" in text
    w.readme_dialog.reject()


def test_the_hint_shows_until_dismissed_then_never_again(make_main_window, qtbot, tmp_path):
    first = make_main_window()
    hint = first.first_run_hint
    assert hint is not None and hint.isVisible()
    assert "Drag the cross" in hint.label.text()
    assert first.ae_view.rect().contains(hint.geometry()), "the hint sits inside the latent view"
    qtbot.mouseClick(hint.dismiss_button, mouse.LEFT)
    assert not hint.isVisible()
    assert QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat).value(SEEN_KEY) in (True, "true")

    second = make_main_window()  # same settings file: a later start
    assert second.first_run_hint is None


def test_dragging_the_cross_also_dismisses_the_hint(make_main_window, qtbot):
    w = make_main_window()
    qtbot.wait(20)
    assert w.first_run_hint.isVisible()
    start = mouse.to_pixels(w.ae_view, w.ae_view.probe_position())
    mouse.drag(w.ae_view, start, start + QPointF(40, 30))
    assert not w.first_run_hint.isVisible()
    assert make_main_window().first_run_hint is None


def test_toolbar_actions_have_icons_and_work(make_main_window, qtbot):
    w = make_main_window()
    actions = [a for a in w.toolbar.actions() if not a.isSeparator()]
    assert len(actions) >= 6
    for action in actions:
        assert not action.icon().pixmap(22, 22).isNull(), action.text()
    assert not w.windowIcon().pixmap(64, 64).isNull()
    w.ae_view.plotItem.vb.setRange(xRange=(100, 101), yRange=(100, 101), padding=0)
    w.registry["fit_views"].trigger()
    x_range = w.ae_view.plotItem.vb.viewRange()[0]
    points = w.ae_view.points()
    assert x_range[0] <= points[:, 0].min() and x_range[1] >= points[:, 0].max()
