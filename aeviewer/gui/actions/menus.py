"""The window's actions as one list, and the menus that show them (the toolbar reads the same registry)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from aeviewer.gui.actions.compare_actions import open_compare_window
from aeviewer.gui.actions.density_menu import add_contour_menu
from aeviewer.gui.actions.file_actions import DOWNLOADABLE
from aeviewer.gui.actions.points_actions import open_points_dialog
from aeviewer.gui.actions.registry import SEPARATOR, ActionRegistry, ActionSpec, not_training
from aeviewer.gui.dialogs.user_model_dialog import open_user_model_dialog

if TYPE_CHECKING:
    from aeviewer.gui.app.main_window import MainWindow

Key = QKeySequence.StandardKey


def build_actions(w: MainWindow) -> ActionRegistry:
    files, training, rec = w.files, w.training_ctl, w.recordings
    registry = ActionRegistry(w, w.state)
    specs = [
        ActionSpec("open_dataset", "&Open dataset file…", files.open_dataset_dialog, Key.Open, "open-dataset",
                   "Open a dataset file (Ctrl+O)"),
        ActionSpec("open_folder", "Open dataset &folder…", files.open_folder_dialog),
        *(ActionSpec(f"get_{key}", f"{title} (download)…", partial(files.download_dataset, key))
          for key, title in DOWNLOADABLE.items()),
        ActionSpec("load_model", "&Load model…", files.load_model_dialog, "Ctrl+L", "load-model",
                   "Load model… (Ctrl+L)"),
        ActionSpec("open_user_model", "Open &your own model (.py + weights)…", lambda: open_user_model_dialog(w)),
        ActionSpec("save_model", "&Save model…", files.save_model_dialog, Key.Save, "save-model",
                   "Save the model (Ctrl+S)", enabled_when=not_training),
        ActionSpec("follow_run", "F&ollow run…", files.follow_run_dialog),
        ActionSpec("open_points", "Open 2-D &points (.npy)…", partial(open_points_dialog, w),
                   tip="Precomputed coordinates or codes, every point drawn; no decoder"),
        ActionSpec("quit", "&Quit", w.close, Key.Quit),
        ActionSpec("train", "&Train / pause", training.train_or_pause, QKeySequence(Qt.Key.Key_Space), "train",
                   "Train, or pause training (Space)"),
        ActionSpec("cancel", "&Cancel", training.cancel, QKeySequence(Qt.Key.Key_Escape), "cancel",
                   "Cancel training (Esc)"),
        ActionSpec("fit_views", "&Fit views to data", w.fit_views, "Ctrl+0", "fit-views", "Fit views (Ctrl+0)"),
        ActionSpec("record", "&Record probe path", lambda: rec.set_recording(not rec.record_button.isChecked()),
                   "Ctrl+R"),
        ActionSpec("tour", "&Tour class centres", rec.tour, "Ctrl+T"),
        ActionSpec("compare", "Co&mpare models…", lambda: open_compare_window(w),
                   tip="Several models and PCA on this dataset, in linked views, with a comparison table"),
        ActionSpec("readme", "&User guide (README)", w.show_readme, Key.HelpContents),
        ActionSpec("about", "&About aeviewer", w.show_about, icon="about"),
    ]
    for spec in specs:
        registry.add(spec)
    return registry


def build_menus(w: MainWindow) -> None:
    bar, actions = w.menuBar(), w.registry
    file_menu = bar.addMenu("&File")
    actions.fill(file_menu, ["open_dataset", "open_folder", "open_points"])
    actions.fill(file_menu.addMenu("&Get dataset"), [f"get_{key}" for key in DOWNLOADABLE])
    actions.fill(file_menu, [SEPARATOR, "load_model", "open_user_model", "save_model", "follow_run"])
    file_menu.addAction(w.sessions.open_action)
    file_menu.addAction(w.sessions.save_action)
    file_menu.addSeparator()
    w.files.recent_menu = file_menu.addMenu("&Recent files")
    w.files.refresh_recent_menu()
    actions.fill(file_menu, [SEPARATOR, "quit"])
    actions.fill(bar.addMenu("&Training"), ["train", "cancel"])
    view_menu = bar.addMenu("&View")
    actions.fill(view_menu, ["fit_views", "record", "tour", "compare"])
    w.contour_actions = add_contour_menu(view_menu, (w.ae_view, w.pca_view))
    w.presentation.add_to_menu(view_menu)
    w.help_menu = bar.addMenu("&Help")
    actions.fill(w.help_menu, ["readme", "about"])
