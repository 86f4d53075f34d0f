"""Precomputed coordinates open as a points-only space; hostile files are refused with one message naming them."""

from __future__ import annotations

import re

import numpy as np
import pytest

from aeviewer.core.errors import DatasetError
from aeviewer.core.latent.point_codes import load_point_codes


def test_two_column_float32_coordinates_are_mapped_not_copied(tmp_path):
    path = tmp_path / "xy.npy"
    points = np.random.default_rng(0).normal(size=(1_000, 2)).astype(np.float32)
    np.save(path, points)
    codes = load_point_codes(path)
    assert isinstance(codes.points, np.memmap) and codes.n == 1_000 and codes.labels is None
    np.testing.assert_array_equal(codes.points, points)
    assert codes.note == "the file's own coordinates"


def test_codes_of_more_dimensions_are_shown_on_their_first_two_principal_components(tmp_path):
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(2_000, 6)) * np.array([10.0, 5.0, 0.1, 0.1, 0.1, 0.1])
    np.save(tmp_path / "codes.npy", codes)
    np.save(tmp_path / "labels.npy", (np.arange(2_000) % 3).astype(np.int32))
    opened = load_point_codes(tmp_path / "codes.npy", tmp_path / "labels.npy")
    assert opened.points.shape == (2_000, 2) and opened.points.dtype == np.float32
    spread = opened.points.std(axis=0)
    assert spread[0] == pytest.approx(10.0, rel=0.1) and spread[1] == pytest.approx(5.0, rel=0.1)
    assert "first two principal components of 6-D codes" in opened.note
    assert opened.class_names == ("0", "1", "2") and opened.labels is not None and opened.labels[4] == 1


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: np.save(p, np.array([{"a": 1}], dtype=object), allow_pickle=True), "pickle"),
    (lambda p: np.save(p, np.zeros(10, np.float32)), "has shape (10,)"),
    (lambda p: np.save(p, np.zeros((10, 1), np.float32)), "has shape (10, 1)"),
    (lambda p: np.save(p, np.zeros((10, 2), np.complex64)), "coordinates must be numbers"),
    (lambda p: p.write_bytes(b"not numpy at all"), "is not a valid NumPy .npy file"),
    (lambda p: p.write_bytes(_npy_bytes(np.zeros((1000, 2), np.float32))[:-100]), "is truncated"),
])
def test_hostile_files_are_refused_with_one_message_naming_the_file(tmp_path, make, message):
    path = tmp_path / "bad.npy"
    make(path)
    with pytest.raises(DatasetError, match=re.escape(message)) as err:
        load_point_codes(path)
    assert str(path) in str(err.value)


def test_a_file_larger_than_the_memory_budget_is_refused_before_loading(tmp_path, monkeypatch):
    path = tmp_path / "big.npy"
    np.save(path, np.zeros((100_000, 3), np.float32))
    monkeypatch.setenv("AEVIEWER_MEMORY_BUDGET", "1000000")
    with pytest.raises(DatasetError, match="would need about"):
        load_point_codes(path)


def test_labels_must_be_one_integer_per_point(tmp_path):
    np.save(tmp_path / "xy.npy", np.zeros((10, 2), np.float32))
    np.save(tmp_path / "short.npy", np.zeros(9, np.int64))
    np.save(tmp_path / "floats.npy", np.zeros(10, np.float32))
    with pytest.raises(DatasetError, match="has 9 labels for 10 points"):
        load_point_codes(tmp_path / "xy.npy", tmp_path / "short.npy")
    with pytest.raises(DatasetError, match="labels must be one integer per point"):
        load_point_codes(tmp_path / "xy.npy", tmp_path / "floats.npy")


def _npy_bytes(arr: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()
