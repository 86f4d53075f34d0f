"""Spin boxes and combo boxes take the mouse wheel only when they have the focus.

Scrolling the Settings panel with the wheel changed Epochs from 60 to 55 on the way down (issue 16). One
application-wide filter covers every such widget, also those built later: they get Qt.StrongFocus when they
are polished (so the wheel no longer gives them the focus), and a wheel over an unfocused one is passed on
to its parent, so the panel around it scrolls instead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QAbstractSpinBox, QComboBox)


class WheelGuard(QObject):
    """The event filter; install it once per application with `install_wheel_guard`."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if not isinstance(obj, GUARDED):
            return False
        if event.type() == QEvent.Type.Polish:
            guard_focus(obj)
        elif event.type() == QEvent.Type.Wheel and not obj.hasFocus():
            event.ignore()  # filtered but not accepted: Qt hands the wheel on to the parent (the scroll area)
            return True
        return False


def guard_focus(widget: QWidget) -> None:
    """Focus by click or Tab only, never by the wheel."""
    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


def install_wheel_guard(root: QWidget | None = None) -> WheelGuard:
    """Filter the application's events (once), and set the focus policy of `root`'s existing guarded widgets."""
    app = QApplication.instance()
    assert app is not None, "a QApplication is needed"
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
    if root is not None:
        for cls in GUARDED:
            for widget in root.findChildren(cls):
                guard_focus(widget)
    return guard
