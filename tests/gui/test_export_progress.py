"""The GIF export's progress covers the encoding: it said 99 % for the ~15 s the file took to write."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_the_progress_dialog_counts_and_names_the_encoding(make_main_window, qtbot, tmp_path):
    w = make_main_window()
    w.recordings.speed.setValue(4.0)  # a quick tour keeps the test short
    task = w.recordings.export_animation(tmp_path / "tour.gif", fps=10, show_dialog=True)
    dialog, seen = w.recordings.export_dialog_box, []
    task.progressed.connect(lambda done, total: seen.append((int(done), int(total), dialog.labelText())),
                            Qt.ConnectionType.QueuedConnection)  # after the dialog's own update
    with qtbot.waitSignal(task.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][0] == seen[-1][1], timeout=5_000)
    total = seen[-1][1]
    frames = max(done for done, _, label in seen if "Encoding" not in label)
    assert frames < total and (tmp_path / "tour.gif").is_file()
    assert any("Encoding tour.gif" in label and done < total for done, _, label in seen)
