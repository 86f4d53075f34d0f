"""A one-line label that never shows cut-off text: it shows the longest of its wordings that fits, else elides.

Narrow panes (a small screen, presentation type) then read "AE" instead of "Autoenc"; the full text is the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class FittedLabel(QLabel):
    """Plain text in one line; `set_wordings(full, shorter, ...)` gives it shorter ways to say the same."""

    def __init__(self, text: str = "", bold: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._wordings: tuple[str, ...] = ()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # the pane sets the width
        if bold:  # only the weight is set here: the size still follows the window (presentation type)
            font = self.font()
            font.setBold(True)
            self.setFont(font)
        self.set_wordings(text)

    @property
    def full_text(self) -> str:
        return self._wordings[0] if self._wordings else ""

    def set_wordings(self, *wordings: str) -> None:
        self._wordings = tuple(wordings) or ("",)
        self._fit()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:  # noqa: N802  (a theme or presentation font arrives)
        super().changeEvent(event)
        if event.type() == event.Type.FontChange and self._wordings:
            self._fit()

    def _fit(self) -> None:
        metrics = QFontMetrics(self.font())
        room = self.contentsRect().width()
        shown = next((text for text in self._wordings if metrics.horizontalAdvance(text) <= room), None)
        if shown is None:
            shown = metrics.elidedText(self._wordings[-1], Qt.TextElideMode.ElideRight, room)
        self.setText(shown)
        self.setToolTip(self.full_text if shown != self.full_text else "")
