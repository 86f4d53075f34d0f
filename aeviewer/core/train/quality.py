"""How good is a trained model, measured against what a user could get for free on the same held-out data.

A model "works" when its held-out error beats the mean image (predicting the average for every input) and,
for the claim that an autoencoder is the stronger nonlinear method, PCA with as many components as its code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.latent.pca import PcaBaseline
from aeviewer.core.train.collapse import Collapse, CollapseWatch, active_dimensions, diagnose

_DIAGNOSE_SAMPLES = 1000


@dataclass(frozen=True)
class QualityReport:
    """Held-out per-value MSE of the model and of the two baselines; VAE figures where they apply."""

    mse: float
    mean_image_mse: float
    pca_mse: float
    k: int
    n_train: int
    n_test: int
    kl_per_dim: tuple[float, ...] | None = None
    active_dims: int | None = None
    collapse: str | None = None

    @property
    def ratio_to_pca(self) -> float:
        return self.mse / self.pca_mse if self.pca_mse > 0 else float("inf")

    @property
    def ratio_to_mean(self) -> float:
        return self.mse / self.mean_image_mse if self.mean_image_mse > 0 else float("inf")

    def per_image_squared_error(self, n_features: int) -> float:
        """Summed over the pixels of one image, as Hinton & Salakhutdinov (2006) report it."""
        return self.mse * n_features

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ratio_to_pca"], d["ratio_to_mean"] = self.ratio_to_pca, self.ratio_to_mean
        return d


def mean_image_error(train: np.ndarray, test: np.ndarray) -> float:
    """Per-value MSE on `test` of predicting the training set's mean image for every sample."""
    train, test = _flat(train), _flat(test)
    return float(((test - train.mean(axis=0)) ** 2).mean())


def evaluate(model: Any, dataset: Dataset, *, losses: dict[str, float] | None = None) -> QualityReport:
    """Held-out error of `model` on `dataset`'s test split (the whole set when it has none) and baselines."""
    from aeviewer.core.models.inference import encode_array, reconstruct_array

    train, test = dataset.split(test=False), dataset.split(test=True)
    k = int(model.config.latent_dim)
    rec = reconstruct_array(model, test.x)
    mse = float(((rec.reshape(len(test), -1) - test.flat) ** 2).mean())
    pca = PcaBaseline.error_at_k(train.flat, test.flat, min(k, *train.flat.shape))
    kl = active = None
    if model.config.kind == "vae":
        kl_dims = kl_per_dimension(model, test.x)
        kl, active = tuple(float(v) for v in kl_dims), active_dimensions(encode_array(model, test.x))
    found = check_collapse(model, test.x, losses=losses)
    return QualityReport(mse, mean_image_error(train.x, test.x), pca, k, len(train), len(test), kl, active,
                         None if found is None else found.message)


def check_collapse(model: Any, x: np.ndarray, *, losses: dict[str, float] | None = None) -> Collapse | None:
    """`diagnose` on up to 1,000 samples of `x` (a fixed stride, so repeated checks see the same ones)."""
    from aeviewer.core.models.inference import encode_array, reconstruct_array

    sample = fixed_sample(x)
    return diagnose(sample, encode_array(model, sample), reconstruct_array(model, sample),
                    kind=model.config.kind, losses=losses)


def fixed_sample(x: np.ndarray) -> np.ndarray:
    """Up to 1,000 samples of `x` at a fixed stride, so repeated checks see the same ones."""
    step = max(1, len(x) // _DIAGNOSE_SAMPLES)
    return np.asarray(x[::step][:_DIAGNOSE_SAMPLES], dtype=np.float32)


def kl_per_dimension(model: Any, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """A VAE's mean KL(q(z|x) ‖ N(0, I)) per code dimension over `x`, in nats."""
    import torch

    from aeviewer.core.models.inference import model_device

    device = model_device(model)
    was_training = model.training
    model.eval()
    total = torch.zeros(model.config.latent_dim, dtype=torch.float64)
    try:
        with torch.inference_mode():
            t = torch.as_tensor(np.asarray(x, dtype=np.float32))
            for i in range(0, len(t), batch_size):
                mu, logvar = model.moments(t[i : i + batch_size].to(device))
                total += (0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)).sum(dim=0).double().cpu()
    finally:
        model.train(was_training)
    return (total / max(1, len(x))).numpy()


def _flat(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x.reshape(len(x), -1)


class HealthMonitor:
    """Checks a run for collapse at the end of each epoch, on a fixed sample of its training data, and says
    so once (see `CollapseWatch`): the CLI prints it, the window shows it over the latent view."""

    def __init__(self, x: np.ndarray, *, every: int = 1) -> None:
        self.sample = fixed_sample(x)
        self.every = max(1, every)
        self.watch = CollapseWatch()

    def epoch_end(self, model: Any, epoch: int, losses: dict[str, float] | None = None) -> Collapse | None:
        """The collapse newly confirmed at this epoch, or None."""
        if epoch % self.every:
            return None
        return self.watch.update(epoch, check_collapse(model, self.sample, losses=losses))

    def final(self) -> Collapse | None:
        return self.watch.final()


def quality_summary(report: QualityReport, already_said: str | None = None) -> str:
    """One line for the terminal: the held-out error beside both baselines, and what it means; a collapse
    warning follows unless it is `already_said` (printed during training)."""
    verdict = (f"{(1 - report.ratio_to_pca) * 100:.0f} % below PCA" if report.ratio_to_pca < 1
               else f"{(report.ratio_to_pca - 1) * 100:.0f} % above PCA: the linear baseline wins")
    line = (f"held-out reconstruction MSE {report.mse:.5f}  (mean image {report.mean_image_mse:.5f}, "
            f"PCA with {report.k} components {report.pca_mse:.5f}: {verdict})")
    if report.active_dims is not None:
        line += f"; {report.active_dims} of {report.k} code dimensions active"
    if report.collapse and report.collapse != already_said:
        line += f"\nwarning: {report.collapse}"
    return line
