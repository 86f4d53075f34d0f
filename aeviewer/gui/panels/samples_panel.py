"""The pictures beside the scatters: what the probes decode to, and the selected sample side by side."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from aeviewer.gui.views.image_pane import ImagePane
from aeviewer.gui.views.neighbour_strip import NeighbourStrip


class SamplesPanel(QWidget):
    NO_SELECTION = "Selected sample (click a point)"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        probe_box = QGroupBox("Decoded at the probe")
        probe_grid = QGridLayout(probe_box)
        self.ae_probe = ImagePane("Autoencoder")
        self.pca_probe = ImagePane("PCA")
        probe_grid.addWidget(self.ae_probe, 0, 0)
        probe_grid.addWidget(self.pca_probe, 0, 1)
        layout.addWidget(probe_box, 3)
        self.neighbours = NeighbourStrip()
        layout.addWidget(self.neighbours, 2)

        self.sample_box = sample_box = QGroupBox(self.NO_SELECTION)
        sample_grid = QGridLayout(sample_box)
        self.original = ImagePane("Original")
        self.ae_recon = ImagePane("Autoencoder")
        self.pca_recon = ImagePane("PCA")
        sample_grid.addWidget(self.original, 0, 0)
        sample_grid.addWidget(self.ae_recon, 0, 1)
        sample_grid.addWidget(self.pca_recon, 0, 2)
        for column in range(3):
            sample_grid.setColumnStretch(column, 1)
        probe_grid.setColumnStretch(0, 1)
        probe_grid.setColumnStretch(1, 1)
        layout.addWidget(sample_box, 2)

        self.comparison = QLabel("")
        self.comparison.setWordWrap(True)
        self.comparison.setToolTip("Mean squared reconstruction error on the shown (held-out) samples")
        layout.addWidget(self.comparison)

    def clear_selection(self) -> None:
        self.sample_box.setTitle(self.NO_SELECTION)
        for pane in (self.original, self.ae_recon, self.pca_recon):
            pane.clear()

    def show_comparison(self, ae_error: float, pca_error: float, k: int) -> None:
        better = "autoencoder" if ae_error < pca_error else "PCA"
        self.comparison.setText(
            f"Mean reconstruction error (MSE, held-out):<br>"
            f"autoencoder ({k}-D code) <b>{ae_error:.4f}</b> · PCA ({k} components) <b>{pca_error:.4f}</b>"
            f" — {better} is better")
