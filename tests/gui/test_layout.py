"""The window at the sizes people have: a 720p or 1080p projector in presentation mode, a small laptop screen."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget

from aeviewer.core.session.recording import class_centres
from aeviewer.gui.actions.presentation import shown_dock
from aeviewer.gui.app.window_layout import SCATTER_MIN_PX
from tests.gui.layout_checks import clipped_texts

SMALL_SCREEN = QSize(1024, 640)


def settle() -> None:
    """Let the deferred re-splits (zero-time timers after a resize) run."""
    for _ in range(4):
        QApplication.processEvents()


def resize_to(qtbot, window, size: QSize) -> None:
    window.resize(size)
    qtbot.waitUntil(lambda: window.size() == size, timeout=3000)
    settle()


def layout_of(window) -> dict[str, object]:
    """What Esc must give back: the geometry, every dock's place and size, the splitters, the legends."""
    docks = {d.objectName(): (d.width(), d.height()) for d in window.findChildren(QDockWidget) if shown_dock(d)}
    main = window.centralWidget()  # the views and the samples over the loss plot
    legends = [view.legend.sceneBoundingRect().getRect() for view in (window.ae_view, window.pca_view)]
    return {"geometry": window.geometry().getRect(), "docks": docks, "top": main.widget(0).sizes(),
            "main": main.sizes(), "loss": window.loss_plot.isVisible(), "legends": legends}


@pytest.mark.parametrize("size", [QSize(1280, 720), QSize(1920, 1080)], ids=["720p", "1080p"])
def test_presentation_mode_fits_a_projector_and_esc_gives_the_window_back(make_main_window, qtbot, size):
    w = make_main_window()
    w.resize(700, 520)
    w.move(30, 40)
    settle()
    before = layout_of(w)
    QTest.keyClick(w, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: w.isFullScreen() and w.size() == w.screen().size(), timeout=3000)
    resize_to(qtbot, w, size)  # the offscreen screen is smaller than a projector

    assert clipped_texts(w) == []
    for view in (w.ae_view, w.pca_view):
        assert view.isVisible() and view.width() >= 0.4 * size.width()
    assert w.samples.isVisible() and w.samples.ae_probe.canvas.height() >= 0.1 * size.height()

    QTest.keyClick(w.ae_view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not w.isFullScreen(), timeout=3000)
    try:  # the docks settle over a few event-loop passes
        qtbot.waitUntil(lambda: layout_of(w) == before, timeout=2000)
    finally:
        assert layout_of(w) == before


def test_the_presentation_keys_move_both_probes_together(make_main_window):
    w = make_main_window()
    QTest.keyClick(w, Qt.Key.Key_F11)
    ae, pca = w.ae_view, w.pca_view
    start = pca.probe_position()
    (x0, x1), _ = pca.plotItem.vb.viewRange()
    QTest.keyClick(ae, Qt.Key.Key_Right)
    moved = pca.probe_position() - start
    assert moved[0] == pytest.approx(0.04 * (x1 - x0)) and moved[1] == pytest.approx(0)
    assert np.allclose(w.state.pca_probe, pca.probe_position())  # the PCA decode follows too

    QTest.keyClick(ae, Qt.Key.Key_3)
    assert np.allclose(ae.probe_position(), class_centres(w.ae_space.points, w.shown.y)[3])
    assert np.allclose(pca.probe_position(), class_centres(w.pca_space.points, w.shown.y)[3])
    QTest.keyClick(ae, Qt.Key.Key_BracketRight)
    assert np.allclose(pca.probe_position(), class_centres(w.pca_space.points, w.shown.y)[4])
    QTest.keyClick(ae, Qt.Key.Key_Escape)


