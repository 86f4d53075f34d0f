"""The main toolbar: the window's most used actions with our own icons (resources/toolbar/*.svg)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QToolBar

from aeviewer.gui.views.icons import toolbar_icon


def build_toolbar(window: QMainWindow) -> QToolBar:
    """Icons for the window's existing actions (so menus show them too) plus Load model and Fit views."""
    bar = QToolBar("Main toolbar", window)
    bar.setObjectName("main-toolbar")
    bar.setIconSize(QSize(22, 22))
    bar.setMovable(False)

    def add_new(icon: str, text: str, slot) -> QAction:
        action = QAction(toolbar_icon(icon), text, bar)
        action.triggered.connect(slot)
        bar.addAction(action)
        return action

    def add_existing(icon: str, action: QAction, tip: str) -> None:
        action.setIcon(toolbar_icon(icon))
        action.setToolTip(tip)
        bar.addAction(action)

    add_existing("open-dataset", window.open_action, "Open a dataset file (Ctrl+O)")
    bar.load_model_action = add_new("load-model", "Load model…", window.load_model_dialog)
    add_existing("save-model", window.save_action, "Save the model (Ctrl+S)")
    bar.addSeparator()
    add_existing("train", window.train_action, "Train, or pause training (Space)")
    add_existing("cancel", window.cancel_action, "Cancel training (Esc)")
    bar.addSeparator()
    bar.fit_action = add_new("fit-views", "Fit views", window._fit_views)
    window.about_action.setIcon(toolbar_icon("about"))  # menu only: Help ▸ About
    return bar
