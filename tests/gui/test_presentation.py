"""Presentation mode, recordings, sessions and exports, driven as a user drives them (offscreen)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from aeviewer.core.data.images import to_pixels
from aeviewer.core.session.recording import class_centres
from aeviewer.core.train.trainer import TrainConfig, Trainer
from tests.gui import mouse


def train_briefly(window, epochs: int = 1) -> None:
    """Enough training that the weights differ from a fresh window's seeded model."""
    train = window.dataset.split(test=False)
    for _ in Trainer(window.model, train.x, TrainConfig(epochs=epochs, batch_size=64, lr=3e-3, seed=0)).run():
        pass
    window.set_model(window.model)


def test_presentation_keys_move_the_probe_and_space_plays_instead_of_training(make_main_window, qtbot):
    w = make_main_window()
    QTest.keyClick(w, Qt.Key.Key_F11)
    assert w.presentation.presenting and w.isFullScreen()
    assert not w.loss_plot.isVisible() and not w.settings_panel.isVisible()
    view = w.ae_view
    start = view.probe_position()
    (x0, x1), _ = view.plotItem.vb.viewRange()
    QTest.keyClick(view, Qt.Key.Key_Right)
    QTest.keyClick(view, Qt.Key.Key_Right)
    moved = view.probe_position() - start
    assert moved[0] == pytest.approx(2 * 0.04 * (x1 - x0)) and moved[1] == pytest.approx(0)
    QTest.keyClick(view, Qt.Key.Key_Up)
    assert view.probe_position()[1] > start[1]

    centres = class_centres(w.ae_space.points, w.shown.y)
    QTest.keyClick(view, Qt.Key.Key_7)
    assert np.allclose(view.probe_position(), centres[7])
    QTest.keyClick(view, Qt.Key.Key_BracketRight)
    assert np.allclose(view.probe_position(), centres[8])
    QTest.keyClick(view, Qt.Key.Key_BracketLeft)
    QTest.keyClick(view, Qt.Key.Key_BracketLeft)
    assert np.allclose(view.probe_position(), centres[6])
    qtbot.waitUntil(lambda: not w.decoder.pending, timeout=5000)
    expected = to_pixels(w.ae_space.decode_at(view.probe_position()), w.shown.sample_shape)
    assert np.array_equal(w.samples.ae_probe.shown, expected)  # the decode follows the keys

    QTest.keyClick(view, Qt.Key.Key_Space)
    assert w.recordings.playing and not w.training
    QTest.keyClick(view, Qt.Key.Key_Space)
    assert not w.recordings.playing
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert not w.presentation.presenting and w.loss_plot.isVisible()
    assert w.registry["train"].shortcut().toString() == "Space"  # Space trains again outside presentation mode


def test_a_recorded_drag_replays_the_same_decoded_frames(make_main_window, qtbot):
    w = make_main_window()  # the untrained seeded model: its decodes still differ from point to point
    qtbot.wait(20)
    view, rec = w.ae_view, w.recordings
    rec.record_button.click()
    start = mouse.to_pixels(view, view.probe_position())
    mouse.move(view, start, held=False)
    mouse.press(view, start)
    for t in np.linspace(0, 1, 21)[1:]:  # a slow drag, as a hand makes it: ~0.4 s
        mouse.move(view, start + QPointF(120 * t, -60 * np.sin(3 * t)))
        qtbot.wait(20)
    mouse.release(view, start + QPointF(120, -60 * np.sin(3.0)))
    rec.record_button.click()
    path = rec.current_path()
    assert path is not None and len(path) >= 20 and path.duration > 0.3 and path.name == "drag 1"

    def replay() -> list[np.ndarray]:
        frames = []
        rec.frame_shown.connect(lambda _i: (w.decoder.decode_now(), frames.append(w.samples.ae_probe.shown.copy())))
        rec.play(path)
        qtbot.waitUntil(lambda: not rec.playing, timeout=20_000)
        rec.frame_shown.disconnect()
        return frames

    first = replay()
    positions = path.resample(30.0, rec.speed.value())
    assert len(first) == len(positions)
    expected = [to_pixels(w.ae_space.decode_at(p), w.shown.sample_shape) for p in positions]
    assert all(np.array_equal(a, b) for a, b in zip(first, expected, strict=True))
    assert len({a.tobytes() for a in first}) > 3  # it really moved through different decodes
    second = replay()
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def test_a_session_reopens_the_exact_view(make_main_window, qtbot, tmp_path):
    w = make_main_window()
    train_briefly(w)
    w.recordings.tour()
    w.recordings.pause()
    w.select_sample(5)
    w.ae_view.set_probe(np.array([0.3, -0.2]))
    w.ae_view.show_range((-1.5, 2.0), (-1.0, 1.25))
    w.pca_view.set_probe(np.array([1.0, 2.0]))
    w.presentation.set_theme("dark")
    w.decoder.decode_now()
    saved = w.sessions.save(tmp_path / "talk.aev")
    assert saved is not None and saved.exists()

    other = make_main_window()
    assert other.state.theme == "dark"  # the theme is also remembered across launches (QSettings)
    other.presentation.set_theme("light")
    assert other.sessions.open(saved) is True  # same dataset: restored at once
    assert other.state.theme == "dark" and other.selected == 5
    assert np.allclose(other.ae_view.probe_position(), (0.3, -0.2))
    assert np.allclose(other.pca_view.probe_position(), (1.0, 2.0))
    assert np.allclose(other.ae_view.plotItem.vb.viewRange(), [[-1.5, 2.0], [-1.0, 1.25]])
    assert np.allclose(other.pca_view.plotItem.vb.viewRange(), w.pca_view.plotItem.vb.viewRange())
    assert [p.to_dict() for p in other.recordings.paths] == [p.to_dict() for p in w.recordings.paths]
    assert np.array_equal(other.ae_space.codes, w.ae_space.codes)
    assert not np.array_equal(make_main_window().ae_space.codes, w.ae_space.codes)  # not just the same seed
    assert np.array_equal(other.samples.ae_probe.shown, w.samples.ae_probe.shown)
    assert np.array_equal(other.samples.ae_recon.shown, w.samples.ae_recon.shown)


