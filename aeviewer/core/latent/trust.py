"""How far to trust a 2-D picture of the codes: which neighbourhoods it keeps, and which it invents.

Per point, `preservation` is the share of its k nearest neighbours in code space that are also among its
k nearest on the plane (1: its neighbourhood is drawn as it is; 0: none of its neighbours is drawn near it).
Over the whole picture, trustworthiness penalises points drawn near that are far in code space (false
neighbours) and continuity the reverse (neighbours torn apart), both as in Venna & Kaski (2001) and
scikit-learn's `sklearn.manifold.trustworthiness`, which builds an N×N rank table (10,000 points: ~1.6 GB
and several seconds). Here the same figure is computed without it: a neighbour's rank is the number of
points closer than it. In a low-dimensional space (the plane, small codes) a k-d tree counts them, exactly,
for the neighbours that are not already among the k nearest (the only ones penalised). In a wide code space
the distances are counted one block of rows at a time: exact up to RANKED_ROWS points, and above that the
mean over a seeded sample of RANKED_ROWS points (each still ranked against all points), an unbiased
estimate (on MNIST-5k through a PCA plane its spread over seeds was ~0.002).
"""

from __future__ import annotations

import os
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

TRUST_K = 10  # the k: small enough to be about local structure, large enough to be stable
_BLOCK_ELEMENTS = 8_000_000  # rows × k × N comparisons per block: ~8 MB of booleans at a time
RANKED_ROWS = 2_000  # points whose neighbours are ranked in a wide space: all of them up to this many
TREE_DIMS = 3  # up to this many dimensions a k-d tree counts the closer points


def free_cores() -> int:
    """Cores this process may use, less one for the GUI thread (at least one)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


@dataclass(frozen=True)
class TrustReport:
    """Per-point neighbourhood preservation and the picture's trustworthiness and continuity."""

    preservation: np.ndarray  # N floats in [0, 1]
    trustworthiness: float
    continuity: float
    k: int

    @property
    def complete(self) -> bool:
        """False for the first stage of `trust_stages`: preservation only, the two figures still to come."""
        return self.trustworthiness == self.trustworthiness and self.continuity == self.continuity  # not NaN

    @property
    def mean_preservation(self) -> float:
        return float(self.preservation.mean()) if len(self.preservation) else float("nan")

    def summary(self) -> str:
        """The one line shown beside the projection name."""
        kept = f"k={self.k} neighbours kept {self.mean_preservation:.0%}"
        if not self.complete:
            return f"{kept} · trust and continuity: computing…"
        return f"{kept} · trust {self.trustworthiness:.3f} · continuity {self.continuity:.3f}"


def usable_k(n: int, k: int = TRUST_K) -> int:
    """The largest k ≤ `k` that the trustworthiness formula allows for n points (k < n/2), at least 1."""
    return max(1, min(k, (n - 1) // 2 - 1 if n > 4 else 1))


def nearest_neighbours(values: np.ndarray, k: int, n_jobs: int | None = None) -> np.ndarray:
    """N×k indices of each row's k nearest other rows (itself left out)."""
    from sklearn.neighbors import NearestNeighbors

    values = np.asarray(values, dtype=np.float64)
    # A k-d tree for low-dimensional values (the plane, small codes); brute force beats it for wide codes.
    algorithm = "kd_tree" if values.shape[1] <= 8 else "brute"
    finder = NearestNeighbors(n_neighbors=k, algorithm=algorithm, n_jobs=n_jobs or free_cores()).fit(values)
    idx: np.ndarray = finder.kneighbors(return_distance=False)  # no X: each point's neighbours besides itself
    return idx


def preservation(codes_nn: np.ndarray, plane_nn: np.ndarray) -> np.ndarray:
    """Per row, the share of `codes_nn`'s neighbours that are also in `plane_nn` (both N×k indices)."""
    shared = (codes_nn[:, :, None] == plane_nn[:, None, :]).any(axis=2).sum(axis=1)
    result: np.ndarray = shared / codes_nn.shape[1]
    return result


def _ranked_rows(n: int) -> np.ndarray:
    """The points whose penalties are summed: all, or a seeded sample of RANKED_ROWS (the same for both figures)."""
    if n <= RANKED_ROWS:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, RANKED_ROWS, replace=False))


def _rank_penalty(space: np.ndarray, other_nn: np.ndarray, k: int, own_nn: np.ndarray | None = None) -> float:
    """Σ over points i and their neighbours j in the *other* space of max(0, rank of j from i in `space` − k).

    A rank is 1 + the number of other points closer to i than j, as scikit-learn's except for ties (it
    ranks tied points in argsort's arbitrary order; here a tie never counts against the picture).
    """
    space = np.asarray(space, dtype=np.float64)
    if space.shape[1] <= TREE_DIMS:
        return _tree_rank_penalty(space, other_nn, k, nearest_neighbours(space, k) if own_nn is None else own_nn)
    return _dense_rank_penalty(space, other_nn, k)


