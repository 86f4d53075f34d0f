"""Start the Qt application: a startup frame at once, the explorer as soon as torch has loaded."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from aeviewer.gui.app.main_window import MainWindow  # imported late at run time: torch loads with it

_KEEP_ALIVE: list[object] = []  # the exception reporter and the window live as long as the app


def run_gui(dataset: str = "digits", model: str | None = None, model_code: str | None = None,
            weights: str | None = None, model_class: str | None = None, follow: str | None = None) -> int:
    import pyqtgraph as pg
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from aeviewer.gui.app.startup import Preloader, StartupFrame, report_startup, warm_up_in_background

    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setApplicationName("aeviewer")
    app.setOrganizationName("aeviewer")
    app.setDesktopFileName("io.github.aeviewer.aeviewer")  # Wayland matches the window to the .desktop file
    pg.setConfigOptions(antialias=True)

    from aeviewer.gui.app.error_hook import install_exception_hook

    reporter, _ = install_exception_hook()
    _KEEP_ALIVE.append(reporter)  # as long as the app runs

    frame = StartupFrame()
    frame.painted.connect(lambda: report_startup("painted"))
    preloader = Preloader()

    def open_explorer() -> None:

        window = start_window(dataset)
        if model:
            window.files.load_model(model)
        if model_code:
            from aeviewer.gui.dialogs.user_model_dialog import open_user_model

            open_user_model(window, model_code, weights, model_class)
        if follow:
            window.files.follow_run(follow)
        window.restoreGeometry(frame.saveGeometry())  # the frame's place and size, maximised too
        window.show()
        frame.close()
        _KEEP_ALIVE.append(window)
        report_startup("ready")
        warm_up_in_background()
        if os.environ.get("AEVIEWER_STARTUP_REPORT") == "exit":
            QTimer.singleShot(0, app.quit)

    preloader.failed.connect(lambda tb: (print(tb, file=sys.stderr), app.exit(1)))
    preloader.finished.connect(open_explorer)
    frame.show()
    preloader.start()
    code = app.exec()
    preloader.wait()
    return code


def run_points(path: str, labels: str | None = None, contours: str = "off") -> int:
    """`aeviewer points FILE.npy`: precomputed coordinates in a points-only window (no dataset, no model)."""
    from pathlib import Path

    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from aeviewer.core.latent.point_codes import load_point_codes
    from aeviewer.gui.actions.points_actions import labels_beside
    from aeviewer.gui.dialogs.points_window import PointsWindow

    codes = load_point_codes(path, labels or labels_beside(Path(path)))  # a bad file: one message, exit 2
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setApplicationName("aeviewer")
    pg.setConfigOptions(antialias=True)
    window = PointsWindow(codes)
    window.contours.setCurrentIndex(max(0, window.contours.findData(contours)))
    window.show()
    _KEEP_ALIVE.append(window)
    return app.exec()


def start_window(dataset_spec: str = "digits") -> MainWindow:
    """The explorer on `dataset_spec`, falling back to digits with a message; offers a crash's recovery."""
    from aeviewer.core.data.loaders import load_dataset
    from aeviewer.core.errors import AeviewerError
    from aeviewer.gui.app.main_window import MainWindow
    from aeviewer.gui.dialogs.recovery_prompt import offer_recovery

    window = MainWindow()
    try:
        window.set_dataset(load_dataset(dataset_spec), baseline_later=True)
        window.state.dataset_spec = dataset_spec
    except AeviewerError as exc:
        window.set_dataset(load_dataset("digits"))
        window.show_error(str(exc))
    offer_recovery(window)
    return window
