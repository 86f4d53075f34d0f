"""Class pickers: the combo boxes that several explore panels fill with the dataset's class names."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox


def fill_class_combos(combos: Iterable[tuple[QComboBox, int]], names: list[str]) -> None:
    """Refill each combo with the class names (label as item data), preselecting its default index."""
    for combo, default in combos:
        with QSignalBlocker(combo):
            combo.clear()
            for label, name in enumerate(names):
                combo.addItem(name, label)
            combo.setCurrentIndex(min(default, len(names) - 1))
