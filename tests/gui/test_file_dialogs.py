"""File dialogs open where the user last chose a file of that kind, also after a restart (QSettings)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog

from aeviewer.gui.views.file_dialogs import last_folder, open_file


def test_the_save_session_dialog_opens_where_the_last_session_went(make_main_window, tmp_path, monkeypatch):
    starts, folder = [], tmp_path / "talks"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, title, start, filters: (starts.append(start), (str(folder / "a.aev"), ""))[1])
    w = make_main_window()
    w.sessions.save_dialog()
    w.sessions.save_dialog()
    assert Path(starts[0]).parent == Path.home() and starts[1] == str(folder / "session.aev")
    assert (folder / "a.aev").is_file()


def test_each_kind_keeps_its_own_folder_and_a_cancel_or_a_vanished_folder_falls_back(tmp_path, monkeypatch, qtbot):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    data = tmp_path / "data"
    data.mkdir()
    answer = [str(data / "x.npy")]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (answer[0], ""))
    assert open_file(None, settings, "dataset", "Open", "*") == str(data / "x.npy")
    assert last_folder(settings, "dataset") == str(data) and last_folder(settings, "model") == str(Path.home())
    answer[0] = ""  # cancelled: the folder stays
    open_file(None, settings, "dataset", "Open", "*")
    assert last_folder(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), "dataset") == str(data)
    data.rmdir()
    assert last_folder(settings, "dataset") == str(Path.home())
