"""Training says how it goes where people look (the status bar), counts on across runs, and asks before closing."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QFileDialog, QMessageBox

Button = QMessageBox.StandardButton


def _run(w, qtbot, epochs: int) -> None:
    w.settings_panel.epochs.setValue(epochs)
    w.settings_panel.batch.setValue(256)
    w.training_ctl.start()


def test_the_status_bar_shows_live_state_and_a_second_run_counts_on(make_main_window, qtbot, monkeypatch):
    w = make_main_window()
    label = w.training_ctl.status_label
    comparisons = []
    show = w.samples.show_comparison
    monkeypatch.setattr(w.samples, "show_comparison", lambda ae, pca, k: (comparisons.append(ae), show(ae, pca, k)))
    _run(w, qtbot, epochs=2)
    qtbot.waitUntil(lambda: w.training_ctl.worker is None, timeout=60_000)
    assert label.isVisible() and label.text() == "Finished: epoch 2"
    assert w.statusBar().currentMessage().startswith("Finished after 2 epoch(s)")
    assert len(comparisons) >= 3 and len(set(comparisons)) > 1  # each epoch and the end, not the untrained values
    first_run_steps = w.loss_plot.last_step()

    _run(w, qtbot, epochs=2000)  # the same model again: epochs and steps go on from 2
    qtbot.waitUntil(lambda: len(w.history) >= 3 and "samples/s" in label.text(), timeout=60_000)
    assert label.text().startswith("epoch ") and "/2002 ·" in label.text() and " on cpu" in label.text()
    w.training_ctl.cancel()
    qtbot.waitUntil(lambda: w.training_ctl.worker is None, timeout=30_000)
    epochs = len(w.history)
    assert epochs >= 3 and label.text() == f"Stopped at epoch {epochs}"
    assert f"as of epoch {epochs}," in w.settings_panel.status.text()
    steps = np.asarray(w.loss_plot._steps["total"])
    assert np.all(np.diff(steps) > 0) and steps[-1] > first_run_steps  # no scribbling from step 0


def test_closing_while_training_asks_and_cancel_keeps_it_running(make_main_window, qtbot):
    w = make_main_window()
    _run(w, qtbot, epochs=5000)
    qtbot.waitUntil(lambda: w.loss_plot.point_count() >= 1, timeout=30_000)
    w.close()
    box = w.close_guard.box
    assert box is not None and box.isVisible() and w.isVisible()
    assert {box.button(b) is not None for b in (Button.Save, Button.Discard, Button.Cancel)} == {True}
    box.button(Button.Cancel).click()
    assert w.isVisible() and w.training
    worker = w.training_ctl.worker
    w.close()
    w.close_guard.box.button(Button.Discard).click()
    assert not w.isVisible() and worker.isFinished()


def test_save_on_close_stops_at_the_last_epoch_and_saves_it(make_main_window, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "kept.safetensors"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    w = make_main_window()
    _run(w, qtbot, epochs=5000)
    qtbot.waitUntil(lambda: len(w.history) >= 1, timeout=30_000)
    w.close()
    w.close_guard.box.button(Button.Save).click()
    assert target.is_file() and not w.isVisible() and not w.training


def test_while_training_no_reconstruction_of_the_shown_samples_runs_on_the_gui_thread(make_main_window, qtbot,
                                                                                         monkeypatch):
    """The AE-vs-PCA line is updated every epoch from errors the training thread computed: reconstructing the
    shown samples on the GUI thread froze the window for ~90 ms an epoch on an MNIST-sized set."""
    import threading

    from aeviewer.core.latent import spaces

    w = make_main_window()
    on_gui: list[int] = []
    real = spaces.reconstruct_array

    def recorded(model, x, *args, **kwargs):
        if threading.current_thread() is threading.main_thread() and w.training:
            on_gui.append(len(x))
        return real(model, x, *args, **kwargs)

    monkeypatch.setattr(spaces, "reconstruct_array", recorded)
    comparisons = []
    show = w.samples.show_comparison
    monkeypatch.setattr(w.samples, "show_comparison", lambda ae, pca, k: (comparisons.append(ae), show(ae, pca, k)))
    _run(w, qtbot, epochs=3000)
    qtbot.waitUntil(lambda: len(comparisons) >= 3, timeout=60_000)  # epochs ended, and the line followed
    w.training_ctl.cancel()
    qtbot.waitUntil(lambda: w.training_ctl.worker is None, timeout=30_000)
    assert len(set(comparisons)) > 1 and [n for n in on_gui if n > 1] == []

