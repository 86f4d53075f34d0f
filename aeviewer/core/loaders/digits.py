"""scikit-learn's 8×8 digits: the dataset that works offline, out of the box, in a second."""

from __future__ import annotations

import numpy as np

from aeviewer.core.dataset import Dataset
from aeviewer.core.loaders._common import HOLDOUT_FRACTION, HOLDOUT_SEED


def load_digits() -> Dataset:
    """1797 images 1×8×8 scaled to [0, 1] (the source uses 0..16), labels 0-9, seeded 20% hold-out."""
    from sklearn.datasets import load_digits as sk_load_digits  # embedded in the wheel, no download

    bunch = sk_load_digits()
    x = (np.asarray(bunch.images, dtype=np.float32) / np.float32(16.0))[:, None, :, :]
    y = np.asarray(bunch.target, dtype=np.int64)
    names = tuple(str(i) for i in range(10))
    ds = Dataset("digits", np.ascontiguousarray(x), y, names, "scikit-learn digits")
    return ds.with_holdout(HOLDOUT_FRACTION, seed=HOLDOUT_SEED)
