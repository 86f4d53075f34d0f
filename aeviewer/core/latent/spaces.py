"""What the explorer views show, computed without a window: points on a plane, and decodes from it.

The GUI has two of these side by side: the autoencoder's latent plane and the PCA plane.
Both answer the same questions, so one view class serves both.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import torch

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.latent.embedding import Embedding, pca_embedding
from aeviewer.core.latent.pca import PcaBaseline
from aeviewer.core.models import Autoencoder
from aeviewer.core.models.inference import decode_array, encode_array, reconstruct_array

MAX_SHOWN = 10_000  # points in the scatters: enough to see the structure, cheap to redraw
#: Largest plane coordinate handed to the views (the sessions' bound too): Qt's transforms overflow, and have
#: segfaulted, long before the 1e308 a model with huge (allowed) weights or a NaN code can produce.
MAX_PLANE = 1e6


def drawable(values: np.ndarray) -> np.ndarray:
    """`values` with NaN at 0 and everything within ±MAX_PLANE, as float32: safe to project and to draw."""
    out = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, posinf=MAX_PLANE, neginf=-MAX_PLANE)
    return np.clip(out, -MAX_PLANE, MAX_PLANE).astype(np.float32)


def _autoencoder(model: torch.nn.Module) -> Autoencoder:
    """The model as the checker's Autoencoder: an aeviewer model or a UserAutoencoder, the same encode/decode."""
    return cast(Autoencoder, model)


def shown_samples(dataset: Dataset, limit: int = MAX_SHOWN) -> Dataset:
    """The held-out samples the views show, a seeded subset when there are too many to plot."""
    shown = dataset.split(test=True)
    if len(shown) > limit:
        shown = shown.subset(np.sort(np.random.default_rng(0).choice(len(shown), limit, replace=False)))
    return shown


def sample_error(original: np.ndarray, reconstruction: np.ndarray) -> float:
    """Mean squared error of one reconstruction: the number shown under it."""
    diff = np.asarray(reconstruction, np.float32).reshape(-1) - np.asarray(original, np.float32).reshape(-1)
    return float(np.mean(diff * diff))


