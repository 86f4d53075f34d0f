"""The maths behind the explorer views: plane projections, decodes at a point, the PCA side."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.images import display_shape, to_pixels
from aeviewer.core.latent.projection import PlaneProjection
from aeviewer.core.latent.spaces import (
    AutoencoderSpace,
    DatasetBaseline,
    PcaSpace,
    PointDecoder,
    pca_error_at,
    shown_samples,
)
from aeviewer.core.models import ModelConfig, build_model


def small_dataset(n: int = 120) -> Dataset:
    rng = np.random.default_rng(0)
    x = rng.random((n, 1, 6, 6), dtype=np.float32)
    return Dataset("blobs", x, rng.integers(0, 3, n)).with_holdout(0.25, seed=0)


def test_a_2d_code_is_its_own_plane():
    codes = np.random.default_rng(1).normal(size=(50, 2))
    proj = PlaneProjection.fit(codes)
    assert proj.is_identity
    np.testing.assert_allclose(proj.to_plane(codes), codes, rtol=1e-6)
    np.testing.assert_allclose(proj.from_plane(np.array([0.3, -2.0])), [0.3, -2.0], rtol=1e-6)


def test_wider_codes_map_to_their_principal_plane_and_back():
    rng = np.random.default_rng(2)
    # Codes that lie on a 2-D plane inside 8-D space come back exactly.
    basis = np.linalg.qr(rng.normal(size=(8, 2)))[0].T
    codes = rng.normal(size=(200, 2)) @ basis + 5.0
    proj = PlaneProjection.fit(codes)
    assert not proj.is_identity and "8-D" in proj.label
    np.testing.assert_allclose(proj.from_plane(proj.to_plane(codes)), codes, atol=1e-4)
    # The first axis carries the most variance.
    plane = proj.to_plane(codes)
    assert plane[:, 0].var() >= plane[:, 1].var()


def test_point_decoder_matches_model_decode():
    model = build_model(ModelConfig(input_shape=(1, 6, 6), latent_dim=3), seed=0).eval()
    decode = PointDecoder(model, 3)
    code = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    with torch.inference_mode():
        expected = model.decode(torch.from_numpy(code).view(1, -1))[0].numpy()
    np.testing.assert_array_equal(decode(code), expected)
    assert not np.array_equal(decode(code), decode(-code))


def test_point_decoder_gives_each_thread_its_own_input():
    """A slow model is decoded in a background thread while the GUI thread may decode too."""
    import threading

    model = build_model(ModelConfig(input_shape=(1, 6, 6), latent_dim=3), seed=0).eval()
    decode = PointDecoder(model, 3)
    codes = np.random.default_rng(3).normal(size=(2, 2000, 3)).astype(np.float32)
    with torch.inference_mode():
        expected = [model.decode(torch.from_numpy(c)).numpy() for c in codes]
    got: list[list[np.ndarray]] = [[], []]
    barrier = threading.Barrier(2)

    def run(k: int) -> None:
        barrier.wait()
        got[k] = [decode(c) for c in codes[k]]

    workers = [threading.Thread(target=run, args=(k,)) for k in (0, 1)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    for k in (0, 1):
        np.testing.assert_allclose(np.stack(got[k]), expected[k], rtol=1e-5, atol=1e-6)


def test_decode_cost_tells_a_slow_decoder_from_a_fast_one():
    data = small_dataset()
    model = build_model(ModelConfig(input_shape=(1, 6, 6), latent_dim=2), seed=0)
    space = AutoencoderSpace.build(model, data)
    fast_ms = space.decode_cost_ms()  # well under a millisecond alone; a loaded machine adds to it, not to the ratio
    fast = model.decode

    def slow(z):
        import time

        time.sleep(0.02)
        return fast(z)

    model.decode = slow
    slow_ms = space.decode_cost_ms()
    assert 20.0 <= slow_ms < 200.0
    assert slow_ms > fast_ms + 15.0  # the 20 ms the model sleeps, told apart from the plain decode


def test_autoencoder_space_decodes_through_the_projection():
    data = small_dataset()
    model = build_model(ModelConfig(input_shape=(1, 6, 6), latent_dim=5), seed=0)
    space = AutoencoderSpace.build(model, data)
    assert space.points.shape == (len(data), 2)
    xy = space.points[7]
    np.testing.assert_array_equal(space.decode_at(xy), PointDecoder(model, 5)(space.projection.from_plane(xy)))
    errors = space.errors()
    assert errors.shape == (len(data),) and np.all(errors >= 0)


def test_pca_space_inverts_its_plane_and_compares_at_k():
    data = small_dataset()
    space = PcaSpace.build(data.split(test=False), data.split(test=True))
    xy = space.points[3]
    np.testing.assert_allclose(space.decode_at(xy), space.baseline.inverse_transform(xy.reshape(1, -1))[0])
    assert pca_error_at(data.split(test=False), data.split(test=True), 8) < pca_error_at(
        data.split(test=False), data.split(test=True), 1)


def test_pca_places_samples_where_it_shows_them_and_a_decode_of_its_plane_back_on_that_point():
    data = small_dataset()
    space = PcaSpace.build(data.split(test=False), data.split(test=True))
    np.testing.assert_allclose(space.place_samples(space.data.x[:5]), space.points[:5], atol=1e-5)
    xy = np.array([0.3, -0.2])
    np.testing.assert_allclose(space.place_samples(space.decode_at(xy)[None]), [xy], atol=1e-4)


def test_pixels_for_images_vectors_and_colour():
    assert display_shape((1, 8, 8)) == (8, 8, 1)
    assert display_shape((64,)) == (8, 8, 1)
    assert display_shape((10,)) == (1, 10, 1)
    assert display_shape((3, 4, 5)) == (4, 5, 3)
    rgb = np.zeros((3, 2, 2), np.float32)
    rgb[0] = 1.0  # red channel
    px = to_pixels(rgb, (3, 2, 2))
    assert px.shape == (2, 2, 3) and px[0, 0].tolist() == [255, 0, 0]
    assert to_pixels(np.array([-1.0, 0.5, 2.0, 0.0]), (4,)).ravel().tolist() == [0, 128, 255, 0]


def test_one_reconstruction_matches_the_batch_of_all():
    data = small_dataset()
    space = AutoencoderSpace.build(build_model(ModelConfig(input_shape=(1, 6, 6), latent_dim=2), seed=0), data)
    single = space.reconstruction(5)  # computed alone: nothing cached yet
    np.testing.assert_allclose(single, space.reconstructions()[5], atol=1e-6)
    assert single.shape == (1, 6, 6)


def test_a_dataset_baseline_holds_the_shown_samples_pca_plane_and_errors():
    data = small_dataset()
    baseline = DatasetBaseline.compute(data, ks=(2, 5))
    assert np.array_equal(baseline.shown.x, shown_samples(data).x)
    train = data.split(test=False)
    np.testing.assert_allclose(baseline.pca_space.points, PcaSpace.build(train, baseline.shown).points, rtol=1e-5)
    assert set(baseline.pca_errors) == {2, 5}
    assert baseline.pca_errors[5] == pytest.approx(pca_error_at(train, baseline.shown, 5))
    assert baseline.pca_errors[5] < baseline.pca_errors[2]


def test_codes_beyond_what_a_view_can_draw_are_held_within_its_bounds():
    """A model with huge (allowed) weights or a NaN code must not hand Qt a 1e30 coordinate (it segfaults)."""
    from aeviewer.core.latent.spaces import MAX_PLANE

    data = small_dataset()
    model = build_model(ModelConfig(input_shape=(1, 6, 6), latent_dim=2), seed=0)
    codes = np.zeros((len(data), 2), np.float32)
    codes[0] = (1e30, -1e30)
    codes[1] = (np.nan, np.inf)
    codes[2:] = np.random.default_rng(0).normal(size=(len(data) - 2, 2))
    space = AutoencoderSpace.build(model, data, codes)
    assert np.isfinite(space.points).all() and np.abs(space.points).max() <= MAX_PLANE
