"""Corrupt the selected sample and compare the reconstruction of the corrupted input with the original."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGridLayout, QLabel, QSlider, QVBoxLayout, QWidget

from aeviewer.core.data.corruption import CORRUPTIONS
from aeviewer.gui.views.image_pane import ImagePane


class DenoisePanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        for key, text in CORRUPTIONS.items():
            self.kind.addItem(text, key)
        self.amount = QSlider(Qt.Orientation.Horizontal)
        self.amount.setRange(0, 100)
        self.amount.setValue(30)
        form.addRow("Corruption", self.kind)
        form.addRow("Amount", self.amount)
        layout.addLayout(form)
        grid = QGridLayout()
        self.original = ImagePane("Original")
        self.corrupted = ImagePane("Corrupted")
        self.restored = ImagePane("AE(corrupted)")
        self.clean = ImagePane("AE(original)")
        for i, pane in enumerate((self.original, self.corrupted, self.restored, self.clean)):
            grid.addWidget(pane, i // 2, i % 2)
        layout.addLayout(grid, 1)
        self.note = QLabel("Click a point to choose the sample.")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.kind.currentIndexChanged.connect(self.changed)
        self.amount.valueChanged.connect(self.changed)