class PointDecoder:
    """Decodes one latent code at a time into a preallocated input tensor; called once per mouse move.

    Each thread gets its own input tensor: a slow model is decoded in a background thread while the
    GUI thread may decode with the same space (an export, a panel) at the same time.
    """

    def __init__(self, model: torch.nn.Module, latent_dim: int) -> None:
        self.model = model
        param = next(model.parameters())
        self._dtype, self._device, self._latent_dim = param.dtype, param.device, latent_dim
        self._local = threading.local()

    def _input(self) -> torch.Tensor:
        z = getattr(self._local, "z", None)
        if z is None:
            z = self._local.z = torch.zeros(1, self._latent_dim, dtype=self._dtype, device=self._device)
        return z

    def __call__(self, code: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            z = self._input()
            z.copy_(torch.from_numpy(np.asarray(code, dtype=np.float32)).view(1, -1))
            out = _autoencoder(self.model).decode(z)
            sample: np.ndarray = out[0].float().cpu().numpy()
            return sample


@dataclass
class AutoencoderSpace:
    """An autoencoder's codes of `data`, placed on a plane (the latent itself when it is 2-D)."""

    model: torch.nn.Module
    data: Dataset
    codes: np.ndarray
    projection: Embedding  # PCA plane by default; t-SNE/UMAP through `with_embedding`
    points: np.ndarray
    _decoder: PointDecoder = field(repr=False)
    _recon: np.ndarray | None = field(default=None, repr=False)
    _errors: np.ndarray | None = field(default=None, repr=False)  # per sample, when the snapshot brought them

    @classmethod
    def build(cls, model: torch.nn.Module, data: Dataset, codes: np.ndarray | None = None,
              projection: Embedding | None = None, errors: np.ndarray | None = None) -> AutoencoderSpace:
        """`projection`: the codes' PCA plane when the caller fitted it already (a training snapshot does,
        in its own thread, so the GUI thread only draws); `errors` likewise the samples' reconstruction errors."""
        model.eval()
        if codes is None:
            codes = encode_array(_autoencoder(model), data.x)
        if projection is None or projection.codes.shape != codes.shape:
            projection = pca_embedding(drawable(codes))
        space = cls(model, data, codes, projection, drawable(projection.points), PointDecoder(model, codes.shape[1]))
        if errors is not None and len(errors) == len(data):
            space._errors = np.asarray(errors, np.float32)
        return space

    def with_embedding(self, embedding: Embedding) -> AutoencoderSpace:
        """The same model and codes shown through another projection (t-SNE, UMAP, PCA)."""
        if embedding.codes.shape != self.codes.shape:
            raise ValueError(f"embedding of {embedding.codes.shape} codes does not fit {self.codes.shape}")
        return AutoencoderSpace(self.model, self.data, self.codes, embedding, drawable(embedding.points),
                                self._decoder, self._recon, self._errors)

    @property
    def latent_dim(self) -> int:
        return int(self.codes.shape[1])

    def code_at(self, xy: np.ndarray) -> np.ndarray:
        return self.projection.from_plane(xy)

    def decode_at(self, xy: np.ndarray) -> np.ndarray:
        return self._decoder(self.code_at(xy))

    def decode_cost_ms(self, repeats: int = 5, enough_ms: float = 60.0) -> float:
        """Median time of one probe decode on the calling thread, after a warm-up decode.

        The window decodes on its own thread only when this fits its per-move budget. Stops early once
        `enough_ms` have been spent, so a slow model is found out without a long pause.
        """
        centre = self.points.mean(axis=0) if len(self.points) else np.zeros(2)
        self.decode_at(centre)
        times: list[float] = []
        start = time.perf_counter()
        while len(times) < repeats and (time.perf_counter() - start) * 1e3 < enough_ms:
            t = time.perf_counter()
            self.decode_at(centre)
            times.append((time.perf_counter() - t) * 1e3)
        return float(np.median(times))

    def decode_code(self, code: np.ndarray) -> np.ndarray:
        """One latent code → one decoded sample (the fast path used while dragging sliders)."""
        return self._decoder(code)

    def decode_codes(self, codes: np.ndarray) -> np.ndarray:
        """N codes → N decoded samples, batched."""
        out = decode_array(_autoencoder(self.model), codes) if hasattr(self.model, "config") else np.stack(
            [self._decoder(c) for c in np.atleast_2d(codes)])
        return out.reshape(len(out), *self.data.sample_shape)

    def place(self, codes: np.ndarray) -> np.ndarray:
        """Where codes land on the current plane (exact for PCA, interpolated for t-SNE/UMAP), drawable."""
        return drawable(self.projection.to_plane(codes))

    def reconstructions(self) -> np.ndarray:
        if self._recon is None:
            self._recon = reconstruct_array(_autoencoder(self.model), self.data.x)
        return self._recon

    def reconstruction(self, index: int) -> np.ndarray:
        """One sample's reconstruction; computed alone unless all are cached (snapshots arrive 4× a second)."""
        if self._recon is not None:
            result: np.ndarray = self._recon[index]
            return result
        one: np.ndarray = reconstruct_array(_autoencoder(self.model), self.data.x[index : index + 1])[0]
        return one

    def errors(self) -> np.ndarray:
        """Per-sample mean squared error of the reconstruction."""
        if self._errors is not None:
            return self._errors
        diff = self.reconstructions().reshape(len(self.data), -1) - self.data.flat
        result: np.ndarray = np.mean(diff * diff, axis=1)
        return result


@dataclass
class PcaSpace:
    """PCA, the linear baseline: fit on the training part, shown on the held-out part."""

    baseline: PcaBaseline
    data: Dataset
    points: np.ndarray

    @classmethod
    def build(cls, train: Dataset, shown: Dataset, n_components: int = 2) -> PcaSpace:
        baseline = PcaBaseline().fit(train.flat, n_components=n_components)
        return cls(baseline, shown, baseline.transform(shown.flat)[:, :2].astype(np.float32))

    def decode_at(self, xy: np.ndarray) -> np.ndarray:
        result: np.ndarray = self.baseline.inverse_transform(np.asarray(xy, dtype=np.float64).reshape(1, -1))[0]
        return result

    def place_samples(self, samples: np.ndarray) -> np.ndarray:
        """Where samples (e.g. the autoencoder's decodes) land on PCA's plane: links the two probes."""
        result: np.ndarray = self.baseline.transform(samples)
        return result[:, :2].astype(np.float32)

    def reconstruction(self, index: int) -> np.ndarray:
        result: np.ndarray = self.baseline.reconstruct(self.data.flat[index : index + 1])[0]
        return result

    def errors(self) -> np.ndarray:
        return self.baseline.per_sample_error(self.data.flat)


def pca_error_at(train: Dataset, shown: Dataset, k: int) -> float:
    """Mean reconstruction error of PCA with k components: the fair comparison for a k-D autoencoder."""
    k = max(1, min(k, train.n_features, len(train)))
    return PcaBaseline.error_at_k(train.flat, shown.flat, k)


@dataclass
class DatasetBaseline:
    """What the window shows of a dataset before any model: the shown samples, their PCA plane and PCA's
    held-out error at the code sizes asked for. Computed with the load, off the GUI thread: for an
    MNIST-sized set the two PCA fits took ~0.5 s of the window's time."""

    dataset: Dataset
    shown: Dataset
    pca_space: PcaSpace
    pca_errors: dict[int, float]

    @classmethod
    def compute(cls, dataset: Dataset, ks: Iterable[int] = (), shown: Dataset | None = None) -> DatasetBaseline:
        """`shown`: the samples the window already shows (else `shown_samples(dataset)`)."""
        shown = shown_samples(dataset) if shown is None else shown
        train = dataset.split(test=False)
        errors = {int(k): pca_error_at(train, shown, int(k)) for k in set(ks)}
        return cls(dataset, shown, PcaSpace.build(train, shown), errors)


def load_with_baseline(spec: str, ks: Iterable[int] = ()) -> DatasetBaseline:
    """Load a dataset (see `core.loaders.load_dataset`) and compute its baseline, in the caller's thread."""
    return DatasetBaseline.compute(load_dataset(spec), ks)
