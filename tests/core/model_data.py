"""Small generated data for the model/trainer/checkpoint tests: fast, deterministic, learnable."""

from __future__ import annotations

import numpy as np

from aeviewer.core.models import ModelConfig


def blobs(n: int = 256, shape: tuple[int, ...] = (1, 8, 8), seed: int = 0) -> np.ndarray:
    """Digits-like float32 samples in [0, 1]: a few smooth prototypes, mixed and lightly noised."""
    rng = np.random.default_rng(seed)
    d = int(np.prod(shape))
    protos = rng.random((4, d)).astype(np.float32)
    weights = rng.dirichlet(np.ones(4), size=n).astype(np.float32)
    x = weights @ protos + 0.05 * rng.standard_normal((n, d)).astype(np.float32)
    return np.clip(x, 0.0, 1.0).reshape(n, *shape).astype(np.float32)


def small_config(**overrides) -> ModelConfig:
    """A tiny model so every test trains in well under a second."""
    base = dict(input_shape=(1, 8, 8), latent_dim=2, hidden=(32, 16), channels=(8, 16), disc_hidden=(16,))
    return ModelConfig(**{**base, **overrides})
