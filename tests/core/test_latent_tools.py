"""Interpolation paths, attribute vectors, code sampling and the manifold grid."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core.latent.generation import CodeSampler
from aeviewer.core.latent.interpolation import attribute_vector, interpolate, slerp
from aeviewer.core.latent.manifold import grid_points, manifold_grid


def test_linear_path_is_evenly_spaced_with_exact_ends():
    a, b = np.array([0.0, 1.0, 2.0]), np.array([4.0, -1.0, 2.0])
    path = interpolate(a, b, 5)
    np.testing.assert_array_equal(path[0], a)
    np.testing.assert_array_equal(path[-1], b)
    np.testing.assert_allclose(np.diff(path, axis=0), np.tile((b - a) / 4, (4, 1)), rtol=1e-6)


def test_slerp_has_exact_ends_and_keeps_the_norm_between_equal_norm_ends():
    rng = np.random.default_rng(0)
    a = rng.normal(size=16)
    b = rng.normal(size=16)
    b *= np.linalg.norm(a) / np.linalg.norm(b)
    path = interpolate(a, b, 9, kind="slerp")
    np.testing.assert_allclose(path[0], a, rtol=1e-6)
    np.testing.assert_allclose(path[-1], b, rtol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), np.linalg.norm(a), rtol=1e-5)
    # A straight line between the same ends dips towards the origin.
    assert np.linalg.norm(interpolate(a, b, 9)[4]) < 0.95 * np.linalg.norm(a)


def test_slerp_of_parallel_vectors_is_the_straight_line():
    a = np.array([1.0, 2.0])
    np.testing.assert_allclose(slerp(a, 3 * a, np.array([0.5]))[0], 2 * a)


def test_interpolate_rejects_nonsense():
    with pytest.raises(ValueError):
        interpolate(np.zeros(2), np.ones(2), 1)
    with pytest.raises(ValueError):
        interpolate(np.zeros(2), np.ones(2), 4, kind="bezier")


def test_attribute_vector_is_the_difference_of_class_means():
    codes = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 4.0], [12.0, 6.0]])
    labels = np.array([0, 0, 1, 1])
    np.testing.assert_allclose(attribute_vector(codes, labels, towards=1, away_from=0), [10.0, 5.0])
    with pytest.raises(ValueError, match="label 7"):
        attribute_vector(codes, labels, 7, 0)


def test_prior_samples_are_standard_normal():
    samples = CodeSampler.for_model("vae", np.zeros((3, 4))).sample(20_000, seed=0)
    assert samples.shape == (20_000, 4)
    np.testing.assert_allclose(samples.mean(axis=0), 0, atol=0.05)
    np.testing.assert_allclose(samples.std(axis=0), 1, atol=0.05)


def test_plain_autoencoder_samples_follow_its_codes():
    rng = np.random.default_rng(1)
    codes = rng.normal(loc=[5.0, -3.0], scale=[2.0, 0.5], size=(5000, 2))
    sampler = CodeSampler.for_model("ae", codes)
    assert "fitted" in sampler.source
    samples = sampler.sample(20_000, seed=2)
    np.testing.assert_allclose(samples.mean(axis=0), [5.0, -3.0], atol=0.1)
    np.testing.assert_allclose(samples.std(axis=0), [2.0, 0.5], rtol=0.05)
    # The density is highest at the mean.
    dens = sampler.log_density(np.array([[5.0, -3.0], [9.0, -3.0]]))
    assert dens[0] > dens[1]


def test_grid_points_tile_the_region_top_row_first():
    pts = grid_points((0.0, 4.0), (0.0, 2.0), 4)
    assert pts.shape == (16, 2)
    np.testing.assert_allclose(pts[0], [0.5, 1.75])
    np.testing.assert_allclose(pts[-1], [3.5, 0.25])


def test_manifold_grid_mosaic_has_one_tile_per_grid_point():
    shape = (1, 3, 2)
    # The "decoder" paints each tile with its x coordinate so tiles can be told apart.
    decode = lambda codes: np.repeat(codes[:, :1], 6, axis=1).reshape(len(codes), *shape)  # noqa: E731
    img = manifold_grid(decode, lambda xy: xy, (0.0, 1.0), (0.0, 1.0), 5, shape)
    assert img.shape == (5 * 3, 5 * 2, 1)
    tiles = img[::3, ::2, 0]
    assert tiles.shape == (5, 5)
    assert np.all(np.diff(tiles.astype(int), axis=1) > 0)  # x grows left to right in every row


def test_decoder_maps_say_where_the_data_is():
    from aeviewer.core.latent.decoder_map import decoder_map

    rng = np.random.default_rng(3)
    data = rng.normal(size=(300, 2))
    grid = np.array([[0.0, 0.0], [8.0, 8.0]])
    dens = decoder_map("density", grid, data, model_kind="vae")
    assert dens[0] > dens[1]
    dist = decoder_map("distance", grid, data)
    assert dist[0] < 0.5 < 5 < dist[1]
    # An encoder that undoes the decoder has no drift; a lossy one drifts.
    identity = decoder_map("drift", grid, data, decode=lambda z: z * 2, encode=lambda x: x / 2)
    np.testing.assert_allclose(identity, 0, atol=1e-6)
    lossy = decoder_map("drift", grid, data, decode=lambda z: np.clip(z, -1, 1), encode=lambda x: x)
    assert lossy[0] == pytest.approx(0) and lossy[1] > 9


def test_corruptions_change_what_they_say_and_nothing_at_zero():
    from aeviewer.core.data.corruption import corrupt

    x = np.full((1, 8, 8), 0.5, np.float32)
    for kind in ("gaussian", "salt_pepper", "occlusion"):
        np.testing.assert_array_equal(corrupt(x, (1, 8, 8), kind, 0.0), x)
        out = corrupt(x, (1, 8, 8), kind, 0.5, seed=1)
        assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1 and not np.array_equal(out, x)
    occluded = corrupt(x, (1, 8, 8), "occlusion", 0.5)
    assert np.sum(occluded == 0) == 16 and occluded[0, 3, 3] == 0 and occluded[0, 0, 0] == 0.5
    flat = corrupt(np.full(64, 0.5, np.float32), (64,), "occlusion", 0.25)
    assert np.sum(flat == 0) == 4
    with pytest.raises(ValueError):
        corrupt(x, (1, 8, 8), "blur", 0.5)


def test_lasso_and_box_select_the_enclosed_points():
    from aeviewer.core.latent.selection import points_in_box, points_in_polygon

    pts = np.array([[0.2, 0.2], [1.5, 0.5], [0.9, 0.9], [0.2, 0.6], [-1, 0]])
    triangle = np.array([[0, 0], [1, 0], [0, 1]])  # the lower-left half of the unit square
    np.testing.assert_array_equal(points_in_polygon(pts, triangle), [True, False, False, True, False])
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]])
    np.testing.assert_array_equal(points_in_polygon(pts, square), [True, False, True, True, False])
    np.testing.assert_array_equal(points_in_box(pts, (0, 1), (0, 1)), [True, False, True, True, False])
    assert not points_in_polygon(pts, square[:2]).any()
