"""On start, offer the recovery checkpoint a crashed session left behind (the logic lives in core.recovery)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from aeviewer.core.session.recovery import RecoveryInfo, clear_recovery, find_recovery

if TYPE_CHECKING:
    from aeviewer.gui.app.main_window import MainWindow


def current_spec(window: MainWindow) -> str:
    """What identifies the window's dataset for reopening: the spec it was opened with, else its source/name."""
    return window.state.reopen_spec()


def offer_recovery(window: MainWindow) -> QMessageBox | None:
    """A non-blocking "recover?" box when a recovery checkpoint exists; None when there is nothing to offer."""
    info = find_recovery(window.recovery_folder)
    if info is None:
        return None
    box = QMessageBox(QMessageBox.Icon.Question, "aeviewer: recover unsaved work?",
                      f"The last session ended before its training was saved. Recover {info.describe()}?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    box.setInformativeText("No discards it.")
    box.setWindowModality(Qt.WindowModality.WindowModal)

    def answered(button) -> None:
        if box.standardButton(button) == QMessageBox.StandardButton.Yes:
            recover(window, info)
        else:
            clear_recovery(window.recovery_folder)
            window.statusBar().showMessage("Discarded the recovery checkpoint.", 8000)

    box.buttonClicked.connect(answered)
    box.open()
    window.recovery_box = box
    return box


def recover(window: MainWindow, info: RecoveryInfo) -> None:
    """Load the recovered model, first reopening the dataset it was trained on when another one is shown."""
    spec = info.dataset_spec
    if spec and spec != current_spec(window):
        task = window.files.load_dataset_async(spec)
        task.succeeded.connect(lambda _ds: window.files.load_model(info.path))
    else:
        window.files.load_model(info.path)
