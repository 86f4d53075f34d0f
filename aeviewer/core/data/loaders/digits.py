"""scikit-learn's 8×8 digits: the dataset that works offline, out of the box, in a second."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.loaders._common import HOLDOUT_FRACTION, HOLDOUT_SEED

DIGITS_FILE = Path("datasets") / "data" / "digits.csv.gz"  # inside the scikit-learn package


def load_digits() -> Dataset:
    """1797 images 1×8×8 scaled to [0, 1] (the source uses 0..16), labels 0-9, seeded 20% hold-out."""
    pixels, target = _digits_table()
    x = (np.asarray(pixels, dtype=np.float32) / np.float32(16.0)).reshape(-1, 1, 8, 8)
    y = np.asarray(target, dtype=np.int64)
    names = tuple(str(i) for i in range(10))
    ds = Dataset("digits", np.ascontiguousarray(x), y, names, "scikit-learn digits")
    return ds.with_holdout(HOLDOUT_FRACTION, seed=HOLDOUT_SEED)


def _digits_table() -> tuple[np.ndarray, np.ndarray]:
    """(N×64 pixels, N labels) from the file scikit-learn ships, read without importing scikit-learn:
    the app opens on digits, and importing scikit-learn costs ~0.9 s of its start. Falls back to
    scikit-learn's own loader when the file is not where it is expected."""
    spec = importlib.util.find_spec("sklearn")
    for root in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(root) / DIGITS_FILE
        if path.is_file():
            table = np.loadtxt(path, delimiter=",", dtype=np.float32)
            return table[:, :-1], table[:, -1]
    from sklearn.datasets import load_digits as sk_load_digits  # embedded in the wheel, no download

    bunch = sk_load_digits()
    return bunch.data, bunch.target
