"""One slider per latent dimension of the probe's code, plus an attribute vector with a strength slider."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from aeviewer.gui.views.class_combos import fill_class_combos

STEPS = 1000  # slider resolution
VISIBLE_SLIDERS = 16  # the scroll area is sized to show this many; the rest scroll


class TraversalPanel(QWidget):
    """`code_changed` carries the full code after a slider moved; `set_code` updates the sliders silently."""

    code_changed = Signal(object)
    attribute_changed = Signal(int, int, float)  # towards, away_from, strength

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.hint = QLabel("Each slider moves one latent dimension of the probe's code; the image decodes live.")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self._holder = QWidget()
        self._grid = QGridLayout(self._holder)
        self._grid.setVerticalSpacing(2)
        self.scroll_area.setWidget(self._holder)
        layout.addWidget(self.scroll_area, 1)

        box = QGroupBox("Attribute vector (mean of A − mean of B)")
        form = QFormLayout(box)
        self.towards = QComboBox()
        self.away_from = QComboBox()
        self.strength = QSlider(Qt.Orientation.Horizontal)
        self.strength.setRange(-300, 300)
        self.strength.setValue(0)
        self.strength_label = QLabel("0.00")
        form.addRow("towards A", self.towards)
        form.addRow("away from B", self.away_from)
        form.addRow("strength", self.strength)
        form.addRow("", self.strength_label)
        layout.addWidget(box)
        self.attribute_box = box

        self.sliders: list[QSlider] = []
        self._labels: list[QLabel] = []
        self.code = np.zeros(0, dtype=np.float32)
        self.ranges = np.zeros((0, 2))
        self.strength.valueChanged.connect(self._attribute_moved)
        self.towards.currentIndexChanged.connect(self._attribute_moved)
        self.away_from.currentIndexChanged.connect(self._attribute_moved)

    # --- sliders ------------------------------------------------------------------------------------
    def set_ranges(self, ranges: np.ndarray) -> None:
        """Per-dimension [low, high] (d×2); rebuilds the sliders when the code width changes."""
        ranges = np.asarray(ranges, dtype=np.float64)
        if len(ranges) != len(self.sliders):
            self._rebuild(len(ranges))
        self.ranges = ranges
        self.set_code(self.code if len(self.code) == len(ranges) else ranges.mean(axis=1))

    def _rebuild(self, d: int) -> None:
        # A fresh holder: the scroll area deletes the old one with all its sliders.
        self._holder = QWidget()
        self._grid = QGridLayout(self._holder)
        self._grid.setVerticalSpacing(2)
        self.scroll_area.setWidget(self._holder)
        self.sliders, self._labels = [], []
        for i in range(d):
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, STEPS)
            value = QLabel("0.00")
            value.setMinimumWidth(44)
            self._grid.addWidget(QLabel(f"z{i + 1}"), i, 0)
            self._grid.addWidget(slider, i, 1)
            self._grid.addWidget(value, i, 2)
            slider.valueChanged.connect(lambda v, i=i: self._slider_moved(i, v))
            self.sliders.append(slider)
            self._labels.append(value)
        row_h = self.sliders[0].sizeHint().height() + 4 if self.sliders else 24
        self.scroll_area.setMinimumHeight(min(d, VISIBLE_SLIDERS) * row_h // 2)

    def _to_value(self, i: int, step: int) -> float:
        lo, hi = self.ranges[i]
        return float(lo + (hi - lo) * step / STEPS)

    def _to_step(self, i: int, value: float) -> int:
        lo, hi = self.ranges[i]
        return int(round(np.clip((value - lo) / (hi - lo) if hi > lo else 0.5, 0, 1) * STEPS))

    def set_code(self, code: np.ndarray) -> None:
        """Show a code on the sliders without emitting `code_changed` (the probe moved elsewhere)."""
        self.code = np.asarray(code, dtype=np.float32).copy()
        for i, slider in enumerate(self.sliders[: len(self.code)]):
            slider.blockSignals(True)
            slider.setValue(self._to_step(i, float(self.code[i])))
            slider.blockSignals(False)
            self._labels[i].setText(f"{self.code[i]:.2f}")

    def _slider_moved(self, i: int, step: int) -> None:
        self.code[i] = self._to_value(i, step)
        self._labels[i].setText(f"{self.code[i]:.2f}")
        self.code_changed.emit(self.code.copy())

    # --- attribute vector ---------------------------------------------------------------------------
    def set_classes(self, names: list[str]) -> None:
        fill_class_combos(((self.towards, 1), (self.away_from, 0)), names)
        self.attribute_box.setEnabled(len(names) >= 2)
        self.strength.blockSignals(True)
        self.strength.setValue(0)
        self.strength.blockSignals(False)

    def _attribute_moved(self, *_: object) -> None:
        s = self.strength.value() / 100.0
        self.strength_label.setText(f"{s:+.2f}")
        if self.towards.count() and self.away_from.count():
            self.attribute_changed.emit(self.towards.currentData(), self.away_from.currentData(), s)
