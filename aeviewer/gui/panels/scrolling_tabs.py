"""Side-panel pages that scroll instead of holding the window big: a dock can then be narrower than its widest page.

`ScrollingTabs` keeps Qt's tab API in terms of the pages themselves, so callers never see the scroll areas, and
shows its titles as buttons that wrap onto a second row (`with_titles()`), so every tab stays in sight.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

COMBO_CHARS = 12  # a side panel's combo boxes show this many characters; the popup shows whole items


def scrolling(widget: QWidget) -> QScrollArea:
    """`widget` in a frameless scroll area that resizes it, so what holds it can be smaller than its content."""
    for combo in widget.findChildren(QComboBox):  # else the longest item sets the panel's width
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(COMBO_CHARS)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


class FlowLayout(QLayout):
    """Items left to right, wrapping onto the next row when the width runs out (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 2) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the items out in `rect` (or only measure); the height they take."""
        x, y, row = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and row > 0:
                x, y, row = rect.x(), y + row + self.spacing(), 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            row = max(row, hint.height())
        return y + row - rect.y()


class ScrollingTabs(QTabWidget):
    """Tabs whose pages scroll, with every title in sight: buttons that wrap instead of a bar that scrolls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabBar().hide()
        self.setDocumentMode(True)  # no frame of its own under the buttons
        self.titles = QWidget()
        FlowLayout(self.titles)
        self._buttons = QButtonGroup(self)
        self._buttons.idClicked.connect(self.setCurrentIndex)
        self.currentChanged.connect(self._check_current)
        self._areas: dict[QWidget, QScrollArea] = {}

    def with_titles(self) -> QWidget:
        """The title buttons above the pages, to put in a dock."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(2, 2, 2, 0)
        layout.setSpacing(2)
        layout.addWidget(self.titles)
        layout.addWidget(self, 1)
        return box

    def title_buttons(self) -> list[QToolButton]:
        return [b for b in self._buttons.buttons() if isinstance(b, QToolButton)]

    def addTab(self, page: QWidget, title: str) -> int:  # type: ignore[override]  # noqa: N802
        area = scrolling(page)
        self._areas[page] = area
        index = super().addTab(area, title)
        button = QToolButton()
        button.setText(title)
        button.setCheckable(True)
        button.setAutoRaise(True)
        self._buttons.addButton(button, index)
        layout = self.titles.layout()
        if layout is not None:
            layout.addWidget(button)
        self._check_current(self.currentIndex())
        return index

    def _check_current(self, index: int) -> None:
        button = self._buttons.button(index)
        if button is not None:
            button.setChecked(True)

    def widget(self, index: int) -> QWidget | None:
        area = super().widget(index)
        return area.widget() if isinstance(area, QScrollArea) and area in self._areas.values() else area

    def currentWidget(self) -> QWidget:  # noqa: N802
        return self.widget(self.currentIndex()) or super().currentWidget()

    def setCurrentWidget(self, page: QWidget) -> None:  # noqa: N802
        super().setCurrentWidget(self._areas.get(page, page))

    def indexOf(self, page: QWidget) -> int:  # noqa: N802
        return super().indexOf(self._areas.get(page, page))
