"""View ▸ Density contours: off, over all points, or one set per class, on both latent views."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from aeviewer.gui.views.scatter_view import ScatterView

CONTOUR_MODES = (("off", "&Off"), ("all", "&All points"), ("class", "&Per class"))


def add_contour_menu(menu: QMenu, views: Iterable[ScatterView]) -> dict[str, QAction]:
    """A submenu of three exclusive choices; each sets the mode of every view. Returns the actions by mode."""
    views = list(views)
    sub = menu.addMenu("Density &contours")
    group = QActionGroup(sub)
    group.setExclusive(True)
    actions: dict[str, QAction] = {}

    def choose(mode: str) -> None:
        for view in views:
            view.set_contours(mode)

    for mode, text in CONTOUR_MODES:
        action = QAction(text, sub, checkable=True, checked=mode == "off")
        action.triggered.connect(lambda _=False, m=mode: choose(m))
        group.addAction(action)
        sub.addAction(action)
        actions[mode] = action
    return actions
