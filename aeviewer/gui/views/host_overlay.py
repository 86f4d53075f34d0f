"""A frame that floats over another widget and keeps its place when that widget is resized."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QFrame, QWidget


class HostOverlay(QFrame):
    """Child of `host`, re-placed on every resize of it; subclasses say how wide and where."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        host.installEventFilter(self)

    def width_for(self, host: QWidget) -> int:
        raise NotImplementedError

    def position_for(self, host: QWidget) -> tuple[int, int]:
        """Top-left corner, once the overlay has its width and the height that width gives."""
        raise NotImplementedError

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        width = self.width_for(host)
        self.setFixedWidth(width)
        layout = self.layout()  # wrapped text needs the height for this width, not for its preferred one
        if layout is not None and layout.hasHeightForWidth():
            self.resize(width, layout.totalHeightForWidth(width))
        else:
            self.adjustSize()
        self.move(*self.position_for(host))
        self.raise_()
