"""PCA baseline: the linear autoencoder every trained model should beat, at the same number of dimensions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sklearn.decomposition import PCA


class PcaBaseline:
    """scikit-learn PCA on flattened samples, with a numpy fast path for decoding single points.

    Reconstructions are clipped to [0, 1] like the autoencoders' sigmoid outputs, so errors compare fairly.
    """

    def __init__(self) -> None:
        self.pca: PCA | None = None
        self.mean_: np.ndarray | None = None  # D, float32
        self.components_: np.ndarray | None = None  # k×D, float32
        self.sample_shape: tuple[int, ...] = ()

    @property
    def n_components(self) -> int:
        return 0 if self.components_ is None else len(self.components_)

    def fit(self, x: np.ndarray, n_components: int = 2) -> PcaBaseline:
        """Fit on N×... samples (flattened); n_components must be ≤ min(N, D)."""
        flat = _flat(x)
        limit = min(flat.shape)
        if not 1 <= n_components <= limit:
            raise ValueError(f"n_components must be between 1 and {limit} for data of shape {x.shape}")
        from sklearn.decomposition import PCA  # on first use: importing scikit-learn takes ~0.9 s

        self.pca = PCA(n_components=n_components, random_state=0).fit(flat)
        self.mean_ = self.pca.mean_.astype(np.float32)
        self.components_ = self.pca.components_.astype(np.float32)
        self.sample_shape = tuple(np.shape(x)[1:])
        return self

    def _fitted(self) -> tuple[np.ndarray, np.ndarray]:
        if self.mean_ is None or self.components_ is None:
            raise RuntimeError("PcaBaseline is not fitted yet: call fit() first")
        return self.mean_, self.components_

    def transform(self, x: np.ndarray) -> np.ndarray:
        """N×... → N×k codes."""
        mean, comps = self._fitted()
        result: np.ndarray = (_flat(x) - mean) @ comps.T
        return result

    def inverse_transform(self, z: np.ndarray) -> np.ndarray:
        """N×k codes (or one k-vector) → N×D (or D) in [0, 1]; plain numpy, cheap enough per mouse move."""
        mean, comps = self._fitted()
        z = np.asarray(z, dtype=np.float32)
        out = z @ comps + mean
        result: np.ndarray = np.clip(out, 0.0, 1.0, out=out)
        return result

    def reconstruct(self, x: np.ndarray) -> np.ndarray:
        """Project and decode; same shape as `x`."""
        return self.inverse_transform(self.transform(x)).reshape(np.shape(x))

    def per_sample_error(self, x: np.ndarray) -> np.ndarray:
        """Per-sample mean squared reconstruction error (N values)."""
        flat = _flat(x)
        result: np.ndarray = ((self.inverse_transform(self.transform(flat)) - flat) ** 2).mean(axis=1)
        return result

    def reconstruction_error(self, x: np.ndarray) -> float:
        """Mean over samples of the per-sample MSE."""
        return float(self.per_sample_error(x).mean())

    @staticmethod
    def error_at_k(x_train: np.ndarray, x_eval: np.ndarray, k: int) -> float:
        """Reconstruction error on `x_eval` of a k-component PCA fitted on `x_train`."""
        return PcaBaseline().fit(x_train, k).reconstruction_error(x_eval)

    @staticmethod
    def errors_by_k(x_train: np.ndarray, x_eval: np.ndarray, ks: Iterable[int]) -> dict[int, float]:
        """Errors for several k with one fit: PCA components are nested, so the first k of the largest fit."""
        ks = sorted(set(int(k) for k in ks))
        full = PcaBaseline().fit(x_train, ks[-1])
        assert full.components_ is not None  # set by fit
        out = {}
        for k in ks:
            part = PcaBaseline()
            part.pca, part.mean_, part.components_ = full.pca, full.mean_, full.components_[:k]
            part.sample_shape = full.sample_shape
            out[k] = part.reconstruction_error(x_eval)
        return out


def _flat(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x.reshape(len(x), -1) if x.ndim != 2 else x
