"""`build_model`: the only place that maps a ModelConfig's kind to a class."""

from __future__ import annotations

import torch
from torch import nn

from .adversarial import AdversarialAutoencoder
from .autoencoders import Autoencoder, SparseAutoencoder, VariationalAutoencoder
from .config import ModelConfig

MODEL_CLASSES: dict[str, type[Autoencoder]] = {
    "ae": Autoencoder,
    "sparse": SparseAutoencoder,
    "vae": VariationalAutoencoder,
    "aae": AdversarialAutoencoder,
}


def build_model(config: ModelConfig, *, seed: int | None = None) -> Autoencoder:
    """A fresh model for `config`; with `seed`, its initial weights repeat (the global RNG is untouched)."""
    config.validate()
    with torch.random.fork_rng(devices=[]):
        if seed is not None:
            torch.manual_seed(seed)
        model = MODEL_CLASSES[config.kind](config)
        if config.init == "glorot":
            model.apply(_glorot)
    return model


def _glorot(module: nn.Module) -> None:
    """Keras' Dense/Conv default: Glorot-uniform weights, zero biases."""
    if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
