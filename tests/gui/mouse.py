"""Hand-built mouse events for pyqtgraph views, as pyqtgraph's own tests/ui_testing.py does.

QTest cannot hold a button down on a QGraphicsView, so we send QMouseEvents to its viewport.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

LEFT = Qt.MouseButton.LeftButton


def _send(view, kind, pos: QPointF, button, buttons, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    viewport = view.viewport()
    global_pos = QPointF(viewport.mapToGlobal(pos.toPoint()))
    event = QMouseEvent(kind, pos, global_pos, button, buttons, modifiers)
    QApplication.sendEvent(viewport, event)


def to_pixels(view, xy) -> QPointF:
    """Data coordinates of a plot → viewport pixel position."""
    scene = view.plotItem.vb.mapViewToScene(QPointF(float(xy[0]), float(xy[1])))
    return QPointF(view.mapFromScene(scene))


def to_data(view, pos: QPointF) -> np.ndarray:
    p = view.plotItem.vb.mapSceneToView(view.mapToScene(pos.toPoint()))
    return np.array([p.x(), p.y()])


def press(view, pos: QPointF) -> None:
    _send(view, QEvent.Type.MouseButtonPress, pos, LEFT, LEFT)


def move(view, pos: QPointF, held: bool = True) -> None:
    _send(view, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, LEFT if held else Qt.MouseButton.NoButton)


def release(view, pos: QPointF) -> None:
    _send(view, QEvent.Type.MouseButtonRelease, pos, LEFT, Qt.MouseButton.NoButton)


def drag(view, start: QPointF, end: QPointF, steps: int = 12) -> None:
    """Press at `start`, move in `steps` straight-line steps (as fast as a real flick), release at `end`."""
    move(view, start, held=False)
    press(view, start)
    for t in np.linspace(0, 1, steps + 1)[1:]:
        move(view, start + (end - start) * float(t))
    release(view, end)


def shift_drag(view, start: QPointF, end: QPointF, steps: int = 6) -> None:
    """Shift held from press to release: the box (or lasso) selection gesture."""
    shift = Qt.KeyboardModifier.ShiftModifier
    _send(view, QEvent.Type.MouseButtonPress, start, LEFT, LEFT, shift)
    for t in np.linspace(0, 1, steps + 1)[1:]:
        _send(view, QEvent.Type.MouseMove, start + (end - start) * float(t), Qt.MouseButton.NoButton, LEFT, shift)
    _send(view, QEvent.Type.MouseButtonRelease, end, LEFT, Qt.MouseButton.NoButton, shift)


def click(view, pos: QPointF) -> None:
    move(view, pos, held=False)
    press(view, pos)
    release(view, pos)


def pan(view, start: QPointF, end: QPointF, qtbot, steps: int = 6) -> None:
    """A drag pyqtgraph turns into a pan: its scene drops moves closer than 10 ms apart, so these are spaced."""
    move(view, start, held=False)
    press(view, start)
    for t in np.linspace(0, 1, steps + 1)[1:]:
        qtbot.wait(15)
        move(view, start + (end - start) * float(t))
    qtbot.wait(15)
    release(view, end)
