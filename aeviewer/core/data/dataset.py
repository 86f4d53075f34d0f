"""The one in-memory dataset value every loader returns and every model trains on."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, eq=False)
class Dataset:
    """float32 samples in [0, 1], shaped N×C×H×W (images) or N×D (vectors), with an optional split.

    `is_test` marks the held-out samples: the source's own test split where it has one,
    else a seeded hold-out (see `with_holdout`).
    """

    name: str
    x: np.ndarray
    y: np.ndarray | None = None
    class_names: tuple[str, ...] = ()
    source: str = ""
    is_test: np.ndarray | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()  # what a loader decided that the user should know (e.g. a detected label column)

    def __post_init__(self) -> None:
        if self.x.dtype != np.float32:
            raise TypeError(f"Dataset.x must be float32, got {self.x.dtype}")
        if self.x.ndim not in (2, 4):
            raise ValueError(f"Dataset.x must be N×D or N×C×H×W, got shape {self.x.shape}")
        if self.y is not None and len(self.y) != len(self.x):
            raise ValueError(f"{len(self.x)} samples but {len(self.y)} labels")
        if self.is_test is not None and len(self.is_test) != len(self.x):
            raise ValueError("is_test must have one entry per sample")

    def __len__(self) -> int:
        return len(self.x)

    @property
    def image_shape(self) -> tuple[int, int, int] | None:
        """(C, H, W) for image data, None for plain vectors."""
        return tuple(self.x.shape[1:]) if self.x.ndim == 4 else None

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:])

    @property
    def n_features(self) -> int:
        return int(np.prod(self.x.shape[1:]))

    @property
    def flat(self) -> np.ndarray:
        """N×D view, for PCA and other vector methods."""
        return self.x.reshape(len(self.x), -1)

    def with_holdout(self, fraction: float = 0.2, seed: int = 0) -> Dataset:
        """A copy whose `is_test` is a seeded random hold-out, for sources without their own split."""
        rng = np.random.default_rng(seed)
        n_test = int(round(len(self.x) * fraction))
        mask = np.zeros(len(self.x), dtype=bool)
        mask[rng.permutation(len(self.x))[:n_test]] = True
        return Dataset(self.name, self.x, self.y, self.class_names, self.source, mask, self.notes)

    def split(self, test: bool) -> Dataset:
        """The train (test=False) or test (test=True) part; the whole set when there is no split."""
        if self.is_test is None:
            return self
        idx = np.flatnonzero(self.is_test == test)
        return self.subset(idx)

    def subset(self, idx: np.ndarray) -> Dataset:
        y = None if self.y is None else self.y[idx]
        is_test = None if self.is_test is None else self.is_test[idx]
        return Dataset(self.name, self.x[idx], y, self.class_names, self.source, is_test, self.notes)

    def class_name(self, label: int) -> str:
        if 0 <= label < len(self.class_names):
            return self.class_names[label]
        return str(label)
