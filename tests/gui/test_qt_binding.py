"""Guards against a Qt binding that corrupts Python's reference counts (PySide6 6.12.0 on Python 3.11)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QWidget


def test_void_qt_calls_keep_none_alive(qtbot):
    # PySide6 6.12.0 decrements None's refcount on each void call; a long session then crashes with
    # "Fatal Python error: none_dealloc". (On Python ≥ 3.12 None is immortal and this always passes.)
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    before = sys.getrefcount(None)
    for _ in range(500):
        widget.update()
        widget.repaint()
        QApplication.processEvents()
    assert sys.getrefcount(None) >= before - 50
