"""Named starting points: a model config (sized to the data) plus the training defaults that go with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aeviewer.core.models.config import ModelConfig


@dataclass(frozen=True)
class Preset:
    """`model`: ModelConfig fields (input_shape comes from the data); `train`: TrainConfig fields."""

    description: str
    model: dict[str, Any]
    train: dict[str, Any] = field(default_factory=dict)


PRESETS: dict[str, Preset] = {
    "seed-mlp": Preset(
        "The original Keras model: 784→64→32 ReLU encoder, 32→32→64→784 decoder, Adam, MSE, batch 256",
        dict(
            kind="ae",
            backbone="mlp",
            latent_dim=32,
            hidden=(64,),
            decoder_hidden=(32, 64),
            latent_activation="relu",
            loss="mse",
            init="glorot",
        ),
        dict(batch_size=256, lr=1e-3),
    ),
    "deep-30": Preset(
        "Hinton & Salakhutdinov's deep autoencoder: 784-1000-500-250-30, the nonlinear model that beats PCA",
        dict(kind="ae", backbone="mlp", latent_dim=30, hidden=(1000, 500, 250)),
        dict(batch_size=128, lr=1e-3),
    ),
    "mlp-2d": Preset("MLP autoencoder with a 2-D code, to plot directly", dict(kind="ae", latent_dim=2)),
    "conv-2d": Preset(
        "Convolutional autoencoder with a 2-D code (images only)",
        dict(kind="ae", backbone="conv", latent_dim=2),
    ),
    "sparse-mlp": Preset(
        "Sparse MLP autoencoder (L1 on a 32-D code, λ 1e-4 as in the Keras blog's sparse example)",
        dict(kind="sparse", latent_dim=32, hidden=(128,), l1=1e-4),
    ),
    "vae-2d": Preset("β-VAE with a 2-D Gaussian code", dict(kind="vae", latent_dim=2, loss="bce")),
    "aae-2d": Preset("Adversarial autoencoder with a 2-D Gaussian prior", dict(kind="aae", latent_dim=2)),
}


def preset(name: str, input_shape: tuple[int, ...]) -> ModelConfig:
    """The ModelConfig of preset `name` for data whose samples have shape `input_shape`."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    return ModelConfig(input_shape=tuple(input_shape), **PRESETS[name].model)


def preset_train_defaults(name: str) -> dict[str, Any]:
    """TrainConfig fields the preset sets (e.g. the seed model's batch size 256); {} for an unknown name."""
    p = PRESETS.get(name)
    return dict(p.train) if p is not None else {}
