"""Decoder maps: for a grid of latent positions, how solid the ground is under the decoder.

Three measures: the density of the prior (VAE/AAE) or of a Gaussian fitted to the codes, the distance to
the nearest data code, and the re-encode drift |encode(decode(z)) - z|. Low density, large distance and
large drift all say the same thing: here the decoder invents.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from aeviewer.core.latent.embedding import kd_tree
from aeviewer.core.latent.generation import CodeSampler

MAP_KINDS = {
    "density": "prior density (fitted Gaussian for plain AE)",
    "distance": "distance to the nearest data code",
    "drift": "re-encode drift |E(D(z)) − z|",
}
# What a map's colour bar says its values are: the quantity and its unit.
MAP_UNITS = {
    "density": "log density (nats)",
    "distance": "distance to nearest code (latent units)",
    "drift": "re-encode drift (latent units)",
}


def decoder_map(kind: str, grid_codes: np.ndarray, data_codes: np.ndarray, *, model_kind: str = "ae",
                decode: Callable[[np.ndarray], np.ndarray] | None = None,
                encode: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """One value per grid code (M×d → M): log density, distance, or drift."""
    grid_codes = np.asarray(grid_codes, np.float64)
    if kind == "density":
        return CodeSampler.for_model(model_kind, np.asarray(data_codes)).log_density(grid_codes)
    if kind == "distance":
        dist, _ = kd_tree(np.asarray(data_codes, np.float64)).query(grid_codes, k=1)
        return np.asarray(dist, np.float64)
    if kind == "drift":
        if decode is None or encode is None:
            raise ValueError("the drift map needs the model's encode and decode")
        again = np.asarray(encode(decode(grid_codes.astype(np.float32))), np.float64)
        result: np.ndarray = np.linalg.norm(again.reshape(len(grid_codes), -1) - grid_codes, axis=1)
        return result
    raise ValueError(f"unknown decoder map {kind!r}: choose one of {', '.join(MAP_KINDS)}")
