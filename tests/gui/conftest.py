"""Fixtures for driving the real window offscreen."""

from __future__ import annotations

import os

import pytest

from tests.gui.closing import close_discarding

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TEST_WINDOW_SIZE = (1500, 900)


@pytest.fixture
def make_main_window(qtbot, tmp_path):
    """Build main windows on a dataset; close them at teardown and fail if top-level windows leak."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from aeviewer.core.data.loaders import load_dataset
    from aeviewer.gui.app.main_window import MainWindow

    before = set(QApplication.topLevelWidgets())
    windows = []

    def factory(dataset="digits", show=True, size=TEST_WINDOW_SIZE):
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings)
        qtbot.addWidget(window)
        if size is not None and settings.value("geometry") is None:  # the window fits its start size to the
            window.resize(*size)  # screen, the offscreen one is 800x800: most tests drive a desktop-sized window
        window.set_dataset(load_dataset(dataset) if isinstance(dataset, str) else dataset)
        if show:
            window.show()
            qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield factory
    for window in windows:
        close_discarding(window)
        worker = window.training_ctl.worker
        assert worker is None or not worker.isRunning(), "training thread outlived the window"
    QApplication.processEvents()
    def owned(widget):
        while widget is not None:
            if any(widget is win for win in windows):
                return True
            widget = widget.parentWidget()
        return False

    leaked = [w for w in QApplication.topLevelWidgets() if w not in before and w.isVisible() and not owned(w)]
    assert not leaked, f"top-level widgets leaked: {leaked}"
