"""The explorer window driven as a user drives it: real widgets, synthetic mouse events, offscreen."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from aeviewer.core.data.images import to_pixels
from aeviewer.core.state import Status
from aeviewer.core.train.trainer import TrainConfig, Trainer
from tests.gui import mouse
from tests.gui.closing import close_discarding


def train_quickly(window, epochs: int = 15) -> None:
    """Train the window's model in the test thread (the GUI path is tested separately)."""
    train = window.dataset.split(test=False)
    for _ in Trainer(window.model, train.x, TrainConfig(epochs=epochs, batch_size=64, lr=3e-3)).run():
        pass
    window.set_model(window.model)


def pixels_of(window, sample) -> np.ndarray:
    return to_pixels(sample, window.shown.sample_shape)


def test_opens_on_digits_with_both_views_populated(make_main_window):
    w = make_main_window()
    assert w.dataset.name == "digits"
    assert len(w.ae_view.points()) == len(w.shown) > 300
    assert len(w.pca_view.points()) == len(w.shown)
    w.decoder.decode_now()
    assert w.samples.ae_probe.shown is not None and w.samples.pca_probe.shown is not None
    assert "PCA" in w.samples.comparison.text()


def test_dragging_the_probe_decodes_the_point_where_the_mouse_was_released(make_main_window, qtbot):
    w = make_main_window()
    train_quickly(w)
    view = w.ae_view
    qtbot.wait(20)  # let the layout settle, as it has long before a person starts dragging
    w.decoder.decode_now()
    before = w.samples.ae_probe.shown.copy()
    start = mouse.to_pixels(view, view.probe_position())
    end = start + QPointF(90, -70)
    mouse.drag(view, start, end, steps=15)
    released_at = mouse.to_data(view, end)
    qtbot.waitUntil(lambda: not w.decoder.pending, timeout=2000)

    pixel = np.abs(np.array(view.plotItem.vb.viewPixelSize()))
    assert np.all(np.abs(view.probe_position() - released_at) <= 1.5 * pixel)
    with torch.inference_mode():
        z = torch.from_numpy(w.ae_space.code_at(view.probe_position())).view(1, -1)
        expected = w.model.decode(z)[0].numpy()
    shown = w.samples.ae_probe.shown
    assert not np.array_equal(shown, before), "the reconstruction did not change"
    assert np.array_equal(shown, pixels_of(w, expected))


def test_a_burst_of_moves_is_decoded_once_at_the_newest_position(make_main_window, qtbot):
    w = make_main_window()
    w.decoder.decode_now()
    decodes = w.decoder.decode_count
    view = w.ae_view
    start = mouse.to_pixels(view, view.probe_position())
    # All 40 moves arrive before the event loop runs: no lag may build up. The first is decoded in its own
    # handler (a drag paints its picture ahead of queued work); the rest come once, at the newest position.
    mouse.drag(view, start, start + QPointF(-60, 40), steps=40)
    qtbot.waitUntil(lambda: w.decoder.decode_count > decodes + 1, timeout=2000)
    qtbot.wait(50)
    assert w.decoder.decode_count - decodes == 2
    expected = pixels_of(w, w.ae_space.decode_at(view.probe_position()))
    assert np.array_equal(w.samples.ae_probe.shown, expected)


def test_a_drag_move_shows_its_picture_before_the_event_loop_runs_again(make_main_window):
    """While training, snapshots and loss-plot repaints wait in the queue: a drag's picture must not wait
    behind them, so each move decodes (and paints) in its own handler, in either view."""
    w = make_main_window()
    w.decoder.decode_now()
    for view, pane, space in ((w.ae_view, w.samples.ae_probe, w.ae_space),
                              (w.pca_view, w.samples.pca_probe, w.state.pca_space)):
        start = mouse.to_pixels(view, view.probe_position())
        mouse.move(view, start, held=False)
        mouse.press(view, start)
        QApplication.processEvents()  # the press's pass is over; the move below comes in a later one
        before = pane.shown.copy()
        mouse.move(view, start + QPointF(40, -30))
        # No event-loop pass in between: the picture is already the one at the probe's new position.
        expected = pixels_of(w, space.decode_at(view.probe_position()))
        assert not np.array_equal(expected, before) and np.array_equal(pane.shown, expected)
        mouse.release(view, start + QPointF(40, -30))
        QApplication.processEvents()


