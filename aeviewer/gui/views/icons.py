"""The application icon and the toolbar icons, loaded from the package data in aeviewer/resources."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from PySide6.QtGui import QIcon

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
