"""Autoencoder models: config, layers, kinds and presets. `build_model(config)` is the entry point."""

from .adversarial import AdversarialAutoencoder
from .autoencoders import Autoencoder, SparseAutoencoder, VariationalAutoencoder
from .backbones import build_decoder, build_encoder
from .config import BACKBONES, LOSSES, MODEL_KINDS, ModelConfig
from .factory import MODEL_CLASSES, build_model
from .presets import PRESETS, Preset, preset, preset_train_defaults

__all__ = [
    "BACKBONES",
    "LOSSES",
    "MODEL_CLASSES",
    "MODEL_KINDS",
    "PRESETS",
    "AdversarialAutoencoder",
    "Autoencoder",
    "ModelConfig",
    "Preset",
    "SparseAutoencoder",
    "VariationalAutoencoder",
    "build_decoder",
    "build_encoder",
    "build_model",
    "preset",
    "preset_train_defaults",
]