def slowed(model, seconds: float, threads_seen: list[int]):
    """The model with a decoder too slow for a frame (a large user model, say), noting each decode's thread."""
    import threading
    import time

    fast = model.decode

    def decode(z):
        threads_seen.append(threading.get_ident())
        time.sleep(seconds)
        return fast(z)

    model.decode = decode
    return model


def test_a_slow_decoder_runs_off_the_gui_thread_and_shows_the_newest_position(make_main_window, qtbot):
    import threading

    w = make_main_window()
    threads_seen: list[int] = []
    w.set_model(slowed(w.model, 0.025, threads_seen))
    assert w.decoder.off_thread and w.decoder.decode_cost_ms >= 25
    w.decoder.decode_now()
    threads_seen.clear()
    release = threading.Event()
    decode = w.model.decode
    w.model.decode = lambda z: (release.wait(10), decode(z))[1]  # the first background decode lasts the drag
    view = w.ae_view
    start = mouse.to_pixels(view, view.probe_position())
    end = start + QPointF(-70, 50)
    mouse.move(view, start, held=False)
    mouse.press(view, start)
    for t in np.linspace(0, 1, 31)[1:]:  # 30 moves, each decode requested in its own event-loop pass
        mouse.move(view, start + (end - start) * float(t))
        qtbot.wait(1)
    mouse.release(view, end)
    qtbot.wait(5)
    release.set()
    runner = w.decoder.runner
    qtbot.waitUntil(lambda: runner.idle() and not w.decoder.pending, timeout=5_000)
    qtbot.wait(20)  # deliver the last result
    assert threading.get_ident() not in threads_seen, "the GUI thread ran the slow decode"
    # The decode running during the drag, then the newest position: every position in between was dropped.
    assert len(threads_seen) == 2 and runner.dropped >= 20
    expected = pixels_of(w, w.ae_space.decode_at(view.probe_position()))
    assert np.array_equal(w.samples.ae_probe.shown, expected)


def test_a_late_background_result_never_replaces_a_newer_picture(make_main_window, qtbot):
    import threading

    w = make_main_window()
    w.set_model(slowed(w.model, 0.01, []))
    assert w.decoder.off_thread
    entered, release = threading.Event(), threading.Event()
    decode = w.model.decode

    def held(z):  # background decodes wait for the test; the GUI thread's go straight through
        if threading.current_thread() is not threading.main_thread():
            entered.set()
            release.wait(10)
        return decode(z)

    w.model.decode = held
    points = w.ae_space.points
    w.ae_view.set_probe(points[0])
    qtbot.waitUntil(entered.is_set, timeout=5_000)  # points[0] is being decoded in the background...
    w.ae_view.set_probe(points[1])
    w.decoder.decode_now()  # ...when an export asks for the picture at points[1] at once
    newest = w.samples.ae_probe.shown.copy()
    release.set()  # now the older result arrives
    qtbot.waitUntil(lambda: w.decoder.runner.idle(), timeout=5_000)
    qtbot.wait(20)
    assert np.array_equal(w.samples.ae_probe.shown, newest)
    assert np.array_equal(newest, pixels_of(w, w.ae_space.decode_at(points[1])))


def test_a_fast_decoder_stays_on_the_gui_thread(make_main_window):
    w = make_main_window()
    assert not w.decoder.off_thread and w.decoder.decode_cost_ms < 4.0


