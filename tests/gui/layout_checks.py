"""What a person sees as clipped: a visible label, box title or plot title whose text needs more room than it has.

Used by the layout tests at the window sizes a lecture hall and a small laptop have.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics, Qt, QTextDocument  # QtGui's Qt also has mightBeRichText
from PySide6.QtWidgets import QGroupBox, QLabel, QWidget

SLACK_PX = 1  # rounding between QTextDocument and QLabel's own layout


def _document(label: QLabel) -> QTextDocument:
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setDocumentMargin(0)
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(label.text()))
    if rich:
        doc.setHtml(label.text())
    else:
        doc.setPlainText(label.text())
    return doc


def label_problem(label: QLabel) -> str | None:
    """Why `label`'s text does not fit it (None when it fits): too wide, or wrapped taller than the label."""
    if not label.text().strip():
        return None
    room = label.contentsRect().adjusted(label.margin(), label.margin(), -label.margin(), -label.margin())
    doc = _document(label)
    if not label.wordWrap():
        need = doc.idealWidth()
        return None if need <= room.width() + SLACK_PX else f"needs {need:.0f} px, has {room.width()}"
    doc.setTextWidth(room.width())
    if doc.idealWidth() > room.width() + SLACK_PX:
        return f"a word needs {doc.idealWidth():.0f} px, has {room.width()}"
    height = doc.size().height()
    return None if height <= room.height() + SLACK_PX else f"wrapped needs {height:.0f} px high, has {room.height()}"


def _group_title_problem(box: QGroupBox) -> str | None:
    if not box.title():
        return None
    font = box.font()
    need = QFontMetrics(font).horizontalAdvance(box.title().replace("&", ""))
    return None if need + 8 <= box.width() else f"title needs {need} px, box is {box.width()}"


def _plot_title_problem(plot: pg.PlotWidget) -> str | None:
    label = plot.plotItem.titleLabel
    if not label.isVisible() or not label.text:
        return None
    need, has = label.item.boundingRect().width(), label.boundingRect().width()
    return None if need <= has + SLACK_PX else f"title needs {need:.0f} px, has {has:.0f}"


def clipped_texts(root: QWidget) -> list[str]:
    """Every visible text under `root` that is cut off, as 'kind "text": why'."""
    found = []
    for label in root.findChildren(QLabel):
        if label.isVisible() and label.width() > 0 and (why := label_problem(label)):
            found.append(f'label "{label.text()[:60]}": {why}')
    for box in root.findChildren(QGroupBox):
        if box.isVisible() and (why := _group_title_problem(box)):
            found.append(f'group box "{box.title()}": {why}')
    for plot in root.findChildren(pg.PlotWidget):
        if plot.isVisible() and (why := _plot_title_problem(plot)):
            found.append(f'plot title "{plot.plotItem.titleLabel.text}": {why}')
    return found
