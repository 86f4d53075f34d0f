"""Choose how wide codes are drawn on the plane (PCA, t-SNE, UMAP), run it in the background, show the trust."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aeviewer.core.latent.embedding import METHOD_TITLES, METHODS, method_availability


def preservation_text(share: float) -> str:
    """The share of neighbours kept around the probe, said in words (t-SNE/UMAP: the picture may tear or glue)."""
    colour = "#2a7d2a" if share >= 0.6 else "#a67c00" if share >= 0.3 else "#c0392b"
    word = ("the picture keeps neighbourhoods here" if share >= 0.6 else "neighbourhoods are partly kept here"
            if share >= 0.3 else "the picture tears neighbourhoods here: do not read distances")
    return f"<span style='color:{colour}'>{share:.0%} of the nearest points' neighbours kept — {word}</span>"


def trust_text(distance: float) -> str:
    """Distance to the nearest data point in neighbour spacings, said in words."""
    if distance < 1.5:
        word, colour = "on the data", "#2a7d2a"
    elif distance < 5:
        word, colour = "near the data", "#a67c00"
    else:
        word, colour = "far from the data: the decoder invents here", "#c0392b"
    return f"<span style='color:{colour}'>{distance:.1f}× neighbour spacing from the nearest point — {word}</span>"


class ProjectionPanel(QWidget):
    method_chosen = Signal(str)
    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.method = QComboBox()
        self.availability = method_availability()
        for method in METHODS:
            ok, note = self.availability[method]
            self.method.addItem(METHOD_TITLES[method] + ("" if ok else " (not installed)"), method)
            self.method.setItemData(self.method.count() - 1, note, Qt.ItemDataRole.ToolTipRole)
        form.addRow("Projection", self.method)
        layout.addLayout(form)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.note)
        row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.mapping = QLabel("")
        self.mapping.setWordWrap(True)
        layout.addWidget(self.mapping)
        self.trust_summary = QLabel("")
        self.trust_summary.setWordWrap(True)
        self.trust_summary.setToolTip("Of this picture, with k = 10 neighbours. Trustworthiness: points drawn close "
                                      "are close in code space. Continuity: points close in code space are drawn "
                                      "close. Both 1 for an exact 2-D code.")
        layout.addWidget(self.trust_summary)
        self.colour_by_trust = QCheckBox("Colour points by trust (neighbours kept)")
        self.colour_by_trust.setToolTip("Red: none of a point's 10 nearest neighbours in code space is among its 10 "
                                        "nearest in the picture; green: all are.")
        layout.addWidget(self.colour_by_trust)
        self.trust = QLabel("")
        self.trust.setWordWrap(True)
        layout.addWidget(self.trust)
        layout.addStretch(1)
        self.method.currentIndexChanged.connect(self._chosen)
        self.cancel_button.clicked.connect(self.cancel_clicked)
        self._chosen()

    def current_method(self) -> str:
        return self.method.currentData()

    def _chosen(self, *_: object) -> None:
        method = self.current_method()
        ok, note = self.availability[method]
        self.note.setText(note if ok else f"<b>Not available.</b> {note}")
        self.method_chosen.emit(method)

    def set_running(self, running: bool, text: str = "") -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        if running:
            self.progress.setRange(0, 0)
            self.progress.setFormat(text)

    def set_progress(self, done, total) -> None:
        if total:
            self.progress.setRange(0, int(total))
            self.progress.setValue(int(done))

    def show_mapping(self, label: str, inverse: str) -> None:
        self.mapping.setText(f"<b>Shown:</b> {label}<br><b>Plane → code:</b> {inverse}")

    def show_trust(self, distance: float | None, kept: float | None = None) -> None:
        """Distance from the probe to the data; for t-SNE/UMAP also the neighbourhoods kept around it."""
        text = "" if distance is None else "<b>At the probe:</b> " + trust_text(distance)
        if distance is not None and kept is not None and kept == kept:  # NaN: no report yet
            text += "<br>" + preservation_text(kept)
        self.trust.setText(text)

    def show_trust_summary(self, summary: str) -> None:
        """The picture's trust figures (or why there are none yet), beside the projection name."""
        self.trust_summary.setText(f"<b>Trust of this picture:</b> {summary}" if summary else "")
