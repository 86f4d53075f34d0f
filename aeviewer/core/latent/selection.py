"""Which points a box or a lasso (free-hand polygon) drawn on the plane encloses."""

from __future__ import annotations

import numpy as np


def points_in_box(points: np.ndarray, x_range: tuple[float, float], y_range: tuple[float, float]) -> np.ndarray:
    """Boolean mask of the points inside an axis-aligned box (edges included)."""
    p = np.asarray(points, np.float64)
    return (p[:, 0] >= x_range[0]) & (p[:, 0] <= x_range[1]) & (p[:, 1] >= y_range[0]) & (p[:, 1] <= y_range[1])


def points_in_polygon(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Boolean mask of the points inside a closed polygon (even-odd rule, vectorised ray casting)."""
    p = np.asarray(points, np.float64)
    poly = np.asarray(polygon, np.float64)
    if len(poly) < 3:
        return np.zeros(len(p), dtype=bool)
    x, y = p[:, 0:1], p[:, 1:2]  # N×1 against M edges
    x0, y0 = poly[:, 0], poly[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    crosses = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    result: np.ndarray = np.sum(crosses & (x < x_at), axis=1) % 2 == 1
    return result
