"""The two crash paths of issue 16, replayed as the user drove them: neither may crash nor stack up dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from aeviewer.core.errors import AeviewerError


def visible_top_levels() -> int:
    return sum(1 for w in QApplication.topLevelWidgets() if w.isVisible())


def error_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def quick_tsne(real):
    """t-SNE of wide codes stood in by their PCA plane (the real one takes a minute on a loaded CI core);
    narrow codes go to the real `fit_embedding`, whose fallback is under test."""
    from aeviewer.core.latent.embedding import pca_embedding

    def fit(method, codes, **kwargs):
        if method == "tsne" and codes.shape[1] > 2:
            embedding = pca_embedding(codes)
            embedding.method, embedding.label = "tsne", f"t-SNE of {codes.shape[1]}-D codes"
            return embedding
        return real(method, codes, **kwargs)

    return fit


def test_tsne_on_a_64d_code_then_training_a_1d_code_falls_back_to_a_strip(make_main_window, qtbot, monkeypatch):
    import aeviewer.gui.panels.explore_tabs as explore_tabs
    from tests.gui.test_explore_dock import wide_model

    monkeypatch.setattr(explore_tabs, "fit_embedding", quick_tsne(explore_tabs.fit_embedding))
    w = make_main_window()
    panel, dock = w.settings_panel, w.explore
    panel.latent.setValue(64)
    wide_model(w, latent_dim=64)  # as trained with latent 64 (the training itself is not what failed)
    dock.projection.method.setCurrentIndex(dock.projection.method.findData("tsne"))
    qtbot.waitUntil(lambda: w.ae_space.projection.method == "tsne" and dock.task is None, timeout=90_000)
    before = visible_top_levels()
    panel.latent.setValue(1)
    panel.epochs.setValue(1)
    w.training_ctl.start()  # a fresh 1-D model; t-SNE cannot run on one column
    qtbot.waitUntil(lambda: w.training, timeout=10_000)
    qtbot.waitUntil(lambda: not w.training and w.training_ctl.worker is None, timeout=60_000)
    qtbot.waitUntil(lambda: w.ae_space.projection.method == "tsne", timeout=10_000)
    for _ in range(20):  # a re-opening dialog would show up over these event-loop passes
        QApplication.processEvents()
    assert dock.task is None and w.last_error is None
    assert not error_boxes() and visible_top_levels() <= before
    assert w.ae_space.latent_dim == 1
    assert "wider than 2-D" in dock.projection.note.text()
    assert "sample index" in w.ae_view.plotItem.titleLabel.text


def test_a_projection_that_fails_is_reported_once_and_not_retried(make_main_window, qtbot, monkeypatch):
    import aeviewer.gui.panels.explore_tabs as explore_tabs
    from tests.gui.test_explore_dock import wide_model

    w = make_main_window()
    wide_model(w, latent_dim=4)
    calls = []

    def failing(method, codes, **_kwargs):
        calls.append(method)
        raise AeviewerError("t-SNE broke on these codes.")

    monkeypatch.setattr(explore_tabs, "fit_embedding", failing)
    dock = w.explore
    dock.projection.method.setCurrentIndex(dock.projection.method.findData("tsne"))
    qtbot.waitUntil(lambda: dock.task is None and w.last_error is not None, timeout=10_000)
    for _ in range(20):
        QApplication.processEvents()
    assert calls == ["tsne"] and len(error_boxes()) == 1
    assert dock.projection.current_method() == "pca" and w.state.projection == "pca"
    assert "failed" in dock.projection.note.text()


def test_keys_after_touring_class_centres_reach_their_shortcuts(make_main_window, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (asked.append(a[1]), ("", ""))[1])
    w = make_main_window()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5_000)  # window shortcuts need the active window
    qtbot.mouseClick(w.recordings.tour_button, Qt.MouseButton.LeftButton)
    for target in (w.recordings.tour_button, w.recordings):  # whatever holds the focus after the click
        target.setFocus()
        qtbot.keyClick(target, Qt.Key.Key_X)  # raised "'MainWindow' object is not callable" in the key filter
        qtbot.keyClick(target, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=5_000)
    assert asked == ["Save session", "Save session"] and w.last_error is None
