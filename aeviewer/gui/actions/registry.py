"""One list of the window's actions (id, text, shortcut, handler, enabled_when), read by the menus and the toolbar.

As napari's `qactions`: a menu or toolbar names an action by id; an action's enabled state follows the
explorer state through `enabled_when(state)`, re-read on every status change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from aeviewer.core.state import ExplorerState
from aeviewer.gui.views.icons import toolbar_icon

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    handler: Callable[[], Any]
    shortcut: Shortcut = None
    icon: str = ""  # a resources/toolbar/*.svg name, shown in menus and the toolbar
    tip: str = ""
    enabled_when: Callable[[ExplorerState], bool] | None = None


SEPARATOR = "-"


class ActionRegistry:
    """Builds one QAction per spec on `window` and keeps each one's enabled state in step with `state`."""

    def __init__(self, window: QMainWindow, state: ExplorerState) -> None:
        self.window, self.state = window, state
        self.actions: dict[str, QAction] = {}
        self._specs: dict[str, ActionSpec] = {}
        state.events.status.connect(self.refresh)

    def add(self, spec: ActionSpec) -> QAction:
        action = QAction(spec.text, self.window)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if spec.icon:
            action.setIcon(toolbar_icon(spec.icon))
        if spec.tip:
            action.setToolTip(spec.tip)
        action.triggered.connect(lambda _=False, h=spec.handler: h())
        self.window.addAction(action)
        self.actions[spec.id], self._specs[spec.id] = action, spec
        self._refresh_one(spec.id)
        return action

    def __getitem__(self, action_id: str) -> QAction:
        return self.actions[action_id]

    def fill(self, target: QMenu | QToolBar, ids: Iterable[str]) -> None:
        """Put the named actions into a menu or toolbar, in order; "-" is a separator."""
        for action_id in ids:
            if action_id == SEPARATOR:
                target.addSeparator()
            else:
                target.addAction(self.actions[action_id])

    def refresh(self, *_: object) -> None:
        for action_id in self.actions:
            self._refresh_one(action_id)

    def _refresh_one(self, action_id: str) -> None:
        rule = self._specs[action_id].enabled_when
        if rule is not None:
            self.actions[action_id].setEnabled(bool(rule(self.state)))


def not_training(state: ExplorerState) -> bool:
    """The one rule for work that must wait while a run trains here (its message: `state.refusal`)."""
    return not state.training
