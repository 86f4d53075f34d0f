"""Keeps the trust report of the latent view's current picture: computed off the GUI thread, newest only.

The report (`core.latent.trust`) colours the scatter in trust mode, gives the figures beside the projection
name, and the local preservation at the probe. Not computed while training: snapshots arrive twice a second,
and the report of 10,000 points takes about a second of a core.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal

from aeviewer.core.latent.trust import TrustReport, local_preservation, trust_stages
from aeviewer.gui.panels.projection_panel import ProjectionPanel
from aeviewer.gui.views.scatter_view import ScatterView
from aeviewer.gui.workers.background import BackgroundTask


class TrustTracker(QObject):
    """`update(codes, points)` on every new picture; `report` is the one of the picture shown, or None.

    The report comes in two steps (`trust_stages`): the preservation (colours, probe text) and then the
    trustworthiness and continuity; `report_ready` fires for each."""

    report_ready = Signal(object)  # TrustReport

    def __init__(self, view: ScatterView, panel: ProjectionPanel,
                 start_task: Callable[[BackgroundTask], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view, self.panel, self.start_task = view, panel, start_task
        self.report: TrustReport | None = None
        self.points: np.ndarray | None = None  # the plane the report is of
        self.task: BackgroundTask | None = None
        self._pending: tuple[np.ndarray, np.ndarray] | None = None
        self._request = 0
        panel.colour_by_trust.toggled.connect(self._show_colours)

    def update(self, codes: np.ndarray, points: np.ndarray, training: bool = False) -> None:
        """A new picture of `codes` at `points`: the old report no longer applies."""
        self.report, self.points = None, None
        self._request += 1
        if training:
            self._pending = None
            self.panel.show_trust_summary("computed when training stops")
            self.view.set_point_values(None)
            return
        self._pending = (codes, points)
        self.panel.show_trust_summary("computing…")
        self._start()

    def _start(self) -> None:
        if self.task is not None or self._pending is None:
            return  # the running one finishes first; then the newest pending picture runs
        codes, points = self._pending
        self._pending = None
        task = BackgroundTask(trust_stages, codes, points)  # yields the colouring first, returns the figures
        self.task = task
        request = self._request
        task.yielded.connect(lambda report, r=request, p=points: self._done(report, r, p))
        task.succeeded.connect(lambda report, r=request, p=points: self._done(report, r, p))
        task.failed.connect(lambda message: self.panel.show_trust_summary(f"not available ({message.splitlines()[0]})"))
        task.finished.connect(self._finished)
        self.start_task(task)

    def _finished(self) -> None:
        self.task = None
        self._start()

    def _done(self, report: TrustReport, request: int, points: np.ndarray) -> None:
        if request != self._request:
            return  # a newer picture replaced it meanwhile
        self.report, self.points = report, np.asarray(points, np.float64)
        self.panel.show_trust_summary(report.summary())
        self._show_colours()
        self.report_ready.emit(report)

    def _show_colours(self, *_: object) -> None:
        on = self.panel.colour_by_trust.isChecked()
        fits = self.report is not None and len(self.report.preservation) == len(self.view.points())
        self.view.set_point_values(self.report.preservation if on and fits and self.report is not None else None)

    def kept_near(self, xy: np.ndarray) -> float | None:
        """Mean preservation of the 10 points nearest `xy` on the plane, or None without a report."""
        if self.report is None or self.points is None:
            return None
        return local_preservation(self.report, self.points, xy)

    def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.wait(5_000)
