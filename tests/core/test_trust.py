"""How far to trust a 2-D view: per-point neighbourhood preservation, trustworthiness and continuity."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.manifold import trustworthiness as sk_trustworthiness

from aeviewer.core.data.loaders.digits import load_digits
from aeviewer.core.latent.pca import PcaBaseline
from aeviewer.core.latent.trust import continuity, local_preservation, trust_report, trust_stages, trustworthiness


@pytest.fixture(scope="module")
def digits_pixels() -> np.ndarray:
    return load_digits().flat[:600].astype(np.float64)


@pytest.fixture(scope="module")
def digits_plane(digits_pixels) -> np.ndarray:
    return PcaBaseline().fit(digits_pixels, 2).transform(digits_pixels).astype(np.float64)


def test_an_exact_2d_code_is_fully_trusted(digits_plane):
    report = trust_report(digits_plane, digits_plane.copy())
    assert report.trustworthiness == pytest.approx(1.0, abs=1e-12)
    assert report.continuity == pytest.approx(1.0, abs=1e-12)
    assert np.all(report.preservation == 1.0) and report.k == 10


def test_a_shuffled_view_is_not(digits_plane):
    shuffled = digits_plane[np.random.default_rng(0).permutation(len(digits_plane))]
    report = trust_report(digits_plane, shuffled)
    assert report.trustworthiness < 0.6 and report.continuity < 0.6  # random: about 0.5
    assert report.mean_preservation < 0.05  # random: k / N ≈ 0.017


def test_it_gives_scikit_learns_figures_on_real_data(digits_pixels, digits_plane):
    # 64-D pixels seen through their PCA plane: a lossy view, so the figures are well below 1. Digits' pixels
    # are sixteenths, so many distances tie, and scikit-learn ranks ties in argsort's (arbitrary) order; a
    # 1e-7 jitter leaves no ties, and then the figures agree to rounding.
    digits_pixels = digits_pixels + 1e-7 * np.random.default_rng(0).random(digits_pixels.shape)
    ours_t = trustworthiness(digits_pixels, digits_plane, 10)
    ours_c = continuity(digits_pixels, digits_plane, 10)
    assert ours_t == pytest.approx(sk_trustworthiness(digits_pixels, digits_plane, n_neighbors=10), abs=1e-9)
    assert ours_c == pytest.approx(sk_trustworthiness(digits_plane, digits_pixels, n_neighbors=10), abs=1e-9)
    assert 0.6 < ours_t < 0.99 and ours_c != ours_t


def test_preservation_is_the_share_of_neighbours_kept(digits_pixels, digits_plane):
    report = trust_report(digits_pixels, digits_plane)
    assert report.preservation.shape == (len(digits_pixels),)
    assert np.all((report.preservation >= 0) & (report.preservation <= 1))
    assert set(np.unique(report.preservation * 10).round(6)) <= set(range(11))  # k = 10: tenths only
    assert 0.1 < report.mean_preservation < 0.9
    assert "neighbours kept" in report.summary() and "continuity" in report.summary()


def test_local_preservation_reads_the_points_around_a_probe(digits_plane):
    shuffled = digits_plane[np.random.default_rng(1).permutation(len(digits_plane))]
    half = len(digits_plane) // 2
    mixed = np.concatenate([digits_plane[:half], shuffled[half:]])  # first half exact, second half random
    report = trust_report(digits_plane, mixed)
    assert report.preservation[:half].mean() > report.preservation[half:].mean()
    assert local_preservation(report, mixed, mixed[0], nearest=1) == report.preservation[0]
    assert 0 <= local_preservation(report, mixed, np.zeros(2)) <= 1


def test_tiny_sets_are_handled():
    report = trust_report(np.zeros((2, 3)), np.zeros((2, 2)))
    assert report.trustworthiness == 1.0 and len(report.preservation) == 2
    small = np.random.default_rng(0).random((7, 3))
    assert 0 <= trust_report(small, small[:, :2]).trustworthiness <= 1
    with pytest.raises(ValueError, match="3 codes but 2"):
        trust_report(np.zeros((3, 2)), np.zeros((2, 2)))


def test_the_colouring_comes_first_then_the_figures(digits_pixels, digits_plane):
    stages = trust_stages(digits_pixels, digits_plane)
    first = next(stages)
    assert not first.complete and "computing" in first.summary()
    with pytest.raises(StopIteration) as done:
        next(stages)
    full = done.value.value
    assert full.complete and np.array_equal(full.preservation, first.preservation)
    again = trust_report(digits_pixels, digits_plane)
    assert (full.trustworthiness, full.continuity) == (again.trustworthiness, again.continuity)
