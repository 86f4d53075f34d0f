"""The side panel: dataset, model and training settings, and the Train / Pause / Cancel controls."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from aeviewer.core.models import BACKBONES, MODEL_KINDS, ModelConfig
from aeviewer.core.train.trainer import TrainConfig

KIND_LABELS = {"ae": "ae — plain", "sparse": "sparse — L1/L2 on the code", "vae": "vae — variational",
               "aae": "aae — adversarial"}


def _number(low: float, high: float, value: float, step: float, decimals: int) -> QDoubleSpinBox:
    """A float spin box; decimals go first, or Qt rounds the value to the default two."""
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setValue(value)
    return box


class SettingsPanel(QWidget):
    train_clicked = Signal()
    pause_clicked = Signal()
    cancel_clicked = Signal()
    open_dataset_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)

        data_box = QGroupBox("Dataset")
        data_layout = QVBoxLayout(data_box)
        self.dataset_label = QLabel("—")
        self.dataset_label.setWordWrap(True)
        self.open_button = QPushButton("Open dataset…")
        self.open_button.clicked.connect(self.open_dataset_clicked)
        data_layout.addWidget(self.dataset_label)
        data_layout.addWidget(self.open_button)
        layout.addWidget(data_box)

        model_box = QGroupBox("Model")
        form = QFormLayout(model_box)
        self.kind = QComboBox()
        for kind in MODEL_KINDS:
            self.kind.addItem(KIND_LABELS.get(kind, kind), kind)
        self.backbone = QComboBox()
        for backbone in BACKBONES:
            self.backbone.addItem(backbone, backbone)
        self.latent = QSpinBox(minimum=1, maximum=512, value=2)
        self.loss = QComboBox()
        self.loss.addItem("MSE", "mse")
        self.loss.addItem("BCE", "bce")
        self.beta = _number(0.0, 100.0, 1.0, step=0.1, decimals=3)
        self.lam = _number(0.0, 10.0, 1e-4, step=1e-4, decimals=5)
        form.addRow("Kind", self.kind)
        form.addRow("Backbone", self.backbone)
        form.addRow("Latent dim", self.latent)
        form.addRow("Loss", self.loss)
        form.addRow("β (VAE KL)", self.beta)
        form.addRow("λ (sparse L1)", self.lam)
        layout.addWidget(model_box)

        train_box = QGroupBox("Training")
        tform = QFormLayout(train_box)
        self.epochs = QSpinBox(minimum=1, maximum=10_000, value=60)
        self.batch = QSpinBox(minimum=1, maximum=65_536, value=128)
        self.lr = _number(1e-5, 1.0, 3e-3, step=1e-4, decimals=5)
        tform.addRow("Epochs", self.epochs)
        tform.addRow("Batch size", self.batch)
        tform.addRow("Learning rate", self.lr)
        buttons = QHBoxLayout()
        self.train_button = QPushButton("Train")
        self.train_button.setToolTip("Train a new model with these settings (Space)")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop training and keep the model as it is (Esc)")
        for button in (self.train_button, self.pause_button, self.cancel_button):
            buttons.addWidget(button)
        self.train_button.clicked.connect(self.train_clicked)
        self.pause_button.clicked.connect(self.pause_clicked)
        self.cancel_button.clicked.connect(self.cancel_clicked)
        tform.addRow(buttons)
        self.progress = QProgressBar()
        self.progress.setFormat("epoch %v / %m")
        tform.addRow(self.progress)
        self.status = QLabel("Ready to train.")
        self.status.setWordWrap(True)
        tform.addRow(self.status)
        layout.addWidget(train_box)
        layout.addStretch(1)

        self.kind.currentIndexChanged.connect(self._update_enabled)
        self._update_enabled()
        self.set_training(False)

    def _update_enabled(self) -> None:
        kind = self.kind.currentData()
        self.beta.setEnabled(kind == "vae")
        self.lam.setEnabled(kind == "sparse")

    def set_training(self, training: bool) -> None:
        self.train_button.setEnabled(not training)
        self.pause_button.setEnabled(training)
        self.cancel_button.setEnabled(training)
        self.open_button.setEnabled(not training)
        if not training:
            self.pause_button.setChecked(False)
        for widget in (self.kind, self.backbone, self.latent, self.loss, self.beta, self.lam,
                       self.epochs, self.batch, self.lr):
            widget.setEnabled(not training)
        if not training:
            self._update_enabled()

    def model_config(self, input_shape: tuple[int, ...]) -> ModelConfig:
        return ModelConfig(kind=self.kind.currentData(), backbone=self.backbone.currentData(),
                           input_shape=tuple(input_shape), latent_dim=self.latent.value(),
                           loss=self.loss.currentData(), beta=self.beta.value(), l1=self.lam.value())

    def train_config(self) -> TrainConfig:
        return TrainConfig(epochs=self.epochs.value(), batch_size=self.batch.value(), lr=self.lr.value())

    def show_config(self, config: ModelConfig) -> None:
        """Reflect a loaded model's settings."""
        self.kind.setCurrentIndex(max(0, self.kind.findData(config.kind)))
        self.backbone.setCurrentIndex(max(0, self.backbone.findData(config.backbone)))
        self.latent.setValue(config.latent_dim)
        self.loss.setCurrentIndex(max(0, self.loss.findData(config.loss)))
        self.beta.setValue(config.beta)
        self.lam.setValue(config.l1)