def test_damaged_session_shows_an_error_naming_the_file(make_main_window, tmp_path):
    w = make_main_window()
    bad = tmp_path / "bad.aev"
    bad.write_bytes(b"nope")
    w.files.open_path(bad)
    assert w.last_error is not None and "bad.aev" in w.last_error and "zip" in w.last_error


def test_exports_from_the_window(make_main_window, qtbot, tmp_path):
    import csv

    import imageio.v3 as iio
    from PIL import Image

    from aeviewer.gui.actions import export_actions as png

    w = make_main_window()
    out = png.export_plot_png(w.ae_view, tmp_path / "latent.png")
    width = Image.open(out).size[0]
    assert width >= 2 * w.ae_view.plotItem.sceneBoundingRect().width() - 2
    svg = png.export_plot_svg(w.ae_view, tmp_path / "latent.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert Image.open(png.export_widget_png(w.samples, tmp_path / "s.png")).size[0] == 2 * w.samples.width()
    vectors, metadata = w.exports.export_tsv(tmp_path / "tsv")
    with open(metadata, newline="") as f:
        assert len(list(csv.reader(f, delimiter="\t"))) == len(w.shown) + 1

    w.recordings.speed.setValue(4.0)  # a quick tour keeps the test short
    task = w.recordings.export_animation(tmp_path / "tour.gif", fps=10, show_dialog=True)
    with qtbot.waitSignal(task.finished, timeout=60_000):
        pass
    frames = iio.imread(tmp_path / "tour.gif", index=None)
    tour = w.recordings.current_path()
    assert frames.shape[1:] == (480, 960, 3)
    # held frames at a class centre are merged into one longer GIF frame; the moving ones all stay
    assert 0 < len(frames) <= tour.frame_count(10.0, 4.0)


def test_window_geometry_and_theme_are_remembered_across_launches(make_main_window):
    first = make_main_window()
    first.presentation.set_theme("dark")
    first.resize(700, 520)  # within the offscreen screen, which restoreGeometry clamps to
    size = (first.width(), first.height())  # what the window's minimum size allowed
    first.close()
    second = make_main_window()
    assert (second.width(), second.height()) == size
    assert second.state.theme == "dark" and second.presentation.theme_actions["dark"].isChecked()


def test_cancelling_an_animation_export_writes_nothing_and_is_not_an_error(make_main_window, qtbot, tmp_path):
    w = make_main_window()
    task = w.recordings.export_animation(tmp_path / "tour.mp4", fps=25)
    from PySide6.QtWidgets import QPushButton

    # The click is inside the block: a cancelled export can end before a later waitSignal would connect
    # (it did once in CI from a clean clone), and QThread.finished is not emitted twice.
    with qtbot.waitSignal(task.finished, timeout=60_000):
        w.recordings.export_dialog_box.findChild(QPushButton).click()  # the progress dialog's Cancel button
    assert task.cancel_event.is_set()
    assert list(tmp_path.glob("*.mp4")) == [] and not list(tmp_path.glob(".tour*"))
    assert w.last_error is None and "cancelled" in w.statusBar().currentMessage()


def test_opening_a_session_for_another_dataset_loads_it_in_the_background(make_main_window, qtbot, tmp_path):
    from aeviewer.core.data.dataset import Dataset

    w = make_main_window()
    w.ae_view.set_probe(np.array([0.5, 0.25]))
    saved = w.sessions.save(tmp_path / "digits.aev")
    rng = np.random.default_rng(0)
    other = make_main_window(Dataset("noise", rng.random((60, 16)).astype(np.float32), source="noise"))
    task = other.sessions.open(saved)
    qtbot.waitUntil(lambda: other.dataset.name == "digits", timeout=30_000)
    assert task is not True and other.last_error is None
    assert np.allclose(other.ae_view.probe_position(), (0.5, 0.25))
    assert str(saved) == (other.settings.value("recent") or [None])[0]  # and it is a recent file now


def test_brackets_jump_to_the_ends_of_the_interpolation_path(make_main_window, qtbot):
    w = make_main_window()
    for index in (4, 40):  # two clicked samples are the path's ends (Explore ▸ Path)
        w.ae_view.point_clicked.emit(index)
    assert w.explore.path_codes is not None
    QTest.keyClick(w, Qt.Key.Key_F11)
    view = w.ae_view
    QTest.keyClick(view, Qt.Key.Key_BracketRight)
    np.testing.assert_allclose(view.probe_position(), w.ae_space.points[40], atol=1e-4)
    QTest.keyClick(view, Qt.Key.Key_BracketLeft)
    np.testing.assert_allclose(view.probe_position(), w.ae_space.points[4], atol=1e-4)
    QTest.keyClick(view, Qt.Key.Key_Escape)
