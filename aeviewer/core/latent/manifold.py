"""The manifold grid (the Keras VAE figure): decodes of a regular grid over a plane region, as one mosaic."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from aeviewer.core.data.images import display_shape, to_pixels


def grid_points(x_range: tuple[float, float], y_range: tuple[float, float], n: int,
                cols: int | None = None) -> np.ndarray:
    """Plane points at the centres of an n-row × `cols` (default n) tiling of the region, row-major from the
    top (max y) row."""
    cols = n if cols is None else cols
    if n < 1 or cols < 1:
        raise ValueError(f"the grid needs at least one tile per side, got {n}×{cols}")
    (x0, x1), (y0, y1) = x_range, y_range
    xs = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
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
                  sample_shape: tuple[int, ...], cols: int | None = None) -> np.ndarray:
    """Decode an n-row × `cols` (default n) grid over the region and tile the pictures; row 0 is the top."""
    codes = from_plane(grid_points(x_range, y_range, n, cols))
    return mosaic(decode_codes(codes), n, sample_shape, cols)


def square_tiling(width_px: float, height_px: float, tiles: int, max_cols: int = 60) -> tuple[int, int]:
    """(rows, cols) of tiles that are square on a width×height pixel view, `tiles` along its shorter side;
    the longer side gets enough tiles to cover it (the last one may run past the edge).

    An n×n mosaic stretched over a wide view drew every decoded picture twice as wide as tall.
    """
    if width_px <= 0 or height_px <= 0:
        return tiles, tiles
    if width_px >= height_px:
        return tiles, max(1, min(max_cols, math.ceil(tiles * width_px / height_px - 1e-9)))
    return max(1, min(max_cols, math.ceil(tiles * height_px / width_px - 1e-9))), tiles
