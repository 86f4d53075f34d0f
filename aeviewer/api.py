"""The notebook API behind `import aeviewer`: load data, build and fit a model, encode/decode numpy arrays, save,
load, and open the viewer on objects you already have. Every name imports its part of core on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from torch import nn

    from aeviewer.core.data.dataset import Dataset
    from aeviewer.core.models import Autoencoder, ModelConfig
    from aeviewer.core.train.trainer import TrainConfig, TrainProgress


def load_dataset(spec: str | Path) -> Dataset:
    """A built-in name ("digits", "mnist", ...) or a file or folder; see `aeviewer --help` for the formats."""
    from aeviewer.core.data.loaders import load_dataset as load

    return load(spec)


def build_model(config: ModelConfig | None = None, *, seed: int | None = 0, **fields: Any) -> Autoencoder:
    """A fresh autoencoder from `config`, or from ModelConfig(**fields) (e.g. input_shape=(1, 8, 8), latent_dim=2)."""
    from aeviewer.core.models import ModelConfig
    from aeviewer.core.models import build_model as build

    return build(config if config is not None else ModelConfig(**fields), seed=seed)


def fit(model: Autoencoder, data: Dataset | np.ndarray, config: TrainConfig | None = None, *,
        progress: Callable[[TrainProgress], None] | None = None, **train: Any) -> list[dict[str, float]]:
    """Train `model` in place on a Dataset's training split (or an N×... array) to the end; returns the history.

    `config` or TrainConfig(**train) (epochs, batch_size, lr, seed, device); `progress` gets every event.
    """
    from aeviewer.core.data.dataset import Dataset
    from aeviewer.core.train.trainer import TrainConfig, Trainer

    x = data.split(test=False).x if isinstance(data, Dataset) else np.asarray(data, np.float32)
    trainer = Trainer(model, x, config if config is not None else TrainConfig(**train))
    for event in trainer.run():
        if progress is not None:
            progress(event)
    model.eval()
    return trainer.history


def encode(model: nn.Module, x: np.ndarray) -> np.ndarray:
    """The codes (N×latent_dim) of samples shaped like the model's input (for a VAE: the means)."""
    from aeviewer.core.models.inference import encode_array

    return encode_array(model, x)  # type: ignore[arg-type]


def decode(model: nn.Module, z: np.ndarray) -> np.ndarray:
    """Samples decoded from codes z (N×latent_dim)."""
    from aeviewer.core.models.inference import decode_array

    return decode_array(model, np.asarray(z, np.float32))  # type: ignore[arg-type]


def reconstruct(model: nn.Module, x: np.ndarray) -> np.ndarray:
    """decode(encode(x)), batched."""
    from aeviewer.core.models.inference import reconstruct_array

    return reconstruct_array(model, x)  # type: ignore[arg-type]


def save(path: str | Path, model: Autoencoder, dataset: Dataset | None = None,
         history: list[dict[str, float]] | None = None) -> Path:
    """Weights (safetensors) plus a JSON sidecar, written atomically; returns the weights' path."""
    from aeviewer.core.train.checkpoint import save_checkpoint

    return save_checkpoint(path, model, dataset_name=dataset.name if dataset is not None else "",
                           dataset_shape=tuple(dataset.x.shape) if dataset is not None else (), history=history)


def load(path: str | Path) -> Autoencoder:
    """A model saved by `save` (or the app), in eval mode; a damaged file raises CheckpointError naming it."""
    from aeviewer.core.train.checkpoint import load_checkpoint

    return load_checkpoint(path).model


def load_user_model(code: str | Path, weights: str | Path | None, input_shape: tuple[int, ...],
                    class_name: str | None = None) -> nn.Module:
    """Your own nn.Module with `encode` and `decode`, from its Python file (and weights), ready to explore."""
    from aeviewer.core.models.user_model import load_user_model as load_user

    return load_user(code, weights, input_shape, class_name)


def show(dataset: Dataset | str = "digits", model: nn.Module | None = None,
         history: list[dict[str, float]] | None = None, *, block: bool = True) -> Any:
    """Open the explorer on `dataset` (a Dataset or a spec) and `model`; with block=False return the window."""
    from PySide6.QtWidgets import QApplication

    from aeviewer.gui.app.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.set_dataset(load_dataset(dataset) if isinstance(dataset, str) else dataset)
    if model is not None:
        window.set_model(model, history=history or [])
    window.show()
    if block:
        app.exec()
    return window
