"""Pick two ends (the last two selected samples or two class means) and see the decodes along the path."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from aeviewer.gui.views.class_combos import fill_class_combos
from aeviewer.gui.views.icons import media_icon, show_playing
from aeviewer.gui.views.mosaic_pane import MosaicPane

ENDS = {"selected": "last two selected samples", "classes": "two class means"}


class InterpolationPanel(QWidget):
    changed = Signal()
    play_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.ends = QComboBox()
        for key, text in ENDS.items():
            self.ends.addItem(text, key)
        self.class_a = QComboBox()
        self.class_b = QComboBox()
        self.kind = QComboBox()
        self.kind.addItem("linear", "linear")
        self.kind.addItem("spherical (slerp)", "slerp")
        self.steps = QSpinBox()
        self.steps.setRange(2, 40)
        self.steps.setValue(10)
        form.addRow("Ends", self.ends)
        form.addRow("class A", self.class_a)
        form.addRow("class B", self.class_b)
        form.addRow("Path", self.kind)
        form.addRow("Steps", self.steps)
        layout.addLayout(form)
        self.status = QLabel("Click two points in a scatter to set the ends.")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.strip = MosaicPane(min_height=60)
        layout.addWidget(self.strip, 1)
        self.play_button = QPushButton(media_icon("play"), "Play")
        self.play_button.setCheckable(True)
        layout.addWidget(self.play_button)
        for combo in (self.ends, self.class_a, self.class_b, self.kind):
            combo.currentIndexChanged.connect(self._changed)
        self.steps.valueChanged.connect(self._changed)
        self.play_button.toggled.connect(self._play)
        self._changed()

    def set_classes(self, names: list[str]) -> None:
        fill_class_combos(((self.class_a, 0), (self.class_b, 1)), names)
        model = self.ends.model()
        if isinstance(model, QStandardItemModel):  # a QComboBox's own model
            item = model.item(1)
            if item is not None:
                item.setEnabled(len(names) >= 2)

    def _changed(self, *_: object) -> None:
        by_class = self.ends.currentData() == "classes"
        self.class_a.setEnabled(by_class)
        self.class_b.setEnabled(by_class)
        self.changed.emit()

    def _play(self, on: bool) -> None:
        show_playing(self.play_button, on)
        self.play_toggled.emit(on)
