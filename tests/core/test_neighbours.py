"""Nearest training samples on real digits: the exact search, the tree beyond it, the pixel-space neighbour."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits

from aeviewer.core.latent import neighbours
from aeviewer.core.latent.neighbours import NearestVectors, TrainingNeighbours


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    return (load_digits().data / 16.0).astype(np.float32)


def brute_force(vectors: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    d = np.linalg.norm(vectors.astype(np.float64) - q, axis=1)
    return np.argsort(d, kind="stable")[:k]


def test_exact_search_matches_brute_force_on_digits(digits):
    codes = digits[:, ::8]  # 8 of the 64 pixels: an 8-D "code" per digit
    search = NearestVectors(codes)
    rng = np.random.default_rng(0)
    for q in rng.uniform(0, 1, size=(20, 8)):
        found = search.query(q, k=8)
        # Digits' pixels take 17 values, so distances tie: compare the distances, not which of equals won.
        truth = np.linalg.norm(codes[brute_force(codes, q, 8)].astype(np.float64) - q, axis=1)
        np.testing.assert_allclose(found.distances, truth, rtol=1e-5)
        assert np.all(np.diff(found.distances) >= 0)
        np.testing.assert_allclose(found.distances, np.linalg.norm(codes[found.indices] - q, axis=1), rtol=1e-5)


def test_large_sets_use_a_kd_tree_with_the_same_answer(digits, monkeypatch):
    codes = digits[:, ::8]
    exact = NearestVectors(codes)
    monkeypatch.setattr(neighbours, "EXACT_UP_TO", 100)
    tree = NearestVectors(codes)
    assert tree.uses_index and not exact.uses_index
    q = codes[5] + 0.013
    np.testing.assert_allclose(tree.query(q, 8).distances, exact.query(q, 8).distances, rtol=1e-5)
    # Wide vectors (pictures) stay exact even when many: a tree does not help in 64 dimensions.
    assert not NearestVectors(digits).uses_index


def test_chunks_do_not_change_the_answer(digits, monkeypatch):
    monkeypatch.setattr(neighbours, "CHUNK", 100)
    q = digits[42] * 0.9
    found = NearestVectors(digits).query(q, 5)
    truth = np.linalg.norm(digits[brute_force(digits, q, 5)] - q, axis=1)
    np.testing.assert_allclose(found.distances, truth, rtol=1e-5)


def test_a_training_picture_is_its_own_pixel_neighbour_at_distance_zero(digits):
    codes = digits[:, ::8]
    near = TrainingNeighbours(codes, digits.reshape(-1, 8, 8)).near(codes[7], digits[7], k=3)
    assert near.by_pixels.indices[0] == 7 and near.by_pixels.distances[0] == pytest.approx(0.0, abs=1e-4)
    assert near.by_code.distances[0] == 0.0 and len(near.by_code.indices) == 3  # code 7 or an identical one


def test_wrong_size_query_is_a_clear_error(digits):
    with pytest.raises(ValueError, match="does not match"):
        NearestVectors(digits).query(np.zeros(10))
