"""A banner over the latent view that says, in one sentence, when training collapsed (state.training_problem).

Without it a collapsed model shows an empty-looking view (every dot on one spot) or a black decode, and a
user cannot tell a bug from a failed run.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from aeviewer.core.state import ExplorerState
from aeviewer.gui.views.host_overlay import HostOverlay


class ProblemBanner(HostOverlay):
    """Floats along the bottom of `host`, shown while `state.training_problem` is not empty."""

    def __init__(self, host: QWidget, state: ExplorerState) -> None:
        super().__init__(host)
        self.setObjectName("problem-banner")
        self.setStyleSheet("#problem-banner { background: rgba(140, 40, 20, 230); border-radius: 8px; }"
                           "#problem-banner QLabel { color: white; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # the view stays draggable under it
        state.events.training_problem.connect(self.show_problem)
        self.show_problem(state.training_problem)

    def show_problem(self, message: str) -> None:
        self.label.setText(message)
        self.setVisible(bool(message))
        self._place()

    def width_for(self, host: QWidget) -> int:
        return max(120, host.width() - 24)

    def position_for(self, host: QWidget) -> tuple[int, int]:
        return 12, max(0, host.height() - self.height() - 12)
