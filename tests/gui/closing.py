"""Closing a window in a test the way a user answers its questions."""

from __future__ import annotations


def close_discarding(window) -> None:
    """Close a window; if training still runs it asks Save / Discard / Cancel first: answer Discard."""
    from PySide6.QtWidgets import QMessageBox

    window.close()
    box = window.close_guard.box
    if box is not None and box.isVisible():
        box.button(QMessageBox.StandardButton.Discard).click()
