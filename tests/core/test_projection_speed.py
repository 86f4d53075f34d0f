"""What makes projections fast: threads from the free cores, affinities reused, UMAP fits remembered."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core import threads
from aeviewer.core.latent import embedding, fit_cache
from aeviewer.core.latent.embedding import fit_embedding, has_module


def codes(n: int = 120, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.normal(scale=4, size=(3, 6))[rng.integers(0, 3, n)] + rng.normal(size=(n, 6))).astype(np.float32)


def test_free_cores_honours_the_override_and_stays_within_the_allowed(monkeypatch):
    monkeypatch.setenv("AEVIEWER_THREADS", "3")
    assert threads.free_cores() == 3
    monkeypatch.delenv("AEVIEWER_THREADS")
    allowed = len(threads.os.sched_getaffinity(0))
    monkeypatch.setattr(threads, "busy_elsewhere", lambda: 50.0)
    assert threads.free_cores() == 1  # a saturated machine: one thread, never zero
    monkeypatch.setattr(threads, "busy_elsewhere", lambda: 0.0)
    assert threads.free_cores() == allowed
    # Without /proc the load average is the guess.
    monkeypatch.setattr(threads, "busy_elsewhere", lambda: None)
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (50.0, 0.0, 0.0))
    assert threads.free_cores() == 1
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert threads.free_cores() == allowed


def test_busy_elsewhere_counts_other_processes_not_this_one():
    import subprocess
    import sys

    if threads.busy_elsewhere() is None:
        pytest.skip("no /proc here")
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        assert threads.busy_elsewhere(0.3) > 0.5  # another process spinning a core
    finally:
        spinner.kill()
        spinner.wait()
    import threading

    stop = threading.Event()
    spin = threading.Thread(target=lambda: [None for _ in iter(stop.is_set, True)])  # a core of our own, busy
    spin.start()
    try:
        assert threads.busy_elsewhere(0.3) < 0.6  # this process's work is not "elsewhere"
    finally:
        stop.set()
        spin.join()


def test_codes_key_follows_values_not_identity():
    a = codes()
    assert fit_cache.codes_key(a) == fit_cache.codes_key(a.copy())
    b = a.copy()
    b[3, 2] += 1e-3
    assert fit_cache.codes_key(a) != fit_cache.codes_key(b)


@pytest.mark.skipif(not has_module("openTSNE"), reason="openTSNE not installed")
def test_tsne_shows_a_layout_before_the_affinities_and_reuses_them_on_a_rerun(monkeypatch):
    from aeviewer.core.latent import tsne

    tsne.AFFINITIES.clear()
    events: list[str] = []
    real = tsne.affinities

    def counted(*args, **kwargs):
        events.append("affinities")
        return real(*args, **kwargs)

    monkeypatch.setattr(tsne, "affinities", counted)
    data = codes()
    first = fit_embedding("tsne", data, seed=0, intermediate=lambda f: events.append("frame"))
    assert events[0] == "frame" and events[1] == "affinities" and events.count("frame") > 2
    misses = tsne.AFFINITIES.misses
    second = fit_embedding("tsne", data.copy(), seed=1)
    assert tsne.AFFINITIES.misses == misses and tsne.AFFINITIES.hits >= 1  # same codes: affinities reused
    assert not np.allclose(first.points, second.points)  # but the layout was run again (another seed)


def test_a_second_umap_of_the_same_codes_is_not_fitted_again(monkeypatch):
    fits = []

    def fake_fit(data, **kwargs):
        fits.append(1)
        return embedding.pca_embedding(data)

    monkeypatch.setattr(embedding, "has_module", lambda name: True)
    monkeypatch.setattr(embedding, "_fit_umap", fake_fit)
    embedding.UMAP_FITS.clear()
    data = codes()
    first = embedding.umap_embedding(data)
    assert embedding.umap_embedding(data.copy()) is first and len(fits) == 1
    embedding.umap_embedding(data, seed=3)
    assert len(fits) == 2  # other settings: a new fit
    embedding.UMAP_FITS.clear()


def test_the_t_sne_start_is_the_codes_principal_plane_at_a_tiny_scale():
    from aeviewer.core.latent.tsne import pca_start

    data = codes(300).astype(np.float64)
    start = pca_start(data, seed=0)
    assert start.shape == (300, 2) and abs(start[:, 0].std() - 1e-4) < 1e-6
    # The same plane as an SVD's first two components (up to sign): correlations of ±1.
    centred = data - data.mean(axis=0)
    pcs = centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T
    for i in range(2):
        assert abs(np.corrcoef(start[:, i], pcs[:, i])[0, 1]) > 0.999


@pytest.mark.skipif(not has_module("openTSNE"), reason="openTSNE not installed")
def test_the_faster_t_sne_schedule_finishes_as_well_as_scikit_learns_default():
    """The coarse Barnes-Hut angle and shorter schedule must not leave a rougher layout: on real digits
    (scikit-learn's 8×8 set, 1,797 images) the finished layout's KL divergence, for the same affinities, is
    within 3 % of scikit-learn's TSNE() (1,000 iterations at angle 0.5) and keeps as many neighbours."""
    from sklearn.datasets import load_digits
    from sklearn.manifold import TSNE, trustworthiness

    from aeviewer.core.latent import tsne

    pixels = load_digits().data.astype(np.float64)
    last: list[np.ndarray] = []
    embedding.tsne_points(pixels, intermediate=lambda frame: last.__setitem__(slice(None), [frame]))
    theirs = TSNE(n_components=2, random_state=0, n_jobs=1).fit_transform(pixels)
    P = tsne.affinities(pixels, 30.0, 1, 0).P  # the fit's own, from the cache
    assert tsne.kl_divergence(P, last[-1]) <= 1.03 * tsne.kl_divergence(P, theirs)
    assert trustworthiness(pixels, last[-1], n_neighbors=10) >= trustworthiness(pixels, theirs, n_neighbors=10) - 0.005
