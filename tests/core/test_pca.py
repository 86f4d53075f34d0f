import numpy as np
import pytest

from aeviewer.core.latent.pca import PcaBaseline

from .model_data import blobs


def _low_rank(n=200, d=30, rank=3, seed=0):
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((rank, d))
    x = 0.5 + 0.05 * rng.standard_normal((n, rank)) @ basis + 0.001 * rng.standard_normal((n, d))
    return x.astype(np.float32)


def test_inverse_of_transform_is_the_projection():
    x = _low_rank()
    pca = PcaBaseline().fit(x, n_components=3)
    z = pca.transform(x)
    assert z.shape == (200, 3)
    mean = x.mean(axis=0)
    projected = (x - mean) @ pca.components_.T @ pca.components_ + mean
    np.testing.assert_allclose(pca.inverse_transform(z), np.clip(projected, 0, 1), atol=1e-5)
    assert pca.reconstruction_error(x) < 1e-5  # rank-3 data: 3 components explain it


def test_images_are_flattened_and_reconstructed_in_shape():
    x = blobs(64)
    pca = PcaBaseline().fit(x, 2)
    assert pca.transform(x).shape == (64, 2)
    assert pca.inverse_transform(pca.transform(x)).shape == (64, 64)
    rec = pca.reconstruct(x)
    assert rec.shape == x.shape and rec.min() >= 0 and rec.max() <= 1
    assert pca.per_sample_error(x).shape == (64,)
    assert pca.reconstruction_error(x) == pytest.approx(float(pca.per_sample_error(x).mean()))


def test_single_point_inverse_matches_batch_and_clips():
    x = blobs(64)
    pca = PcaBaseline().fit(x, 2)
    z = pca.transform(x[:5])
    one = pca.inverse_transform(z[2])
    assert one.shape == (64,)
    np.testing.assert_allclose(one, pca.inverse_transform(z)[2], atol=1e-6)
    far = pca.inverse_transform(np.array([1e6, -1e6], np.float32))
    assert far.min() >= 0 and far.max() <= 1


def test_error_decreases_with_k():
    x = blobs(256, shape=(1, 8, 8))
    train, held = x[:200], x[200:]
    errors = [PcaBaseline.error_at_k(train, held, k) for k in (1, 2, 4, 8, 16)]
    assert all(a > b for a, b in zip(errors, errors[1:], strict=False))
    by_k = PcaBaseline.errors_by_k(train, held, [1, 2, 4, 8, 16])
    np.testing.assert_allclose(list(by_k.values()), errors, rtol=1e-3)


def test_bad_use_is_reported():
    with pytest.raises(ValueError, match="n_components"):
        PcaBaseline().fit(blobs(10), n_components=11)
    with pytest.raises(RuntimeError, match="fit"):
        PcaBaseline().transform(blobs(3))
