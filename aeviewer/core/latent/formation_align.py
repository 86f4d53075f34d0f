"""Replay frames placed so the picture does not jump between epochs.

An autoencoder's codes are only defined up to what its decoder undoes: from one epoch to the next the whole
cloud may turn, flip or drift without anything having changed for the data. Orthogonal Procrustes (rotation
or reflection, plus a shift; no scaling, because the cloud growing or shrinking is real) takes that out for
2-D codes and for PCA planes of wider codes. t-SNE layouts are warm-started instead: each frame starts from
the previous frame's layout, so the same samples stay where they were unless their neighbours changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

LAYOUTS = ("auto", "codes", "pca", "tsne")
Progress = Callable[[int, int], None]


def procrustes(frame: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """`frame` (N×2) rotated/reflected and shifted to lie as close as possible to `reference` (N×2).

    The orthogonal R minimising ‖(F − f̄) R − (G − ḡ)‖ is U Vᵀ from the SVD of (F − f̄)ᵀ (G − ḡ).
    """
    f = np.asarray(frame, np.float64)
    g = np.asarray(reference, np.float64)
    if f.shape != g.shape:
        raise ValueError(f"frames of {f.shape} and {g.shape} points cannot be aligned")
    f_mean, g_mean = f.mean(axis=0), g.mean(axis=0)
    u, _, vt = np.linalg.svd((f - f_mean).T @ (g - g_mean))
    aligned: np.ndarray = (f - f_mean) @ (u @ vt) + g_mean
    return aligned


def pca_plane(codes: np.ndarray) -> np.ndarray:
    """The codes on their own first two principal axes (a frame's PCA plane), N×2."""
    c = np.asarray(codes, np.float64)
    c = c - c.mean(axis=0)
    if c.shape[1] <= 2:
        return np.pad(c, ((0, 0), (0, 2 - c.shape[1])))
    _, _, vt = np.linalg.svd(c, full_matrices=False)
    plane: np.ndarray = c @ vt[:2].T
    return plane


def chain_align(planes: list[np.ndarray], anchor: int = -1) -> np.ndarray:
    """Align each plane to its already aligned neighbour, outwards from `anchor` (default the last frame,
    which stays as it is: the replay ends on the picture the view shows). F×N×2."""
    if not planes:
        return np.zeros((0, 0, 2))
    n = len(planes)
    anchor %= n
    out: list[np.ndarray] = [np.asarray(p, np.float64) for p in planes]
    for f in range(anchor - 1, -1, -1):
        out[f] = procrustes(out[f], out[f + 1])
    for f in range(anchor + 1, n):
        out[f] = procrustes(out[f], out[f - 1])
    return np.stack(out)


def resolve_layout(layout: str, latent_dim: int) -> str:
    """'auto' → the codes themselves for 2-D codes, else PCA planes."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown replay layout {layout!r} (use one of {', '.join(LAYOUTS)})")
    if layout == "auto":
        return "codes" if latent_dim <= 2 else "pca"
    if layout == "codes" and latent_dim > 2:
        raise ValueError(f"codes of {latent_dim} dimensions need a plane: use the pca or tsne layout")
    return layout


def warm_tsne_layouts(codes: np.ndarray, *, seed: int = 0, perplexity: float = 30.0, n_iter: int = 250,
                      progress: Progress | None = None, cancel: threading.Event | None = None) -> np.ndarray:
    """openTSNE layouts of each frame, each initialised with the previous frame's layout (F×N×2).

    The first frame starts from its PCA plane; later frames run without early exaggeration, which would undo
    the warm start. Needs openTSNE (pip install 'aeviewer[projections]').
    """
    from openTSNE import TSNEEmbedding, affinity

    from aeviewer.core.latent.tsne import neighbour_method

    frames = np.asarray(codes, np.float64)
    perplexity = float(min(perplexity, max(2.0, (frames.shape[1] - 1) / 3.0)))
    out = []
    previous: np.ndarray | None = None
    for f, frame in enumerate(frames):
        if cancel is not None and cancel.is_set():
            break
        aff = affinity.PerplexityBasedNN(frame, perplexity=perplexity, method=neighbour_method(len(frame)),
                                         random_state=seed, n_jobs=1, verbose=False)
        if previous is None:
            init = pca_plane(frame)
            init = init / max(float(np.std(init[:, 0])), 1e-12) * 1e-4  # openTSNE's scale for a PCA start
            embedding = TSNEEmbedding(init, aff, random_state=seed, n_jobs=1, verbose=False,
                                      negative_gradient_method="bh")
            embedding = embedding.optimize(n_iter=125, exaggeration=12, momentum=0.5)
        else:
            embedding = TSNEEmbedding(previous, aff, random_state=seed, n_jobs=1, verbose=False,
                                      negative_gradient_method="bh")
        embedding = embedding.optimize(n_iter=n_iter, momentum=0.8)
        previous = np.asarray(embedding, np.float64)
        out.append(previous.copy())
        if progress is not None:
            progress(f + 1, len(frames))
    return np.stack(out) if out else np.zeros((0, frames.shape[1], 2))


def aligned_frames(codes: np.ndarray, layout: str = "auto", *, anchor: np.ndarray | None = None,
                   tsne_iter: int = 250, progress: Progress | None = None,
                   cancel: threading.Event | None = None) -> np.ndarray:
    """Replay frames (F×N×D codes) as F×N×2 points, aligned between frames so the picture does not jump.

    `anchor` (N×2, e.g. where the window shows these samples now): the whole replay is turned and shifted
    as one so that its last frame lies on it; the frames keep their alignment to each other.
    """
    codes = np.asarray(codes, np.float64)
    if codes.ndim != 3 or codes.shape[0] == 0:
        return np.zeros((0, codes.shape[1] if codes.ndim == 3 else 0, 2))
    how = resolve_layout(layout, codes.shape[2])
    if how == "tsne":
        frames = chain_align(list(warm_tsne_layouts(codes, n_iter=tsne_iter, progress=progress, cancel=cancel)))
    else:
        planes = [np.pad(c[:, :2], ((0, 0), (0, 2 - min(2, c.shape[1])))) if how == "codes" else pca_plane(c)
                  for c in codes]
        frames = chain_align(planes)
    if anchor is not None and len(frames):
        frames = _rigidly_onto(frames, np.asarray(anchor, np.float64))
    return frames


def _rigidly_onto(frames: np.ndarray, anchor: np.ndarray) -> np.ndarray:
    """Apply to every frame the one rotation/reflection + shift that takes the last frame onto `anchor`."""
    last = frames[-1]
    mean, target = last.mean(axis=0), anchor.mean(axis=0)
    u, _, vt = np.linalg.svd((last - mean).T @ (anchor - target))
    moved: np.ndarray = (frames - mean) @ (u @ vt) + target
    return moved


def interpolate(frames: np.ndarray, between: int) -> tuple[np.ndarray, np.ndarray]:
    """`between` linearly interpolated frames between each pair of aligned frames.

    Returns (points, position): points is (F + (F−1)·between)×N×2, position[k] is the fractional stored frame
    index of output frame k (whole numbers for the stored frames).
    """
    frames = np.asarray(frames, np.float64)
    between = max(0, int(between))
    if len(frames) < 2 or between == 0:
        return frames, np.arange(len(frames), dtype=np.float64)
    out, where = [], []
    for f in range(len(frames) - 1):
        for k in range(between + 1):
            t = k / (between + 1)
            out.append((1 - t) * frames[f] + t * frames[f + 1])
            where.append(f + t)
    out.append(frames[-1])
    where.append(float(len(frames) - 1))
    return np.stack(out), np.asarray(where)


def displacement(a: np.ndarray, b: np.ndarray) -> float:
    """Mean distance a point moves between two frames of the same samples (0 for identical frames)."""
    return float(np.mean(np.linalg.norm(np.asarray(a, np.float64) - np.asarray(b, np.float64), axis=-1)))
