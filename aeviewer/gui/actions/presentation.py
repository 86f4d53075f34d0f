"""Presentation mode: full screen, large type and markers, side panels hidden, driven from the keyboard.

Keys while presenting move both probes, autoencoder and PCA, together: arrows by a step; `[` / `]` to the
two ends of the interpolation path (Explore ▸ Path), or without one to the previous / next class centre;
0-9 to that class's centre. Space plays or pauses the selected recording or the class-centre tour; F11 or
Esc leaves.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QToolBar, QWidget

from aeviewer.core.session.recording import class_centres
from aeviewer.gui.views.pyqtgraph_items import fit_legend
from aeviewer.gui.views.scatter_view import ScatterView
from aeviewer.gui.views.themes import THEMES, apply_theme

ARROW_STEP = 0.04  # of the visible range per key press
_ARROWS: dict[int, tuple[int, int]] = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, 1),
                                       Qt.Key.Key_Down: (0, -1)}


def shown_dock(dock: QDockWidget) -> bool:
    """Open and on screen: not closed, not a tab hidden behind another dock."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


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
        self._restore = (QByteArray(), QByteArray())  # the window's geometry and dock state before presenting
        self._docks_pending = False
        self._normal_size = window.size()
        self._dock_sizes: dict[QDockWidget, QSize] = {}
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
            self._restore = (w.saveGeometry(), w.saveState())  # Esc gives back exactly this window
            self._normal_size = w.size()
            self._dock_sizes = {d: d.size() for d in w.findChildren(QDockWidget) if shown_dock(d)}
            # Space and Esc mean train / cancel in the window; while presenting they mean play / leave.
            for action in (w.registry["train"], w.registry["cancel"]):
                self._shortcuts[action] = action.shortcut()
                action.setShortcut(QKeySequence())
            self._hidden = [d for d in w.findChildren(QDockWidget) if d.isVisible()]
            # The replay scrubber stays only when there is a replay to show (a row of disabled controls otherwise).
            replay = getattr(w, "replay", None)
            idle_replay = replay if replay is not None and len(replay.points) < 2 else None
            self._hidden += [x for x in (w.loss_plot, w.statusBar(), w.menuBar(), *self._toolbars(),
                                         getattr(w, "first_run_hint", None), idle_replay)
                             if x is not None and x.isVisible()]
            for widget in self._hidden:
                widget.hide()
            w.views_layout.set_presenting(True)
            w.showFullScreen()
        else:
            for action, shortcut in self._shortcuts.items():
                action.setShortcut(shortcut)
            self._shortcuts.clear()
            w.views_layout.set_presenting(False)
            for widget in self._hidden:
                widget.show()
            self._hidden = []
            w.showNormal()
            w.restoreGeometry(self._restore[0])  # also maximised, if it was
            # The docks and splitters once the window has its size back: now, after this event-loop pass,
            # and when a window manager's resize arrives later.
            self._docks_pending = True
            self._restore_docks()
        apply_theme(w, self.theme, large=on)
        for plot in w.findChildren(pg.PlotWidget):  # legends follow their smaller type back down
            legend = getattr(plot, "legend", None)
            if isinstance(legend, pg.LegendItem):
                fit_legend(legend)

    def _restore_docks(self, tries: int = 3) -> None:
        """Dock state and splitters as before; again on the next pass while a re-shown dock is still being
        laid out (its size then comes back a few pixels off)."""
        w = self.window
        if self.presenting:
            return
        w.restoreState(self._restore[1])
        w.views_layout.restore_sizes()
        if w.size() == self._normal_size:
            self._docks_pending = False  # no resize is coming: it already has its size
        if tries > 0 and any(dock.size() != size for dock, size in self._dock_sizes.items()):
            QTimer.singleShot(0, w, lambda: self._restore_docks(tries - 1))  # dropped if the window goes first

    def _toolbars(self) -> list[QWidget]:
        return self.window.findChildren(QToolBar)

    # --- keys ---------------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if self._docks_pending and obj is self.window and event.type() == QEvent.Type.Resize:
            self._docks_pending = False
            QTimer.singleShot(0, self.window, self._restore_docks)
            return False
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
            w.recordings.pause()
            for view in self._probe_views():  # the same share of each view's range: the probes move together
                (x0, x1), (y0, y1) = view.plotItem.vb.viewRange()
                dx, dy = _ARROWS[key]
                view.set_probe(view.probe_position() + np.array([dx * (x1 - x0), dy * (y1 - y0)]) * ARROW_STEP)
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

    def _probe_views(self) -> list[ScatterView]:
        """The views whose probe the keys move: both, once PCA is fitted (its probe is hidden until then)."""
        w = self.window
        return [w.ae_view] + ([w.pca_view] if w.pca_space is not None else [])

    def centres(self, space: str = "ae") -> dict[int, np.ndarray]:
        """Class centres on the autoencoder's ("ae") or PCA's ("pca") plane, by label."""
        w = self.window
        plane = w.ae_space if space == "ae" else w.pca_space
        if plane is None or w.shown is None or w.shown.y is None:
            return {}
        return class_centres(plane.points, w.shown.y)

    def _to_centre(self, label: int) -> None:
        """Both probes onto class `label`'s centre, each on its own plane."""
        w = self.window
        w.ae_view.set_probe(self.centres("ae")[label])
        pca = self.centres("pca")
        if label in pca:
            w.pca_view.set_probe(pca[label])

    def jump_to_class(self, label: int) -> bool:
        centres = self.centres()
        if label not in centres:
            return False
        self.window.recordings.pause()
        self._centre_index = list(centres).index(label)
        self._to_centre(label)
        return True

    def to_path_end(self, end: int) -> bool:
        """`[` / `]` with an interpolation path (Explore ▸ Path): the probe to its first / last point.

        The PCA probe goes where PCA places the autoencoder's decode of that end, so both show one picture.
        """
        w = self.window
        explore = getattr(w, "explore", None)
        codes = None if explore is None else explore.path_codes
        if codes is None or not len(codes) or w.ae_space is None:
            return False
        code = codes[end : end + 1] if end >= 0 else codes[end:]
        w.ae_view.set_probe(w.ae_space.place(code)[0])
        if w.pca_space is not None:
            w.pca_view.set_probe(w.pca_space.place_samples(w.ae_space.decode_codes(code))[0])
        return True

    def step_centre(self, direction: int) -> None:
        """`[` / `]`: the previous / next class centre, in label order, wrapping around."""
        labels = list(self.centres())
        if not labels:
            return
        self.window.recordings.pause()
        self._centre_index = (self._centre_index + direction) % len(labels)
        self._to_centre(labels[self._centre_index])
