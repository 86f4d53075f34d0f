"""Sample new codes (prior or fitted Gaussian), decode them, and mark where they land."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from aeviewer.gui.views.mosaic_pane import MosaicPane


class GenerationPanel(QWidget):
    sample_clicked = Signal()
    clear_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.count = QSpinBox()
        self.count.setRange(1, 64)
        self.count.setValue(16)
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        form.addRow("Samples", self.count)
        form.addRow("Seed", self.seed)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.sample_button = QPushButton("Sample")
        self.clear_button = QPushButton("Clear")
        row.addWidget(self.sample_button)
        row.addWidget(self.clear_button)
        layout.addLayout(row)
        self.source = QLabel("")
        self.source.setWordWrap(True)
        layout.addWidget(self.source)
        self.gallery = MosaicPane(min_height=120)
        layout.addWidget(self.gallery, 1)
        self.sample_button.clicked.connect(self.sample_clicked)
        self.clear_button.clicked.connect(self.clear_clicked)
