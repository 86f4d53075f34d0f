"""The manifold grid (the Keras VAE figure): decodes of a regular grid over a plane region, as one mosaic."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from aeviewer.core.data.images import display_shape, to_pixels


def grid_points(x_range: tuple[float, float], y_range: tuple[float, float], n: int) -> np.ndarray:
    """n×n plane points at the centres of an n×n tiling of the region, row-major from the top (max y) row."""
    if n < 1:
        raise ValueError(f"the grid needs at least one tile per side, got {n}")
    (x0, x1), (y0, y1) = x_range, y_range
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y1 - (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def mosaic(samples: np.ndarray, n: int, sample_shape: tuple[int, ...], cols: int | None = None,
           gap: int = 0) -> np.ndarray:
    """Samples laid out row-major (top row first) in n rows of `cols` (default n) → one uint8 H×W×C image.

    `gap` pixels of white between tiles (0 for the manifold grid, whose tiles meet like the plane does).
    """
    cols = n if cols is None else cols
    h, w, c = display_shape(sample_shape)
    out = np.full((n * (h + gap) - gap, cols * (w + gap) - gap, c), 255 if gap else 0, dtype=np.uint8)
    for i, sample in enumerate(samples[: n * cols]):
        r, col = divmod(i, cols)
        top, left = r * (h + gap), col * (w + gap)
        out[top : top + h, left : left + w] = to_pixels(sample, sample_shape)
    return out


def manifold_grid(decode_codes: Callable[[np.ndarray], np.ndarray], from_plane: Callable[[np.ndarray], np.ndarray],
                  x_range: tuple[float, float], y_range: tuple[float, float], n: int,
                  sample_shape: tuple[int, ...]) -> np.ndarray:
    """Decode an n×n grid over the region and tile the pictures; the result's row 0 is the region's top."""
    codes = from_plane(grid_points(x_range, y_range, n))
    return mosaic(decode_codes(codes), n, sample_shape)
