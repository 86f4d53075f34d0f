"""Projections of wide codes and their inverses: PCA exact, IDW exact at data points and smooth between."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from aeviewer.core.errors import AeviewerError
from aeviewer.core.latent.embedding import (
    EmbeddingCancelled,
    IdwInverse,
    fit_embedding,
    has_module,
    method_availability,
    pca_embedding,
)


def clustered_codes(n: int = 150, d: int = 8, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4.0, size=(3, d))
    return (centres[rng.integers(0, 3, n)] + rng.normal(size=(n, d))).astype(np.float32)


def test_pca_inverse_is_exact_on_the_plane():
    codes = clustered_codes()
    emb = pca_embedding(codes)
    xy = np.array([[0.3, -1.2], [2.0, 0.5]])
    back = emb.to_plane(emb.from_plane(xy))
    np.testing.assert_allclose(back, xy, atol=1e-4)
    assert emb.method == "pca" and "exact" in emb.inverse_label


def test_idw_returns_the_stored_code_at_a_data_point():
    rng = np.random.default_rng(1)
    points, codes = rng.normal(size=(40, 2)), rng.normal(size=(40, 6))
    idw = IdwInverse(points, codes, k=6)
    np.testing.assert_allclose(idw.from_plane(points[7]), codes[7], rtol=1e-6)
    np.testing.assert_allclose(idw.from_plane(points[:5]), codes[:5], rtol=1e-6)
    # Code space → plane is exact at a stored code too.
    np.testing.assert_allclose(idw.to_plane(codes[3:4])[0], points[3], rtol=1e-6)


def test_idw_varies_smoothly_between_points():
    rng = np.random.default_rng(2)
    points, codes = rng.uniform(-1, 1, size=(60, 2)), rng.normal(size=(60, 4))
    idw = IdwInverse(points, codes, k=8)
    a, b = points[0], points[1]
    path = a + np.linspace(0, 1, 400)[:, None] * (b - a)
    steps = np.linalg.norm(np.diff(idw.from_plane(path), axis=0), axis=1)
    jumps = np.linalg.norm(codes[:, None] - codes[None], axis=2).max()
    # No step along a fine path jumps by more than a small fraction of the codes' spread.
    assert steps.max() < 0.1 * jumps
    # Between points the result is a convex mix: inside the codes' bounding box.
    mid = idw.from_plane((a + b) / 2)
    assert np.all(mid <= codes.max(axis=0) + 1e-9) and np.all(mid >= codes.min(axis=0) - 1e-9)


def test_trust_is_zero_on_a_point_and_grows_away_from_the_data():
    emb = pca_embedding(clustered_codes())
    assert emb.trust(emb.points[0]) == pytest.approx(0.0, abs=1e-5)
    far = emb.points.max(axis=0) + 50 * emb.spacing
    assert emb.trust(far) > 40


def test_tsne_embedding_decodes_back_to_stored_codes():
    codes = clustered_codes(n=120)
    emb = fit_embedding("tsne", codes, seed=0)
    assert emb.points.shape == (120, 2) and np.all(np.isfinite(emb.points))
    np.testing.assert_allclose(emb.from_plane(emb.points[5]), codes[5], rtol=1e-5, atol=1e-6)
    assert "IDW" in emb.inverse_label
    # A new code lands near its nearest data code's point.
    placed = emb.to_plane(codes[10:11] + 1e-4)[0]
    assert np.linalg.norm(placed - emb.points[10]) < emb.spacing


@pytest.mark.skipif(not has_module("openTSNE"), reason="openTSNE not installed")
def test_tsne_reports_progress_and_can_be_cancelled():
    codes = clustered_codes(n=100)
    seen: list[tuple] = []
    frames: list[np.ndarray] = []
    cancel = threading.Event()

    def progress(done, total):
        seen.append((done, total))
        if len(seen) == 3:
            cancel.set()

    with pytest.raises(EmbeddingCancelled):
        fit_embedding("tsne", codes, progress=progress, cancel=cancel, intermediate=frames.append)
    assert len(seen) >= 3 and frames and frames[0].shape == (100, 2)


def test_umap_is_either_available_or_says_how_to_install():
    ok, message = method_availability()["umap"]
    if not ok:
        assert "pip install" in message
        with pytest.raises(AeviewerError, match="pip install"):
            fit_embedding("umap", clustered_codes())


@pytest.mark.skipif(not has_module("umap") or not os.environ.get("AEVIEWER_SLOW_TESTS"),
                    reason="needs umap-learn and AEVIEWER_SLOW_TESTS=1 (numba compiles for ~25 s)")
def test_umap_inverse_maps_back_near_the_codes():
    codes = clustered_codes(n=150)
    emb = fit_embedding("umap", codes, seed=0)
    back = emb.from_plane(emb.points[:10])
    assert back.shape == (10, 8) and np.all(np.isfinite(back))
    # The inverse lands much nearer its own code than a random other code.
    own = np.linalg.norm(back - codes[:10], axis=1).mean()
    other = np.linalg.norm(back - codes[50:60], axis=1).mean()
    assert own < other


def test_unknown_method_is_a_clear_error():
    with pytest.raises(AeviewerError, match="Unknown projection"):
        fit_embedding("mds", clustered_codes())