def test_path_ends_put_the_pca_probe_where_pca_places_the_same_picture(make_main_window):
    w = make_main_window()
    for index in (4, 40):  # Explore ▸ Path between two clicked samples
        w.ae_view.point_clicked.emit(index)
    QTest.keyClick(w, Qt.Key.Key_F11)
    QTest.keyClick(w.ae_view, Qt.Key.Key_BracketRight)
    end = w.ae_space.decode_codes(w.explore.path_codes[-1:])
    np.testing.assert_allclose(w.pca_view.probe_position(), w.pca_space.place_samples(end)[0], atol=1e-4)
    QTest.keyClick(w.ae_view, Qt.Key.Key_Escape)


def test_a_small_laptop_screen_still_shows_two_usable_scatters(make_main_window, qtbot):
    w = make_main_window()
    hint = w.minimumSizeHint()
    assert hint.width() <= SMALL_SCREEN.width() and hint.height() <= SMALL_SCREEN.height()
    resize_to(qtbot, w, SMALL_SCREEN)
    try:  # the samples panel, then the docks give way, each after the resize it causes
        qtbot.waitUntil(lambda: min(w.ae_view.width(), w.pca_view.width()) >= SCATTER_MIN_PX, timeout=2000)
    finally:
        assert w.ae_view.width() >= SCATTER_MIN_PX and w.pca_view.width() >= SCATTER_MIN_PX
    assert w.ae_view.height() >= SCATTER_MIN_PX and w.pca_view.height() >= SCATTER_MIN_PX
    assert clipped_texts(w) == []
    resize_to(qtbot, w, QSize(1600, 1000))  # room again: the side panels come back to their usual width
    try:
        qtbot.waitUntil(lambda: w.samples.width() >= 300 and w.settings_dock.width() >= 300, timeout=2000)
    finally:
        assert w.samples.width() >= 300 and w.settings_dock.width() >= 300


def test_the_window_never_outgrows_the_screen(make_main_window, qtbot):
    w = make_main_window(size=None)  # the size it picks itself
    available = w.screen().availableGeometry()
    assert w.width() <= available.width() and w.height() <= available.height()  # the start size
    w.showMaximized()
    qtbot.waitUntil(w.isMaximized, timeout=3000)
    settle()
    assert available.contains(w.frameGeometry()), (w.frameGeometry(), available)


def test_the_startup_frame_fits_the_screen_and_takes_the_remembered_geometry(make_main_window, qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from aeviewer.gui.app.startup import StartupFrame

    settings = QSettings(str(tmp_path / "frame.ini"), QSettings.Format.IniFormat)
    frame = StartupFrame(settings)  # the explorer takes its place and size when torch has loaded
    qtbot.addWidget(frame)
    available = frame.screen().availableGeometry()
    assert frame.width() <= available.width() and frame.height() <= available.height()
    w = make_main_window(size=None)
    w.resize(640, 480)
    settings.setValue("geometry", w.saveGeometry())
    again = StartupFrame(settings)
    qtbot.addWidget(again)
    assert again.size() == QSize(640, 480)


@pytest.mark.parametrize("size", [QSize(1600, 1000), SMALL_SCREEN], ids=["default", "small"])
def test_every_explore_tab_is_in_sight_and_its_page_fits_the_dock(make_main_window, qtbot, size):
    w = make_main_window()
    resize_to(qtbot, w, size)
    dock = w.explore
    dock.raise_()
    settle()
    inside = dock.rect()
    for button in dock.tabs.title_buttons():  # all titles at once, none behind scroll arrows
        assert button.isVisible() and inside.contains(button.geometry().translated(button.parentWidget().pos()))
        assert button.width() >= button.fontMetrics().horizontalAdvance(button.text())
    for index in range(dock.tabs.count()):
        dock.tabs.setCurrentIndex(index)
        settle()
        page, title = dock.tabs.currentWidget(), dock.tabs.tabText(index)
        assert dock.tabs.width() <= dock.width(), title
        assert clipped_texts(page) == [], title
        if size == QSize(1600, 1000):  # at the default size no page needs sideways scrolling
            area = page.parentWidget().parentWidget()
            assert not area.horizontalScrollBar().isVisible(), title
