"""Scrolling over the Settings panel must not change its numbers: the wheel only turns a focused spin box."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication


def wheel_down(widget) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_a_wheel_over_an_unfocused_epochs_box_leaves_it_and_a_focused_one_turns(make_main_window, qtbot):
    w = make_main_window()
    epochs, kind = w.settings_panel.epochs, w.settings_panel.kind
    assert epochs.focusPolicy() == Qt.FocusPolicy.StrongFocus and kind.focusPolicy() == Qt.FocusPolicy.StrongFocus
    w.loss_plot.setFocus()
    start, start_kind = epochs.value(), kind.currentIndex()
    wheel_down(epochs)
    wheel_down(kind)
    assert epochs.value() == start and kind.currentIndex() == start_kind and not epochs.hasFocus()
    epochs.setFocus()
    qtbot.waitUntil(epochs.hasFocus, timeout=5_000)
    wheel_down(epochs)
    assert epochs.value() == start - 1  # focused: the wheel is the user's intent
