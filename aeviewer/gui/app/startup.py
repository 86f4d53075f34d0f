"""A window on screen at once, while torch and scikit-learn load in the background.

Qt and pyqtgraph import in a fraction of a second; torch and scikit-learn take seconds. The startup
frame is painted first and stays responsive; the explorer replaces it, at the same place and size,
as soon as the heavy modules are in.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time

from PySide6.QtCore import QByteArray, QSettings, Qt, QThread, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QVBoxLayout, QWidget

from aeviewer.gui.app.window_layout import start_size


class StartupFrame(QMainWindow):
    painted = Signal()

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("aeviewer — latent-space explorer")
        self.resize(start_size(self))  # where the explorer will be: within the screen, or as last time
        settings = settings if settings is not None else QSettings("aeviewer", "aeviewer")  # the window's own
        geometry = settings.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addStretch(1)
        title = QLabel("<h1>aeviewer</h1>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel("Loading PyTorch and the digits dataset…")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        busy = QProgressBar()
        busy.setRange(0, 0)
        busy.setMaximumWidth(320)
        layout.addWidget(title)
        layout.addWidget(self.message)
        layout.addWidget(busy, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.setCentralWidget(body)
        self._announced = False

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._announced:
            self._announced = True
            self.painted.emit()


class Preloader(QThread):
    """Imports the explorer (torch, scikit-learn) off the GUI thread; `failed` carries the traceback."""

    failed = Signal(str)

    def run(self) -> None:
        import traceback

        try:
            import aeviewer.gui.app.main_window  # noqa: F401
        except Exception:
            self.failed.emit(traceback.format_exc())


def warm_up_in_background() -> threading.Thread:
    """torch's first optimizer costs ~2 s of imports: pay it while the user looks at the window."""
    from aeviewer.core.train.warmup import warm_up

    thread = threading.Thread(target=warm_up, name="aeviewer-warm-up", daemon=True)
    thread.start()
    threading.Thread(target=_warm_up_projections, name="aeviewer-projection-warm-up", daemon=True).start()
    return thread


def _warm_up_projections() -> None:
    """openTSNE's import and umap-learn's numba compile (~25 s) at low priority, long before the user picks them."""
    from aeviewer.core import threads
    from aeviewer.core.latent.embedding import warm_up_projections

    threads.use_for_bulk_work(background=True)
    with contextlib.suppress(Exception):  # a broken umap-learn says so when the user picks UMAP, not at start
        warm_up_projections()


def report_startup(moment: str) -> None:
    """With AEVIEWER_STARTUP_REPORT set, print when the app painted and became ready (benchmarks read it)."""
    if os.environ.get("AEVIEWER_STARTUP_REPORT"):
        print(f"{moment} {time.time():.6f}", flush=True)
