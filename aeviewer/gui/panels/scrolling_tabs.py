"""Side-panel pages that scroll instead of holding the window big: a dock can then be narrower than its widest page.

`ScrollingTabs` keeps Qt's tab API in terms of the pages themselves, so callers never see the scroll areas.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget


def scrolling(widget: QWidget) -> QScrollArea:
    """`widget` in a frameless scroll area that resizes it, so what holds it can be smaller than its content."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


class ScrollingTabs(QTabWidget):
    """Tabs whose pages scroll, and a tab bar that scrolls (arrows) rather than widening its dock."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUsesScrollButtons(True)
        self.setElideMode(Qt.TextElideMode.ElideNone)  # short titles, whole; the arrows reach the rest
        self._areas: dict[QWidget, QScrollArea] = {}

    def addTab(self, page: QWidget, title: str) -> int:  # type: ignore[override]  # noqa: N802
        area = scrolling(page)
        self._areas[page] = area
        return super().addTab(area, title)

    def widget(self, index: int) -> QWidget | None:
        area = super().widget(index)
        return area.widget() if isinstance(area, QScrollArea) and area in self._areas.values() else area

    def currentWidget(self) -> QWidget:  # noqa: N802
        return self.widget(self.currentIndex()) or super().currentWidget()

    def setCurrentWidget(self, page: QWidget) -> None:  # noqa: N802
        super().setCurrentWidget(self._areas.get(page, page))

    def indexOf(self, page: QWidget) -> int:  # noqa: N802
        return super().indexOf(self._areas.get(page, page))
