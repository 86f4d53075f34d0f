"""Uncaught exceptions anywhere become a dialog with copyable details, and the app keeps running."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from aeviewer.gui.app.error_hook import install_exception_hook


@pytest.fixture
def reporter(qtbot):
    reporter, uninstall = install_exception_hook()
    yield reporter
    uninstall()
    for box in list(reporter.boxes):
        box.close()
    QApplication.processEvents()


def _boom():
    raise ValueError("the slot blew up")


def test_an_exception_in_a_qt_slot_shows_a_dialog_and_the_app_goes_on(reporter, qtbot):
    QTimer.singleShot(0, _boom)  # PySide hands exceptions in slots to sys.excepthook
    qtbot.waitUntil(lambda: bool(reporter.boxes), timeout=10_000)
    box = reporter.boxes[-1]
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "ValueError: the slot blew up" in box.text()
    assert "Traceback" in box.detailedText() and "_boom" in box.detailedText()
    copy = next(b for b in box.buttons() if b.text() == "Copy details")
    copy.click()
    assert QApplication.clipboard().text() == box.detailedText()
    assert box.isVisible()  # copying does not close it
    fired = []
    QTimer.singleShot(0, lambda: fired.append(True))  # the event loop still runs
    qtbot.waitUntil(lambda: bool(fired), timeout=10_000)


def test_an_exception_in_a_plain_thread_reaches_the_gui_thread(reporter, qtbot):
    thread = threading.Thread(target=_boom, name="loader")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(reporter.shown), timeout=10_000)
    assert "in thread loader" in reporter.boxes[-1].text()


def test_the_hook_is_installed_and_removed(reporter):
    assert sys.excepthook is not sys.__excepthook__
    assert threading.excepthook is not threading.__excepthook__
