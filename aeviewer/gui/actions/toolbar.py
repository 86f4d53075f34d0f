"""The main toolbar: the registry's most used actions, with our own icons (resources/toolbar/*.svg)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QMainWindow, QToolBar

from aeviewer.gui.actions.registry import SEPARATOR, ActionRegistry

TOOLBAR = ["open_dataset", "load_model", "save_model", SEPARATOR, "train", "cancel", SEPARATOR, "fit_views"]


def build_toolbar(window: QMainWindow, actions: ActionRegistry) -> QToolBar:
    bar = QToolBar("Main toolbar", window)
    bar.setObjectName("main-toolbar")
    bar.setIconSize(QSize(22, 22))
    bar.setMovable(False)
    actions.fill(bar, TOOLBAR)
    return bar
