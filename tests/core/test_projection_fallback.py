"""A projection that does not fit the code width falls back to the code's own plane, with a note, never an error."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core.latent.embedding import fit_embedding, projection_fallback


@pytest.mark.parametrize("method", ["tsne", "umap"])
def test_a_1d_code_is_drawn_as_a_strip_against_its_index_with_a_note(method):
    codes = np.random.default_rng(0).normal(size=(50, 1)).astype(np.float32)
    emb = fit_embedding(method, codes)  # t-SNE on one column raised ValueError (n_components=2 > 1)
    assert emb.method == method  # what was asked for, so the window does not ask again and again
    assert "wider than 2-D" in emb.note and "index" in emb.note
    np.testing.assert_allclose(emb.points[:, 0], codes[:, 0], rtol=1e-6)
    assert np.all(np.diff(emb.points[:, 1]) > 0)  # spread down by index, not all on one line
    # the height means nothing: any point above a sample decodes that sample's code exactly
    np.testing.assert_allclose(emb.from_plane(np.array([codes[7, 0], 123.0])), codes[7], rtol=1e-6)


def test_a_2d_code_needs_no_projection():
    codes = np.random.default_rng(1).normal(size=(40, 2)).astype(np.float32)
    emb = fit_embedding("tsne", codes)
    assert "needs no projection" in emb.note and emb.is_identity
    np.testing.assert_allclose(emb.points, codes, rtol=1e-6)
    np.testing.assert_allclose(emb.from_plane(codes[3]), codes[3], rtol=1e-6)


def test_pca_of_a_1d_code_is_the_strip_too_and_wider_codes_need_no_fallback():
    codes = np.arange(10, dtype=np.float32).reshape(10, 1)
    emb = fit_embedding("pca", codes)
    assert emb.note and emb.label == "latent z₁ by sample index"
    assert projection_fallback("tsne", 3) == "" and projection_fallback("pca", 1) == ""
    assert projection_fallback("umap", 1) and projection_fallback("tsne", 2)
