"""New codes to decode: from the model's prior, or from a Gaussian fitted to the data's codes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PRIOR_KINDS = ("vae", "aae")  # models trained to match N(0, I)


@dataclass(frozen=True)
class CodeSampler:
    """A Gaussian over codes; `source` says where it came from, for the UI."""

    mean: np.ndarray
    cov: np.ndarray
    source: str

    @classmethod
    def prior(cls, latent_dim: int) -> CodeSampler:
        return cls(np.zeros(latent_dim), np.eye(latent_dim), "prior N(0, I)")

    @classmethod
    def fitted(cls, codes: np.ndarray) -> CodeSampler:
        """Mean and covariance of the codes (ridge-regularised so a degenerate code still samples)."""
        codes = np.asarray(codes, np.float64)
        d = codes.shape[1]
        cov = np.cov(codes, rowvar=False).reshape(d, d) if len(codes) > 1 else np.eye(d)
        cov = cov + 1e-6 * max(float(np.trace(cov)) / d, 1e-6) * np.eye(d)
        return cls(codes.mean(axis=0), cov, "Gaussian fitted to the codes")

    @classmethod
    def for_model(cls, kind: str, codes: np.ndarray) -> CodeSampler:
        """The prior for VAE/AAE; a fitted Gaussian for the plain and sparse autoencoders, which have no prior."""
        return cls.prior(codes.shape[1]) if kind in PRIOR_KINDS else cls.fitted(codes)

    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        rng = np.random.default_rng(seed)
        return rng.multivariate_normal(self.mean, self.cov, size=n, method="cholesky").astype(np.float32)

    def log_density(self, codes: np.ndarray) -> np.ndarray:
        """Log density of the Gaussian at each code (for the decoder-map heatmap)."""
        codes = np.atleast_2d(np.asarray(codes, np.float64)) - self.mean
        chol = np.linalg.cholesky(self.cov)
        sol = np.linalg.solve(chol, codes.T)
        d = len(self.mean)
        result: np.ndarray = -0.5 * (np.sum(sol * sol, axis=0) + d * np.log(2 * np.pi)) - np.sum(np.log(np.diag(chol)))
        return result
