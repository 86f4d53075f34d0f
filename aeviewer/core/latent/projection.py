"""The 2-D plane the scatter shows, and the way back from a point on it to a full latent code."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PlaneProjection:
    """Codes → plane and plane → codes.

    For a 2-D code the plane *is* the latent space. For wider codes it is the plane of the codes'
    first two principal components, and a plane point maps back to the code on that plane.
    """

    mean: np.ndarray  # (d,)
    axes: np.ndarray  # (2, d), orthonormal rows
    label: str

    @classmethod
    def fit(cls, codes: np.ndarray) -> PlaneProjection:
        codes = np.asarray(codes, dtype=np.float64)
        d = codes.shape[1]
        if d <= 2:
            axes = np.eye(2, d)
            return cls(np.zeros(d), axes, "latent z₁, z₂" if d == 2 else "latent z₁")
        mean = codes.mean(axis=0)
        # SVD of the centred codes: rows of vt are the principal directions.
        _, _, vt = np.linalg.svd(codes - mean, full_matrices=False)
        return cls(mean, vt[:2], f"PCA of the {d}-D codes")

    @property
    def latent_dim(self) -> int:
        return int(self.mean.shape[0])

    @property
    def is_identity(self) -> bool:
        return self.latent_dim <= 2

    def to_plane(self, codes: np.ndarray) -> np.ndarray:
        """N×d codes → N×2 plane coordinates (float32, for plotting)."""
        plane = (np.asarray(codes, dtype=np.float64) - self.mean) @ self.axes.T
        result: np.ndarray = plane.astype(np.float32)
        return result

    def from_plane(self, xy: np.ndarray) -> np.ndarray:
        """A plane point (2,) or points N×2 → codes (d,) or N×d (float32)."""
        xy = np.asarray(xy, dtype=np.float64)
        result: np.ndarray = (self.mean + xy @ self.axes).astype(np.float32)
        return result
