"""The pictures beside the scatters: what the probes decode to, and the selected sample side by side."""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QGroupBox, QLabel, QSizePolicy, QVBoxLayout, QWidget

from aeviewer.gui.views.image_pane import ImagePane
from aeviewer.gui.views.neighbour_strip import NeighbourStrip


class SamplesPanel(QWidget):
    """A column beside the scatters; in presentation mode a strip under them (`set_strip`)."""

    NO_SELECTION = "Selected sample (click a point)"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strip = False
        self._comparison: tuple[tuple[float, float, int], str] | None = None  # the numbers and their text
        self.column = layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        layout.addLayout(self.boxes, 1)

        probe_box = QGroupBox("Decoded at the probe")
        probe_grid = QGridLayout(probe_box)
        self.ae_probe = ImagePane("Autoencoder", short_title="AE")
        self.pca_probe = ImagePane("PCA")
        probe_grid.addWidget(self.ae_probe, 0, 0)
        probe_grid.addWidget(self.pca_probe, 0, 1)
        self.boxes.addWidget(probe_box, 3)

        self.sample_box = sample_box = QGroupBox(self.NO_SELECTION)
        sample_grid = QGridLayout(sample_box)
        self.original = ImagePane("Original")
        self.ae_recon = ImagePane("Autoencoder", short_title="AE")
        self.pca_recon = ImagePane("PCA")
        sample_grid.addWidget(self.original, 0, 0)
        sample_grid.addWidget(self.ae_recon, 0, 1)
        sample_grid.addWidget(self.pca_recon, 0, 2)
        for column in range(3):
            sample_grid.setColumnStretch(column, 1)
        probe_grid.setColumnStretch(0, 1)
        probe_grid.setColumnStretch(1, 1)
        self.boxes.addWidget(sample_box, 2)
        self.neighbours = NeighbourStrip()  # under both boxes in the column; hidden in the presentation strip
        # An explicit minimum height keeps the strip out of the window's minimum size (a 1024x640 screen);
        # _fit_neighbours hides it whenever the column is shorter than it needs.
        self.neighbours.setMinimumSize(self.neighbours.minimumSizeHint().width(), 1)
        # No taller than it needs: the decoded pictures take the rest of the column.
        self.neighbours.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout.addWidget(self.neighbours, 0)

        self.comparison = QLabel("")
        self.comparison.setWordWrap(True)
        self.comparison.setToolTip("Mean squared reconstruction error on the shown (held-out) samples")
        layout.addWidget(self.comparison)

    def set_strip(self, on: bool) -> None:
        """Lay the two boxes side by side (a strip under the scatters) or one above the other (a column)."""
        self.boxes.setDirection(QBoxLayout.Direction.LeftToRight if on else QBoxLayout.Direction.TopToBottom)
        self.boxes.setStretch(0, 2 if on else 3)  # in a strip each picture gets about the same width
        self.boxes.setStretch(1, 3 if on else 2)
        self._strip = on
        self._fit_neighbours()
        if self._comparison is not None and self.comparison.text() == self._comparison[1]:  # not a newer note
            self.show_comparison(*self._comparison[0])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_neighbours()

    def _fit_neighbours(self) -> None:
        """The nearest-samples strip collapses when the column is too short for it (a 1024x640 window, the
        presentation strip): the decoded pictures keep their room and the window its small minimum size."""
        if self._strip:
            self.neighbours.setVisible(False)
            return
        needed = (self.boxes.minimumSize().height() + self.neighbours.minimumSizeHint().height()
                  + self.comparison.sizeHint().height() + 3 * self.column.spacing())
        self.neighbours.setVisible(self.height() >= needed)

    def clear_selection(self) -> None:
        self.sample_box.setTitle(self.NO_SELECTION)
        for pane in (self.original, self.ae_recon, self.pca_recon):
            pane.clear()

    def show_comparison(self, ae_error: float, pca_error: float, k: int) -> None:
        better = "autoencoder" if ae_error < pca_error else "PCA"
        if self._strip:  # one line under the views: the pictures keep the height
            text = (f"Held-out MSE with a {k}-D code: autoencoder <b>{ae_error:.4f}</b> · "
                    f"PCA <b>{pca_error:.4f}</b> — {better} is better")
        else:
            text = (f"Mean reconstruction error (MSE, held-out):<br>"
                    f"autoencoder ({k}-D code) <b>{ae_error:.4f}</b> · PCA ({k} components) <b>{pca_error:.4f}</b>"
                    f" — {better} is better")
        self.comparison.setText(text)
        self._comparison = ((ae_error, pca_error, k), text)
