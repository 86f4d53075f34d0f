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


def test_the_same_error_again_counts_in_its_open_box_instead_of_opening_another(reporter, qtbot):
    for _ in range(3):  # a timer or a retry loop that fails every time
        QTimer.singleShot(0, _boom)
    qtbot.waitUntil(lambda: "3 times" in (reporter.boxes[-1].text() if reporter.boxes else ""), timeout=10_000)
    assert len(reporter.boxes) == 1 and len(reporter.shown) == 1
    reporter.boxes[0].done(0)  # once it is closed, the next one is a new box again
    QTimer.singleShot(0, _boom)
    qtbot.waitUntil(lambda: len(reporter.shown) == 2, timeout=10_000)
    assert len(reporter.boxes) == 1 and "times" not in reporter.boxes[0].text()
