"""Start the Qt application and the explorer window."""

from __future__ import annotations

import sys


def run_gui(dataset: str = "digits", model: str | None = None, model_code: str | None = None,
            weights: str | None = None, model_class: str | None = None) -> int:
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("aeviewer")
    app.setOrganizationName("aeviewer")
    pg.setConfigOptions(antialias=True)

    from aeviewer.gui.main_window import start_window

    window = start_window(dataset)
    if model:
        window.load_model(model)
    if model_code:
        from aeviewer.gui.user_model_dialog import open_user_model

        open_user_model(window, model_code, weights, model_class)
    window.show()
    return app.exec()