def test_clicking_a_point_shows_that_sample_and_its_reconstructions(make_main_window, qtbot):
    w = make_main_window()
    train_quickly(w, epochs=5)
    view = w.ae_view
    # Pick a sample whose dot is not covered by another one.
    pts = w.ae_space.points
    far = [i for i in range(len(pts)) if np.sort(np.linalg.norm(pts - pts[i], axis=1))[1] > 0.05 * np.ptp(pts)]
    target = far[0] if far else 0
    mouse.click(view, mouse.to_pixels(view, pts[target]))
    qtbot.waitUntil(lambda: w.selected is not None, timeout=2000)
    i = w.selected
    assert i == target
    assert np.array_equal(w.samples.original.shown, pixels_of(w, w.shown.x[i]))
    assert np.array_equal(w.samples.ae_recon.shown, pixels_of(w, w.ae_space.reconstruction(i)))
    assert np.array_equal(w.samples.pca_recon.shown, pixels_of(w, w.pca_space.reconstruction(i)))
    assert "MSE" in w.samples.ae_recon.caption.text()
    # Highlighted in both views.
    assert len(w.ae_view.highlight.data) == 1 and len(w.pca_view.highlight.data) == 1
    assert np.allclose(w.pca_view.probe_position(), w.pca_space.points[i], atol=1e-5)


def test_dragging_in_the_pca_panel_shows_the_pca_inverse(make_main_window, qtbot):
    w = make_main_window()
    view = w.pca_view
    w.decoder.decode_now()
    before = w.samples.pca_probe.shown.copy()
    start = mouse.to_pixels(view, view.probe_position())
    end = start + QPointF(70, 50)
    mouse.drag(view, start, end)
    qtbot.waitUntil(lambda: not w.decoder.pending, timeout=2000)
    xy = view.probe_position()
    assert np.allclose(xy, mouse.to_data(view, end), atol=2 * np.abs(view.plotItem.vb.viewPixelSize()).max())
    expected = w.pca_space.baseline.inverse_transform(xy.reshape(1, -1))[0]
    assert not np.array_equal(w.samples.pca_probe.shown, before)
    assert np.array_equal(w.samples.pca_probe.shown, pixels_of(w, expected))


def test_clicking_empty_space_moves_the_probe_there(make_main_window, qtbot):
    w = make_main_window()
    view = w.ae_view
    view.plotItem.vb.setRange(xRange=(-100, 100), yRange=(-100, 100), padding=0)  # the data shrinks to the centre
    qtbot.wait(20)
    corner = QPointF(view.viewport().width() * 0.75, view.viewport().height() * 0.75)
    mouse.click(view, corner)
    qtbot.waitUntil(lambda: not w.decoder.pending, timeout=2000)
    assert np.allclose(view.probe_position(), mouse.to_data(view, corner),
                       atol=2 * np.abs(view.plotItem.vb.viewPixelSize()).max())


def test_train_then_cancel_from_the_buttons(make_main_window, qtbot):
    w = make_main_window()
    w.settings_panel.epochs.setValue(2000)
    qtbot.mouseClick(w.settings_panel.train_button, Qt.MouseButton.LeftButton)
    assert w.training
    qtbot.waitUntil(lambda: w.loss_plot.point_count() >= 3, timeout=20_000)
    first_codes = w.ae_space.codes.copy()
    qtbot.waitUntil(lambda: not np.array_equal(w.ae_space.codes, first_codes), timeout=10_000)
    qtbot.mouseClick(w.settings_panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.training and w.training_ctl.worker is None, timeout=10_000)
    assert 0 < len(w.history) < 2000
    assert "Stopped" in w.settings_panel.status.text()
    assert w.settings_panel.train_button.isEnabled()


