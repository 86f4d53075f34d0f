"""t-SNE through openTSNE, set up for a desktop shared with other work.

Threads come from the cores free now (`threads.free_cores`), not all of them; gradients use the FFT
interpolation above `FFT_ABOVE` points (its cost grows with the picture's extent, not with N²) and
Barnes-Hut below; the affinities, the costly first half of a fit, are kept for the same codes and
perplexity, so re-running only the layout (another seed, after a cancel) skips them. The starting layout
is handed to `intermediate` before any affinity is computed, so a picture is on screen at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from aeviewer.core import threads
from aeviewer.core.latent.fit_cache import FitCache, codes_key

# Measured on a quiet 2-core machine (2026-12-02, 10,000 8-D codes, 750 iterations, 2 threads): Barnes-Hut
# 19.5 s, FFT 24.9 s; FFT wins only on larger sets (its cost grows with the extent, BH with N log N).
FFT_ABOVE = 20_000
FRAME_EVERY = 10  # iterations between live frames
AFFINITIES = FitCache(size=2)


def gradient_method(n: int) -> str:
    return "fft" if n > FFT_ABOVE else "bh"


def pca_start(codes: np.ndarray, seed: int) -> np.ndarray:
    """openTSNE's recommended start, the codes' first two principal components scaled to a standard
    deviation of 1e-4, from a d×d eigendecomposition: milliseconds, where scikit-learn's PCA (what
    `openTSNE.initialization.pca` calls) took seconds to import and fit on a busy machine."""
    centred = np.asarray(codes, np.float64) - np.asarray(codes, np.float64).mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    axes = vectors[:, ::-1][:, :2]
    if axes.shape[1] < 2:  # 1-D codes: a second axis of jitter only
        axes = np.pad(axes, ((0, 0), (0, 2 - axes.shape[1])))
    axes *= np.where(np.abs(axes).max(axis=0) == axes.max(axis=0), 1.0, -1.0)  # a fixed sign per axis
    start = centred @ axes
    scale = float(start[:, 0].std()) or 1.0
    start *= 1e-4 / scale
    start += np.random.default_rng(seed).normal(scale=1e-6, size=start.shape)  # no two points exactly alike
    return np.ascontiguousarray(start)


def affinities(codes: np.ndarray, perplexity: float, n_jobs: int, seed: int) -> Any:
    """openTSNE's perplexity-based affinities of `codes`, from the cache when the same codes came before."""
    from openTSNE import affinity

    key = (codes_key(codes), round(float(perplexity), 6))
    return AFFINITIES.get_or_fit(key, lambda: affinity.PerplexityBasedNN(
        codes, perplexity=perplexity, n_jobs=n_jobs, random_state=seed, verbose=False))


def opentsne_points(codes: np.ndarray, *, seed: int, perplexity: float, n_iter: int,
                    progress: Callable[[object, object], None] | None,
                    cancel: threading.Event | None,
                    intermediate: Callable[[np.ndarray], None] | None) -> np.ndarray:
    """openTSNE's fit with live frames, progress and cancel; returns the raw N×2 layout."""
    from openTSNE import TSNE

    early = min(250, n_iter // 2)
    total = early + n_iter
    start = pca_start(codes, seed)
    if intermediate is not None:
        intermediate(np.asarray(start, np.float32).copy())
    if progress is not None:
        progress(0, total)
    n_jobs = threads.free_cores()
    P = affinities(codes, perplexity, n_jobs, seed)

    class Callback:
        def __init__(self) -> None:
            self.done = 0

        def __call__(self, iteration: int, error: float, embedding: np.ndarray) -> bool:
            self.done += FRAME_EVERY
            if progress is not None:
                progress(min(self.done, total), total)
            if intermediate is not None:
                intermediate(np.asarray(embedding, np.float32).copy())
            return cancel is not None and cancel.is_set()  # True stops openTSNE

    tsne = TSNE(n_components=2, perplexity=perplexity, n_iter=n_iter, early_exaggeration_iter=early,
                random_state=seed, n_jobs=n_jobs, callbacks=Callback(), callbacks_every_iters=FRAME_EVERY,
                negative_gradient_method=gradient_method(len(codes)), verbose=False)
    return np.asarray(tsne.fit(affinities=P, initialization=start), np.float64)
