"""A window for a points-only space: precomputed 2-D coordinates (an `.npy`), every point drawn, no decoder.

It has the latent view's density drawing, hover and contours; the panel where a decode would be says that this
space has none, so nobody waits for a picture that cannot come.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMainWindow, QVBoxLayout, QWidget

from aeviewer.core.latent.point_codes import PointCodes
from aeviewer.gui.views.scatter_tools import ScatterInspector
from aeviewer.gui.views.scatter_view import ScatterView
from aeviewer.gui.workers.latest_only import LatestOnlyRunner

NO_DECODER = ("Points only: this file holds coordinates, not a model, so there is no decoded picture at the probe. "
              "Open a dataset and a model to decode.")


class PointsWindow(QMainWindow):
    """Shows a PointCodes: the scatter (density above the threshold), a contour choice and the no-decoder note."""

    def __init__(self, codes: PointCodes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.codes = codes
        self.setWindowTitle(f"aeviewer — {codes.source.name} ({codes.n:,} points)")
        self.resize(1280, 720)
        self.runner = LatestOnlyRunner(self, name="aeviewer-points-density")
        self.view = ScatterView(f"{codes.source.name}: {codes.note}")
        self.view.set_background(self.runner.submit)
        self.view.probe.hide()  # nothing to decode: a probe would promise a picture
        self.view.set_points(codes.points, codes.labels, codes.class_names)
        self.inspector = ScatterInspector(self.view, self._describe)
        self.contours = QComboBox()
        for mode, text in (("off", "Contours: off"), ("all", "Contours: all points"), ("class", "Contours: per class")):
            self.contours.addItem(text, mode)
        self.contours.currentIndexChanged.connect(lambda *_: self.view.set_contours(self.contours.currentData()))
        self.decoded = QLabel(NO_DECODER)  # where the decoded picture would be
        self.decoded.setWordWrap(True)
        self.decoded.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.decoded.setStyleSheet("QLabel { color: #444; border: 1px dashed #aaa; padding: 8px; }")
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(QLabel("<b>Decoded at the probe</b>"))
        side_layout.addWidget(self.decoded)
        side_layout.addWidget(self.contours)
        side_layout.addStretch(1)
        side.setFixedWidth(280)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.addWidget(self.view, 1)
        layout.addWidget(side)
        self.setCentralWidget(body)

    def _describe(self, index: int) -> tuple[np.ndarray, str]:
        labels = self.codes.labels
        label = "" if labels is None else f" · {self.codes.class_names[int(labels[index])]}"
        x, y = self.codes.points[index]
        return np.full((8, 8, 1), 235, np.uint8), f"#{index}{label}\n({x:.2f}, {y:.2f})"

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.runner.stop()
        super().closeEvent(event)
