"""File ▸ Open 2-D points: precomputed coordinates (an .npy) shown in their own points-only window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from aeviewer.core.latent.point_codes import PointCodes, load_point_codes
from aeviewer.gui.dialogs.points_window import PointsWindow
from aeviewer.gui.workers.background import BackgroundTask

if TYPE_CHECKING:
    from aeviewer.gui.app.main_window import MainWindow

POINTS_FILTER = "2-D points or codes (*.npy);;All files (*)"


def labels_beside(path: Path) -> Path | None:
    """`codes_labels.npy` or `codes.labels.npy` next to `codes.npy`: the labels, when the user saved them so."""
    for candidate in (path.with_name(f"{path.stem}_labels.npy"), path.with_name(f"{path.stem}.labels.npy")):
        if candidate.is_file():
            return candidate
    return None


def open_points(w: MainWindow, path: str | Path) -> BackgroundTask:
    """Load off the GUI thread (a D-dim file is projected), then show the points window; a bad file: one message."""
    path = Path(path)
    task = BackgroundTask(load_point_codes, path, labels_beside(path))
    task.succeeded.connect(lambda codes: show_points(w, codes))
    return w.start_task(task)


def show_points(w: MainWindow, codes: PointCodes) -> PointsWindow:
    window = PointsWindow(codes, w)
    w.points_windows.append(window)
    window.destroyed.connect(lambda *_: w.points_windows.remove(window) if window in w.points_windows else None)
    window.show()
    return window


def open_points_dialog(w: MainWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(w, "Open 2-D points or codes", "", POINTS_FILTER)
    if path:
        open_points(w, path)
