"""Corrupting a sample on purpose (noise, salt and pepper, occlusion) to see what the autoencoder restores."""

from __future__ import annotations

import numpy as np

from aeviewer.core.data.images import display_shape

CORRUPTIONS = {"gaussian": "Gaussian noise (σ = amount)", "salt_pepper": "salt and pepper (fraction = amount)",
               "occlusion": "occluding square (side = amount × image side)"}


def corrupt(sample: np.ndarray, sample_shape: tuple[int, ...], kind: str, amount: float,
            seed: int = 0) -> np.ndarray:
    """A corrupted copy of one sample, same shape, clipped to [0, 1]; amount 0 returns the sample unchanged."""
    x = np.asarray(sample, np.float32).reshape(sample_shape).copy()
    amount = float(np.clip(amount, 0.0, 1.0))
    rng = np.random.default_rng(seed)
    if kind == "gaussian":
        x = x + amount * rng.standard_normal(x.shape).astype(np.float32)
    elif kind == "salt_pepper":
        hit = rng.random(x.shape) < amount
        x[hit] = (rng.random(int(hit.sum())) < 0.5).astype(np.float32)
    elif kind == "occlusion":
        h, w, _ = display_shape(sample_shape)
        side_h, side_w = int(round(amount * h)), int(round(amount * w))
        top, left = (h - side_h) // 2, (w - side_w) // 2
        if len(sample_shape) == 3:
            x[:, top : top + side_h, left : left + side_w] = 0.0
        else:
            img = x.reshape(h, w)
            img[top : top + side_h, left : left + side_w] = 0.0
            x = img.reshape(sample_shape)
    else:
        raise ValueError(f"unknown corruption {kind!r}: choose one of {', '.join(CORRUPTIONS)}")
    return np.clip(x, 0.0, 1.0)
