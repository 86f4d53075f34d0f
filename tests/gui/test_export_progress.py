"""The GIF export's progress covers the encoding: it said 99 % for the ~15 s the file took to write."""

from __future__ import annotations


def test_the_progress_dialog_counts_and_names_the_encoding(make_main_window, qtbot, tmp_path, monkeypatch):
    w = make_main_window()
    panel, seen = w.recordings, []
    update = panel._show_export_progress

    def recorded(done, total):  # what the dialog shows after each update
        update(done, total)
        box = panel.export_dialog_box
        seen.append((box.value() if box.value() >= 0 else box.maximum(), box.maximum(), box.labelText()))

    monkeypatch.setattr(panel, "_show_export_progress", recorded)
    panel.speed.setValue(4.0)  # a quick tour keeps the test short
    task = panel.export_animation(tmp_path / "tour.gif", fps=10, show_dialog=True)
    with qtbot.waitSignal(task.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][0] == seen[-1][1], timeout=5_000)
    total = seen[-1][1]
    frames = max(done for done, _, label in seen if "Encoding" not in label)
    assert frames < total and (tmp_path / "tour.gif").is_file()
    assert any("Encoding tour.gif" in label and done < total for done, _, label in seen), seen[-4:]
