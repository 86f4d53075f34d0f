"""A one-time hint over the latent view: "drag the cross". Dismissed by its button or by dragging the probe,
and remembered in the window's QSettings so it never comes back."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from aeviewer.gui.views.host_overlay import HostOverlay

SEEN_KEY = "hints/drag_cross_seen"
HINT_TEXT = ("<b>Drag the cross</b> to decode any point of the latent space: the picture on the right "
             "follows it. Click a dot to inspect that sample.")


class FirstRunHint(HostOverlay):
    """A banner floating at the top of `host`; it follows the host's size and hides for good when dismissed."""

    def __init__(self, host: QWidget, settings: QSettings) -> None:
        super().__init__(host)
        self.settings = settings
        self.setObjectName("first-run-hint")
        self.setStyleSheet("#first-run-hint { background: rgba(30, 45, 80, 225); border-radius: 8px; }"
                           "#first-run-hint QLabel { color: white; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        self.label = QLabel(HINT_TEXT)
        self.label.setWordWrap(True)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout.addWidget(self.label, 1)
        self.dismiss_button = QPushButton("Got it")
        self.dismiss_button.clicked.connect(self.dismiss)
        layout.addWidget(self.dismiss_button)
        self._place()

    @classmethod
    def show_once(cls, host: QWidget, settings: QSettings) -> FirstRunHint | None:
        """The hint over `host`, or None when the user has already dismissed it once."""
        if _truthy(settings.value(SEEN_KEY, False)):
            return None
        hint = cls(host, settings)
        hint.show()
        hint.raise_()
        return hint

    def dismiss(self, *_args) -> None:
        """Hide the hint and remember that it was seen (signals may pass arguments: ignored)."""
        if not self.isHidden():
            self.hide()
        self.settings.setValue(SEEN_KEY, True)
        self.settings.sync()

    def width_for(self, host: QWidget) -> int:
        return max(200, min(520, host.width() - 40))

    def position_for(self, host: QWidget) -> tuple[int, int]:
        return (host.width() - self.width()) // 2, 36


def _truthy(value) -> bool:
    """QSettings hands ini values back as strings ("true"); native backends as bools."""
    return value is True or str(value).lower() in {"true", "1"}
