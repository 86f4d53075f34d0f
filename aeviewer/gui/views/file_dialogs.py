"""File dialogs that open in the folder the user last chose for that kind of file.

Every dialog started in the home folder (or the working folder), so saving ten exports meant ten trips
to the same place. The folder is kept per kind ("dataset", "model", "session", "export", ...) in the
window's QSettings, so it also holds across starts.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget


def _key(kind: str) -> str:
    return f"last_folder/{kind}"


def last_folder(settings: QSettings, kind: str) -> str:
    """The folder last chosen for `kind`, if it still exists; else the home folder."""
    value = settings.value(_key(kind), "")
    return value if isinstance(value, str) and value and Path(value).is_dir() else str(Path.home())


def remember_folder(settings: QSettings, kind: str, chosen: str) -> None:
    """Keep the folder of a chosen file (or the chosen folder itself); nothing when the dialog was cancelled."""
    if chosen:
        path = Path(chosen)
        settings.setValue(_key(kind), str(path if path.is_dir() else path.parent))


def open_file(parent: QWidget | None, settings: QSettings, kind: str, title: str, filters: str) -> str:
    name, _ = QFileDialog.getOpenFileName(parent, title, last_folder(settings, kind), filters)
    remember_folder(settings, kind, name)
    return name


def save_file(parent: QWidget | None, settings: QSettings, kind: str, title: str, default_name: str,
              filters: str) -> str:
    name, _ = QFileDialog.getSaveFileName(parent, title, str(Path(last_folder(settings, kind)) / default_name),
                                          filters)
    remember_folder(settings, kind, name)
    return name


def open_folder(parent: QWidget | None, settings: QSettings, kind: str, title: str) -> str:
    folder = QFileDialog.getExistingDirectory(parent, title, last_folder(settings, kind))
    remember_folder(settings, kind, folder)
    return folder