def _tree_rank_penalty(space: np.ndarray, other_nn: np.ndarray, k: int, own_nn: np.ndarray) -> float:
    """`_rank_penalty` by a k-d tree, exact: only neighbours outside `own_nn` (i's k nearest here) can rank above k,
    and the tree counts the points strictly closer than each of them."""
    from aeviewer.core.latent.embedding import kd_tree

    outside = ~(other_nn[:, :, None] == own_nn[:, None, :]).any(axis=2)
    rows, cols = np.nonzero(outside)
    if not len(rows):
        return 0.0
    centres = space[rows]
    radius = np.sqrt(((centres - space[other_nn[rows, cols]]) ** 2).sum(axis=1))
    # Strictly closer: just below the radius (the tree counts distances ≤ r); the count includes i itself.
    closer = kd_tree(space).query_ball_point(centres, np.nextafter(radius, 0.0), return_length=True,
                                             workers=free_cores())
    return float(np.maximum(np.asarray(closer) - k, 0).sum())


def _dense_rank_penalty(space: np.ndarray, other_nn: np.ndarray, k: int) -> float:
    """`_rank_penalty` from blocks of distances, scaled from the sampled rows to all n above RANKED_ROWS."""
    n = len(space)
    ranked = _ranked_rows(n)
    sq = np.einsum("nd,nd->n", space, space)
    rows = max(1, _BLOCK_ELEMENTS // max(1, k * n))
    total = 0.0
    for start in range(0, len(ranked), rows):
        block = ranked[start : start + rows]
        d = sq[block, None] - 2.0 * space[block] @ space.T + sq[None, :]  # squared distances, block×N
        np.maximum(d, 0.0, out=d)
        d[np.arange(len(block)), block] = -1.0  # self: counted once below
        to_neighbour = np.take_along_axis(d, other_nn[block], axis=1)  # block×k
        closer = np.count_nonzero(d[:, None, :] < to_neighbour[:, :, None], axis=2)  # with self: the rank
        total += float(np.maximum(closer - k, 0).sum())
    return total * n / len(ranked)


def _score(penalty: float, n: int, k: int) -> float:
    return 1.0 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)) * penalty


def trustworthiness(codes: np.ndarray, plane: np.ndarray, k: int = TRUST_K,
                    plane_nn: np.ndarray | None = None) -> float:
    """scikit-learn's `trustworthiness(codes, plane, n_neighbors=k)` (Euclidean), without its N×N table."""
    n = len(codes)
    k = usable_k(n, k)
    plane_nn = nearest_neighbours(plane, k) if plane_nn is None else plane_nn
    return _score(_rank_penalty(codes, plane_nn, k), n, k)


def continuity(codes: np.ndarray, plane: np.ndarray, k: int = TRUST_K,
               codes_nn: np.ndarray | None = None) -> float:
    """Trustworthiness with the roles swapped: are neighbours in code space kept together on the plane?"""
    return trustworthiness(plane, codes, k, plane_nn=codes_nn)


def trust_report(codes: np.ndarray, plane: np.ndarray, k: int = TRUST_K) -> TrustReport:
    """Preservation per point, trustworthiness and continuity of the plane `plane` (N×2) of `codes` (N×d)."""
    stages = trust_stages(codes, plane, k)
    while True:
        try:
            next(stages)
        except StopIteration as done:
            report: TrustReport = done.value
            return report


def trust_stages(codes: np.ndarray, plane: np.ndarray,
                 k: int = TRUST_K) -> Generator[TrustReport, None, TrustReport]:
    """`trust_report` in two steps: yields the preservation alone (what trust colouring needs, a few times
    faster), then returns the whole report."""
    codes = np.asarray(codes, dtype=np.float64).reshape(len(codes), -1)
    plane = np.asarray(plane, dtype=np.float64).reshape(len(plane), -1)
    if len(codes) != len(plane):
        raise ValueError(f"{len(codes)} codes but {len(plane)} plane points")
    n = len(codes)
    if n < 3:
        return TrustReport(np.ones(n), 1.0, 1.0, 0)
    k = usable_k(n, k)
    codes_nn, plane_nn = nearest_neighbours(codes, k), nearest_neighbours(plane, k)
    kept = preservation(codes_nn, plane_nn)
    yield TrustReport(kept, float("nan"), float("nan"), k)
    return TrustReport(kept, _score(_rank_penalty(codes, plane_nn, k, codes_nn), n, k),
                       _score(_rank_penalty(plane, codes_nn, k, plane_nn), n, k), k)


def local_preservation(report: TrustReport, plane: np.ndarray, xy: np.ndarray, nearest: int = TRUST_K) -> float:
    """Mean preservation of the `nearest` plane points to `xy`: how trustworthy the picture is around a probe."""
    plane = np.asarray(plane, dtype=np.float64)
    if not len(plane):
        return float("nan")
    d = ((plane - np.asarray(xy, np.float64).reshape(1, 2)) ** 2).sum(axis=1)
    m = min(nearest, len(plane))
    idx = np.argpartition(d, m - 1)[:m]
    return float(report.preservation[idx].mean())
