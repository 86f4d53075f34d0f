"""The manifold grid (the Keras VAE figure): decodes of a regular grid over a plane region, as one mosaic."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from aeviewer.core.images import display_shape, to_pixels


def grid_points(x_range: tuple[float, float], y_range: tuple[float, float], n: int) -> np.ndarray:
    """n×n plane points at the centres of an n×n tiling of the region, row-major from the top (max y) row."""
    if n < 1:
        raise ValueError(f"the grid needs at least one tile per side, got {n}")
    (x0, x1), (y0, y1) = x_range, y_range
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y1 - (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def mosaic(samples: np.ndarray, n: int, sample_shape: tuple[int, ...]) -> np.ndarray:
    """n*n samples (row-major, top row first) → one (n·H)×(n·W)×C uint8 image."""
    h, w, c = display_shape(sample_shape)
    out = np.zeros((n * h, n * w, c), dtype=np.uint8)
    for i, sample in enumerate(samples[: n * n]):
        r, col = divmod(i, n)
        out[r * h : (r + 1) * h, col * w : (col + 1) * w] = to_pixels(sample, sample_shape)
    return out


def manifold_grid(decode_codes: Callable[[np.ndarray], np.ndarray], from_plane: Callable[[np.ndarray], np.ndarray],
                  x_range: tuple[float, float], y_range: tuple[float, float], n: int,
                  sample_shape: tuple[int, ...]) -> np.ndarray:
    """Decode an n×n grid over the region and tile the pictures; the result's row 0 is the region's top."""
    codes = from_plane(grid_points(x_range, y_range, n))
    return mosaic(decode_codes(codes), n, sample_shape)