def test_pause_stops_progress_and_resume_continues(make_main_window, qtbot):
    w = make_main_window()
    w.settings_panel.epochs.setValue(2000)
    w.training_ctl.start()
    worker = w.training_ctl.worker
    qtbot.waitUntil(lambda: w.loss_plot.point_count() >= 2, timeout=20_000)
    with qtbot.waitSignal(worker.paused, timeout=10_000):  # the Trainer has stopped between steps
        qtbot.mouseClick(w.settings_panel.pause_button, Qt.MouseButton.LeftButton)
    assert w.state.status is Status.PAUSED and w.settings_panel.pause_button.isChecked()
    assert "Paused" in w.settings_panel.status.text()
    paused_at, position = w.loss_plot.point_count(), worker.trainer.position
    QApplication.processEvents()  # everything the thread sent before it stopped has arrived: nothing more comes
    assert w.loss_plot.point_count() == paused_at and worker.trainer.position == position
    with qtbot.waitSignal(worker.resumed, timeout=10_000):
        qtbot.mouseClick(w.settings_panel.pause_button, Qt.MouseButton.LeftButton)
    assert w.state.status is Status.TRAINING and not w.settings_panel.pause_button.isChecked()
    qtbot.waitUntil(lambda: w.loss_plot.point_count() > paused_at, timeout=10_000)
    w.training_ctl.cancel()
    qtbot.waitUntil(lambda: w.training_ctl.worker is None, timeout=10_000)


def test_space_pauses_and_a_cancel_while_paused_stops_cleanly(make_main_window, qtbot):
    w = make_main_window()
    w.settings_panel.epochs.setValue(2000)
    w.training_ctl.start()
    worker = w.training_ctl.worker
    with qtbot.waitSignal(worker.paused, timeout=20_000):
        w.training_ctl.train_or_pause()  # what Space does while training
    assert w.state.status is Status.PAUSED and w.settings_panel.pause_button.isChecked()
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        qtbot.mouseClick(w.settings_panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.training_ctl.worker is None, timeout=10_000)
    assert w.state.status is Status.IDLE and not w.settings_panel.pause_button.isChecked()
    assert "Stopped" in w.settings_panel.status.text()


def test_closing_the_window_during_training_stops_the_worker(make_main_window, qtbot):
    w = make_main_window()
    w.settings_panel.epochs.setValue(5000)
    w.training_ctl.start()
    worker = w.training_ctl.worker
    qtbot.waitUntil(lambda: w.loss_plot.point_count() >= 1, timeout=20_000)
    close_discarding(w)  # the close asks first while training
    assert worker.isFinished()


def test_a_saved_model_loads_back_with_the_same_codes(make_main_window, tmp_path):
    w = make_main_window()
    train_quickly(w, epochs=5)
    codes = w.ae_space.codes.copy()
    path = tmp_path / "digits-ae.safetensors"
    assert w.files.save_model(path)
    w.set_dataset(w.dataset)  # a fresh untrained model
    assert not np.allclose(w.ae_space.codes, codes)
    assert w.files.load_model(path)
    np.testing.assert_array_equal(w.ae_space.codes, codes)
    assert w.last_error is None


def test_a_bad_dataset_file_gives_an_error_and_the_app_goes_on(make_main_window, qtbot, tmp_path):
    w = make_main_window()
    bad = tmp_path / "broken.npy"
    bad.write_bytes(b"this is not a numpy file")
    w.files.open_path(bad)
    qtbot.waitUntil(lambda: w.last_error is not None, timeout=5000)
    assert "broken.npy" in w.last_error
    assert w.dataset.name == "digits"
    w.ae_view.set_probe(np.array([0.5, -0.5]))
    w.decoder.decode_now()
    assert w.samples.ae_probe.shown is not None


@pytest.mark.parametrize("content", [b"", b"\x00" * 64])
def test_a_bad_model_file_gives_an_error_naming_it(make_main_window, tmp_path, content):
    w = make_main_window()
    bad = tmp_path / "model.safetensors"
    bad.write_bytes(content)
    model = w.model
    assert not w.files.load_model(bad)
    assert "model.safetensors" in w.last_error
    assert w.model is model


