"""A banner over the latent view that says, in one sentence, when training collapsed (state.training_problem).

Without it a collapsed model shows an empty-looking view (every dot on one spot) or a black decode, and a
user cannot tell a bug from a failed run.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from aeviewer.core.state import ExplorerState


class ProblemBanner(QFrame):
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
        host.installEventFilter(self)
        state.events.training_problem.connect(self.show_problem)
        self.show_problem(state.training_problem)

    def show_problem(self, message: str) -> None:
        self.label.setText(message)
        self.setVisible(bool(message))
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        width = max(120, host.width() - 24)
        self.setFixedWidth(width)
        self.adjustSize()
        self.move(12, max(0, host.height() - self.height() - 12))
        self.raise_()
