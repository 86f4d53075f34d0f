"""Presentation mode: full screen, large type and markers, side panels hidden, driven from the keyboard.

Keys while presenting: arrows move the probe; `[` / `]` jump to the two ends of the interpolation path
(Explore ▸ Path), or without one step to the previous / next class centre; space plays or pauses the
selected recording or the class-centre tour; 0-9 jump to that class's centre; F11 or Esc leaves.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QToolBar, QWidget

from aeviewer.core.session.recording import class_centres
from aeviewer.gui.views.themes import THEMES, apply_theme

ARROW_STEP = 0.04  # of the visible range per key press
_ARROWS: dict[int, tuple[int, int]] = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, 1),
                                       Qt.Key.Key_Down: (0, -1)}


class PresentationController(QObject):
    """Owns the theme and presentation state of a MainWindow and handles its presentation keys."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.presenting = False
        self.theme = str(window.settings.value("theme", "light"))
        if self.theme not in THEMES:
            self.theme = "light"
        self._hidden: list[QWidget] = []
        self._shortcuts: dict[QAction, QKeySequence] = {}
        self._centre_index = -1

        self.toggle_action = QAction("&Presentation mode", window)
        self.toggle_action.setCheckable(True)
        self.toggle_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.toggle_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.toggle_action.setToolTip("Full screen, large type, keyboard-driven (F11)")
        self.toggle_action.toggled.connect(self.set_presenting)
        window.addAction(self.toggle_action)
        self.theme_actions = {}
        for name in THEMES:
            action = QAction(f"{name.capitalize()} theme", window, checkable=True)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            self.theme_actions[name] = action
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        window.destroyed.connect(self._remove_filter)
        self.set_theme(self.theme)
        window.state.events.theme.connect(self.set_theme)  # a session's theme arrives through the state

    def _remove_filter(self, *_: object) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def build_toolbar(self) -> QToolBar:
        toolbar = QToolBar("Presentation", self.window)
        toolbar.setObjectName("presentation-toolbar")
        toolbar.addAction(self.toggle_action)
        return toolbar

    def add_to_menu(self, menu) -> None:
        menu.addSeparator()
        menu.addAction(self.toggle_action)
        for action in self.theme_actions.values():
            menu.addAction(action)

    # --- theme --------------------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        if name not in THEMES:
            raise ValueError(f"unknown theme {name!r}")
        self.theme = name
        self.window.state.theme = name
        for n, action in self.theme_actions.items():
            action.setChecked(n == name)
        apply_theme(self.window, name, large=self.presenting)
        self.window.settings.setValue("theme", name)

    def restyle(self) -> None:
        """Re-apply after the views were rebuilt (a new dataset or model)."""
        apply_theme(self.window, self.theme, large=self.presenting)

    # --- entering and leaving -------------------------------------------------------------------------
    def set_presenting(self, on: bool) -> None:
        if on == self.presenting:
            return
        w = self.window
        self.presenting = on
        if self.toggle_action.isChecked() != on:
            self.toggle_action.blockSignals(True)
            self.toggle_action.setChecked(on)
            self.toggle_action.blockSignals(False)
        if on:
            self._was_maximized = w.isMaximized()
            # Space and Esc mean train / cancel in the window; while presenting they mean play / leave.
            for action in (w.registry["train"], w.registry["cancel"]):
                self._shortcuts[action] = action.shortcut()
                action.setShortcut(QKeySequence())
            self._hidden = [d for d in w.findChildren(QDockWidget) if d.isVisible()]
            self._hidden += [x for x in (w.loss_plot, w.statusBar(), w.menuBar(), *self._toolbars()) if x.isVisible()]
            for widget in self._hidden:
                widget.hide()
            w.showFullScreen()
        else:
            for action, shortcut in self._shortcuts.items():
                action.setShortcut(shortcut)
            self._shortcuts.clear()
            for widget in self._hidden:
                widget.show()
            self._hidden = []
            if self._was_maximized:
                w.showMaximized()
            else:
                w.showNormal()
        apply_theme(w, self.theme, large=on)

    def _toolbars(self) -> list[QWidget]:
        return self.window.findChildren(QToolBar)

    # --- keys ---------------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress or not isinstance(obj, QWidget) \
                or obj.window() is not self.window:
            return False
        if event.key() == Qt.Key.Key_F11:  # when the shortcut did not catch it (e.g. the window is not active)
            self.set_presenting(not self.presenting)
            return True
        return self.presenting and self.handle_key(event.key(), event.text())

    def handle_key(self, key: int, text: str = "") -> bool:
        """Act on one presentation key; True when it was one of ours."""
        w = self.window
        if key in _ARROWS:
            (x0, x1), (y0, y1) = w.ae_view.plotItem.vb.viewRange()
            dx, dy = _ARROWS[key]
            w.recordings.pause()
            w.ae_view.set_probe(w.ae_view.probe_position() + np.array([dx * (x1 - x0), dy * (y1 - y0)]) * ARROW_STEP)
            return True
        if key in (Qt.Key.Key_BracketLeft, Qt.Key.Key_BracketRight):
            if not self.to_path_end(0 if key == Qt.Key.Key_BracketLeft else -1):
                self.step_centre(-1 if key == Qt.Key.Key_BracketLeft else 1)
            return True
        if key == Qt.Key.Key_Space:
            w.recordings.toggle_play()
            return True
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9:
            self.jump_to_class(int(key - Qt.Key.Key_0))
            return True
        if key in (Qt.Key.Key_Escape,):
            self.set_presenting(False)
            return True
        return False

    def centres(self) -> dict[int, np.ndarray]:
        w = self.window
        if w.ae_space is None or w.shown is None or w.shown.y is None:
            return {}
        return class_centres(w.ae_space.points, w.shown.y)

    def jump_to_class(self, label: int) -> bool:
        centres = self.centres()
        if label not in centres:
            return False
        self.window.recordings.pause()
        self._centre_index = list(centres).index(label)
        self.window.ae_view.set_probe(centres[label])
        return True

    def to_path_end(self, end: int) -> bool:
        """`[` / `]` with an interpolation path (Explore ▸ Path): the probe to its first / last point."""
        w = self.window
        explore = getattr(w, "explore", None)
        codes = None if explore is None else explore.path_codes
        if codes is None or not len(codes) or w.ae_space is None:
            return False
        w.ae_view.set_probe(w.ae_space.place(codes[end : end + 1] if end >= 0 else codes[end:])[0])
        return True

    def step_centre(self, direction: int) -> None:
        """`[` / `]`: the previous / next class centre, in label order, wrapping around."""
        centres = list(self.centres().values())
        if not centres:
            return
        self.window.recordings.pause()
        self._centre_index = (self._centre_index + direction) % len(centres)
        self.window.ae_view.set_probe(centres[self._centre_index])
