"""Nothing lost in the window: drops during training are refused, cancel/close keep the last epoch, crashes recover."""

from __future__ import annotations

import numpy as np
import torch
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from aeviewer.core import atomic
from aeviewer.core.session.recovery import find_recovery
from aeviewer.gui.dialogs.recovery_prompt import offer_recovery
from tests.gui.closing import close_discarding


def _weights(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _drop(window, path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)


def _train(window, qtbot, epochs: int, until_epochs: int | None = None) -> None:
    window.settings_panel.epochs.setValue(epochs)
    window.settings_panel.batch.setValue(256)
    window.training_ctl.start()
    if until_epochs is None:
        qtbot.waitUntil(lambda: window.training_ctl.worker is None, timeout=60_000)
    else:
        qtbot.waitUntil(lambda: len(window.history) >= until_epochs, timeout=60_000)


def test_a_file_dropped_while_training_is_refused_with_a_message(make_main_window, qtbot, tmp_path):
    w = make_main_window()
    data = tmp_path / "other.npy"
    np.save(data, np.random.default_rng(0).random((20, 5)))
    dataset = w.dataset
    _train(w, qtbot, epochs=2000, until_epochs=1)
    _drop(w, data)
    assert "Training is running" in w.last_error and "opening other.npy" in w.last_error
    assert not w._tasks and w.dataset is dataset and w.training  # nothing started, nothing half-applied
    w.training_ctl.cancel()
    qtbot.waitUntil(lambda: w.training_ctl.worker is None, timeout=20_000)
    _drop(w, data)  # after training the same drop opens the file
    qtbot.waitUntil(lambda: w.dataset is not dataset, timeout=20_000)
    assert w.dataset.name == "other"


def test_cancel_keeps_the_last_completed_epoch_and_offers_to_save(make_main_window, qtbot, tmp_path):
    w = make_main_window()
    _train(w, qtbot, epochs=2000, until_epochs=2)
    w.training_ctl.cancel()
    qtbot.waitUntil(lambda: w.training_ctl.worker is None, timeout=20_000)
    done = len(w.history)
    assert f"the model is as of epoch {done}, the last completed one" in w.settings_panel.status.text()
    assert "Save model" in w.statusBar().currentMessage() and w.registry["save_model"].isEnabled()
    assert w.files.save_model(tmp_path / "kept.safetensors")


def test_recovery_checkpoint_is_offered_after_a_crash(make_main_window, qtbot, tmp_path):
    crashed = make_main_window()
    crashed.recovery_folder = tmp_path / "recovery"
    crashed.autosave_interval_s = 0  # every epoch
    _train(crashed, qtbot, epochs=3)
    weights, history = _weights(crashed.model), list(crashed.history)
    info = find_recovery(crashed.recovery_folder)
    assert info is not None and info.epochs == 3 and info.dataset_name == "digits"
    crashed.recovery_folder = tmp_path / "elsewhere"  # the "crash": its clean close must not tidy up

    fresh = make_main_window()
    fresh.recovery_folder = tmp_path / "recovery"
    box = offer_recovery(fresh)
    assert box is not None and box.isVisible() and "3 epoch(s)" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: len(fresh.history) == 3, timeout=20_000)
    assert _same(_weights(fresh.model), weights) and fresh.history == history
    assert find_recovery(fresh.recovery_folder) is not None  # kept until the work is saved
    assert fresh.files.save_model(tmp_path / "recovered.safetensors")
    assert find_recovery(fresh.recovery_folder) is None


def test_declining_the_recovery_discards_it_and_no_recovery_no_prompt(make_main_window, qtbot, tmp_path):
    w = make_main_window()
    w.recovery_folder = tmp_path / "recovery"
    assert offer_recovery(w) is None
    w.autosave_interval_s = 0
    _train(w, qtbot, epochs=1)
    box = offer_recovery(w)
    box.button(QMessageBox.StandardButton.No).click()
    assert find_recovery(w.recovery_folder) is None


def test_closing_during_training_keeps_the_last_epoch_for_the_next_start(make_main_window, qtbot, tmp_path):
    w = make_main_window()
    w.recovery_folder = tmp_path / "recovery"
    w.autosave_interval_s = 1e9  # no timed autosave: the close itself must save
    _train(w, qtbot, epochs=2000, until_epochs=1)
    close_discarding(w)  # the close asks first while training
    info = find_recovery(w.recovery_folder)
    assert info is not None and info.epochs >= 1


def test_a_clean_close_removes_the_recovery_checkpoint(make_main_window, qtbot, tmp_path):
    w = make_main_window()
    w.recovery_folder = tmp_path / "recovery"
    w.autosave_interval_s = 0
    _train(w, qtbot, epochs=1)
    assert find_recovery(w.recovery_folder) is not None
    w.close()
    assert find_recovery(w.recovery_folder) is None


def test_saving_onto_a_full_disk_shows_a_message_and_keeps_the_old_file(make_main_window, tmp_path, monkeypatch):
    w = make_main_window()
    path = tmp_path / "m.safetensors"
    assert w.files.save_model(path)
    before = path.read_bytes()

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    w.settings_panel.latent.setValue(3)
    w.set_dataset(w.dataset)
    assert not w.files.save_model(path)
    assert w.last_error == f"{path}: could not write: the disk is full"
    monkeypatch.undo()
    assert path.read_bytes() == before