def test_a_model_for_other_inputs_is_refused(make_main_window, tmp_path):
    from aeviewer.core.models import ModelConfig, build_model
    from aeviewer.core.train.checkpoint import save_checkpoint

    w = make_main_window()
    path = save_checkpoint(tmp_path / "mnist.safetensors", build_model(ModelConfig(input_shape=(1, 28, 28))))
    assert not w.files.load_model(path)
    assert "28" in w.last_error and "mnist.safetensors" in w.last_error


def test_opening_a_dataset_switches_both_views(make_main_window, qtbot, tmp_path, monkeypatch):
    import threading

    from aeviewer.core.latent.pca import PcaBaseline

    w = make_main_window()
    rng = np.random.default_rng(0)
    path = tmp_path / "blobs.npz"
    np.savez(path, x=rng.random((200, 1, 6, 6), dtype=np.float32), y=rng.integers(0, 3, 200))
    fitted_on: list[int] = []
    fit = PcaBaseline.fit
    monkeypatch.setattr(PcaBaseline, "fit", lambda self, *a, **k: (fitted_on.append(threading.get_ident()),
                                                                    fit(self, *a, **k))[1])
    w.files.open_path(path)
    qtbot.waitUntil(lambda: w.dataset.name != "digits", timeout=20_000)  # a background load; slow when CI is busy
    assert w.shown.sample_shape == (1, 6, 6)
    assert len(w.ae_view.points()) == len(w.shown) == len(w.pca_view.points())
    assert w.model.config.input_shape == (1, 6, 6)
    assert str(path) in w.settings.value("recent")
    # The PCA baseline (plane and error at the code size) was fitted with the load, not by the window.
    assert fitted_on and threading.get_ident() not in fitted_on
    assert "PCA" in w.samples.comparison.text()


def test_at_start_the_autoencoder_side_is_ready_first_and_pca_fills_in(make_main_window, qtbot):
    from aeviewer.core.data.loaders import load_dataset

    w = make_main_window()
    w.set_dataset(load_dataset("digits"), baseline_later=True)  # as the app starts
    assert w.pca_space is None and "fitting" in w.pca_view.plotItem.titleLabel.text
    assert len(w.ae_view.points()) == len(w.shown) and w.model is not None  # ready to train and explore
    assert "Fitting" in w.samples.comparison.text()
    w.select_sample(3)  # a click before PCA is ready shows what there is
    assert w.samples.ae_recon.shown is not None and w.samples.pca_recon.shown is None
    qtbot.waitUntil(lambda: w.pca_space is not None, timeout=20_000)
    assert len(w.pca_view.points()) == len(w.shown) and "fitting" not in w.pca_view.plotItem.titleLabel.text
    assert w.samples.pca_recon.shown is not None  # the selection's PCA reconstruction filled in
    assert "PCA" in w.samples.comparison.text()


def test_help_is_the_last_menu(make_main_window):
    w = make_main_window()
    titles = [a.text().replace("&", "") for a in w.menuBar().actions()]
    assert titles[0] == "File" and titles[-1] == "Help" and "Export" in titles


def test_the_status_says_loading_while_a_dataset_loads_then_idle(make_main_window, qtbot, tmp_path):
    from aeviewer.core.state import Status

    w = make_main_window()
    np.save(tmp_path / "blobs.npy", np.random.default_rng(0).random((60, 5), dtype=np.float32))
    seen: list[Status] = []
    w.state.events.status.connect(seen.append)
    task = w.files.load_dataset_async(str(tmp_path / "blobs.npy"))
    qtbot.waitUntil(task.isFinished, timeout=20_000)
    qtbot.waitUntil(lambda: w.state.status == Status.IDLE, timeout=5_000)
    assert seen == [Status.LOADING, Status.IDLE] and w.state.dataset.sample_shape == (5,)
