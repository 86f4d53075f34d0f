"""Closing the window while training asks first: Save the model / Discard / Cancel, as desktop apps do.

The question is window-modal but not blocking (`open`, not `exec`): the close waits for its answer, and a
script or test can click a button. Save stops training at the last completed epoch and asks where to save;
Discard closes as before (the last epoch is still kept for the recovery offer at the next start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

if TYPE_CHECKING:
    from aeviewer.gui.app.main_window import MainWindow

Button = QMessageBox.StandardButton


class CloseWhileTraining:
    """`allow_close()` is asked by the window's closeEvent."""

    def __init__(self, window: MainWindow) -> None:
        self.owner = window
        self.box: QMessageBox | None = None
        self.confirmed = False

    def allow_close(self) -> bool:
        """True when the window may close now; else the question is (already) open and the close waits."""
        if self.confirmed or not self.owner.state.training:
            return True
        if self.box is None or not self.box.isVisible():
            box = self.box = QMessageBox(QMessageBox.Icon.Question, "aeviewer", "Training is still running.",
                                         Button.Save | Button.Discard | Button.Cancel, self.owner)
            box.setInformativeText("Save the model (as of its last completed epoch) before closing?")
            box.setDefaultButton(Button.Save)
            box.setEscapeButton(Button.Cancel)
            box.setWindowModality(Qt.WindowModality.WindowModal)
            box.buttonClicked.connect(lambda button: self._answered(box.standardButton(button)))
            box.open()
        return False

    def _answered(self, answer: QMessageBox.StandardButton) -> None:
        if answer == Button.Discard or (answer == Button.Save and self._stop_and_save()):
            self._close()

    def _close(self) -> None:
        self.confirmed = True
        self.owner.close()

    def _stop_and_save(self) -> bool:
        """Stop at the last completed epoch, then save it; False (the window stays) if no file was chosen."""
        w = self.owner
        worker = w.training_ctl.worker
        if worker is not None:
            w.training_ctl.cancel()
            worker.wait(30_000)
            QApplication.processEvents()  # deliver the worker's last signals: the run ends, status Idle
        if w.state.training:
            return False
        path, _ = QFileDialog.getSaveFileName(w, "Save model before closing", "model.safetensors",
                                              "safetensors (*.safetensors)")
        if not path:
            return False
        return w.files.save_model(path if path.endswith(".safetensors") else path + ".safetensors")
