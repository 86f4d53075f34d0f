"""t-SNE through openTSNE, set up for a desktop shared with other work.

Threads come from the cores free now (`threads.free_cores`), not all of them; gradients use the FFT
interpolation above `FFT_ABOVE` points (its cost grows with the picture's extent, not with N²) and
Barnes-Hut below, at `THETA` and then finer (`phases`); neighbours are searched exactly up to
`EXACT_NEIGHBOURS_UP_TO` points; the affinities, once the costly first half of a fit, are kept for the same
codes and perplexity, so re-running only the layout (another seed, after a cancel) skips them. The starting layout
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
# Barnes-Hut's opening angle. 0.8 instead of openTSNE's (and scikit-learn's) 0.5: the same run of 10,000
# codes took 10.6 s instead of 18.7 s, and its KL divergence was 2.063 against 2.036 (scikit-learn's
# default TSNE() reached 2.037), with the same trustworthiness (0.987 at k = 10); `make bench` checks
# both the time and the KL against scikit-learn's in the same run.
THETA = 0.8
# openTSNE's "auto" neighbour search is Annoy above 1,000 points; codes are narrow, where scikit-learn's
# exact search is faster: 0.4 s against 3.0 s for 10,000 8-D codes, 3.3 s against 6.6 s for 30,000 64-D
# ones, 23 s against 41 s for 100,000 8-D (2 threads, 2026-12-02). Above that, Annoy.
EXACT_NEIGHBOURS_UP_TO = 100_000
FRAME_EVERY = 10  # iterations between live frames
AFFINITIES = FitCache(size=2)


def neighbour_method(n: int) -> str:
    """openTSNE's neighbour search for n codes: exact up to `EXACT_NEIGHBOURS_UP_TO`, Annoy above."""
    return "exact" if n <= EXACT_NEIGHBOURS_UP_TO else "annoy"


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
        codes, perplexity=perplexity, method=neighbour_method(len(codes)), n_jobs=n_jobs, random_state=seed,
        verbose=False))


def phases(n_iter: int) -> list[tuple[int, dict[str, Any]]]:
    """The optimisation in three runs of iterations with their settings: early exaggeration (12, momentum
    0.5), the layout at the coarse `THETA`, then the last third at openTSNE's own 0.5 to polish it.

    Measured on 10,000 8-D codes, 2 threads (2026-12-02, exact KL against one P): openTSNE's defaults
    (250 + 500 iterations at 0.5) 17.3 s, KL 2.047; all 750 at 0.8 11.7 s, KL 2.098, the coarse angle
    leaving a floor that more iterations do not lower; 150 + 300 at 0.8 + 150 at 0.5 10.1 s, KL 2.079;
    scikit-learn's TSNE() (1,000 iterations) 25 s, KL 2.040.
    """
    polish = n_iter // 3
    coarse = {"momentum": 0.8, "theta": THETA}
    return [(min(150, n_iter // 3), {"exaggeration": 12, "momentum": 0.5, "theta": THETA}),
            (n_iter - polish, coarse), (polish, {"momentum": 0.8, "theta": 0.5})]


def opentsne_points(codes: np.ndarray, *, seed: int, perplexity: float, n_iter: int,
                    progress: Callable[[object, object], None] | None,
                    cancel: threading.Event | None,
                    intermediate: Callable[[np.ndarray], None] | None) -> np.ndarray:
    """openTSNE's fit with live frames, progress and cancel; returns the raw N×2 layout.

    `n_iter` counts the iterations after early exaggeration, as openTSNE's TSNE does."""
    from openTSNE import TSNEEmbedding

    plan = [(iters, settings) for iters, settings in phases(n_iter) if iters > 0]
    total = sum(iters for iters, _ in plan)
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

    callback = Callback()
    embedding = TSNEEmbedding(start, P, n_jobs=n_jobs, negative_gradient_method=gradient_method(len(codes)),
                              random_state=seed, verbose=False)
    for iters, settings in plan:
        embedding = embedding.optimize(n_iter=iters, callbacks=callback, callbacks_every_iters=FRAME_EVERY,
                                       **settings)
        if cancel is not None and cancel.is_set():
            break  # openTSNE stopped at the callback; the caller raises Cancelled
    return np.asarray(embedding, np.float64)


def kl_divergence(P: Any, layout: np.ndarray, rows: int = 1_000) -> float:
    """t-SNE's objective KL(P || Q) of a raw 2-D layout for the sparse, normalised affinities P (openTSNE's
    `.P`), with Q's normaliser summed exactly over all pairs in blocks of rows: one measure for layouts from
    any implementation (openTSNE's own figure approximates the normaliser the way its gradients do)."""
    y = np.asarray(layout, np.float64)
    z = 0.0
    for lo in range(0, len(y), rows):
        d2 = ((y[lo:lo + rows, None, :] - y[None, :, :]) ** 2).sum(axis=-1)
        z += float((1.0 / (1.0 + d2)).sum()) - min(rows, len(y) - lo)  # less the i == j terms
    coo = P.tocoo()
    p = coo.data[coo.data > 0]
    i, j = coo.row[coo.data > 0], coo.col[coo.data > 0]
    w = 1.0 / (1.0 + ((y[i] - y[j]) ** 2).sum(axis=1))
    return float((p * (np.log(p) - np.log(w))).sum() + np.log(z) * p.sum())
