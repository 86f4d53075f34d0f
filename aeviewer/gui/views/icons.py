"""The application icon and the toolbar icons, loaded from the package data in aeviewer/resources."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractButton

RESOURCES = files("aeviewer") / "resources"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


@cache
def app_icon() -> QIcon:
    """The aeviewer icon from PNGs at the usual sizes: they load even where Qt's SVG plugin is missing."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(RESOURCES / "icons" / f"aeviewer-{size}.png"))
    return icon


@cache
def toolbar_icon(name: str) -> QIcon:
    """A toolbar icon by file stem, e.g. "train" for resources/toolbar/train.svg."""
    path = RESOURCES / "toolbar" / f"{name}.svg"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such toolbar icon")
    return QIcon(str(path))


def media_icon(name: str) -> QIcon:
    """"play", "pause" or "record" as an icon: the glyphs ▶ ⏸ ● drew as empty boxes with some default fonts.
    Play and pause are the style's own; record is a red dot (the style has none)."""
    from PySide6.QtWidgets import QApplication, QStyle

    if name == "record":
        return _record_icon()
    pixmap = {"play": QStyle.StandardPixmap.SP_MediaPlay, "pause": QStyle.StandardPixmap.SP_MediaPause}[name]
    return QApplication.style().standardIcon(pixmap)


@cache
def _record_icon() -> QIcon:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QPainter, QPixmap

    icon = QIcon()
    for size in (16, 32):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#d62728"))
        margin = round(size * 0.15)
        painter.drawEllipse(margin, margin, size - 2 * margin, size - 2 * margin)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def show_playing(button: QAbstractButton, playing: bool) -> None:
    """A Play / Pause toggle button's icon and text for its state."""
    button.setIcon(media_icon("pause" if playing else "play"))
    button.setText("Pause" if playing else "Play")
