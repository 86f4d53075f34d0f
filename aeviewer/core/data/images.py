"""Turning samples into displayable pixels: the one place that knows how a sample looks."""

from __future__ import annotations

import math

import numpy as np


def display_shape(sample_shape: tuple[int, ...]) -> tuple[int, int, int]:
    """(H, W, C) a sample of this shape is drawn as; vectors with a square length become square images."""
    if len(sample_shape) == 3:
        c, h, w = sample_shape
        return h, w, c
    (d,) = sample_shape
    side = math.isqrt(d)
    if side * side == d:
        return side, side, 1
    return 1, d, 1


def to_pixels(sample: np.ndarray, sample_shape: tuple[int, ...], out: np.ndarray | None = None) -> np.ndarray:
    """A sample in [0, 1] → H×W×C uint8 pixels, written into `out` when given so a view can reuse its buffer."""
    h, w, c = display_shape(sample_shape)
    arr = np.asarray(sample, dtype=np.float32).reshape(sample_shape)
    hwc = np.moveaxis(arr, 0, -1) if len(sample_shape) == 3 else arr.reshape(h, w, 1)
    if out is None:
        out = np.empty((h, w, c), dtype=np.uint8)
    out[...] = np.rint(np.clip(hwc, 0.0, 1.0) * 255.0)
    return out
