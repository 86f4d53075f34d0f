"""Autoencoder models: config, layers, kinds and presets. `build_model(config)` is the entry point.

The config, names and presets import without torch, so the CLI and the window can start before torch
has loaded; the torch-backed names load on first use (PEP 562 module `__getattr__`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from aeviewer.core.models.config import BACKBONES, LOSSES, MODEL_KINDS, ModelConfig
from aeviewer.core.models.presets import PRESETS, Preset, preset, preset_train_defaults

_LAZY = {
    "AdversarialAutoencoder": ".adversarial",
    "Autoencoder": ".autoencoders",
    "SparseAutoencoder": ".autoencoders",
    "VariationalAutoencoder": ".autoencoders",
    "build_decoder": ".backbones",
    "build_encoder": ".backbones",
    "MODEL_CLASSES": ".factory",
    "build_model": ".factory",
}

if TYPE_CHECKING:
    from aeviewer.core.models.adversarial import AdversarialAutoencoder
    from aeviewer.core.models.autoencoders import Autoencoder, SparseAutoencoder, VariationalAutoencoder
    from aeviewer.core.models.backbones import build_decoder, build_encoder
    from aeviewer.core.models.factory import MODEL_CLASSES, build_model


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
