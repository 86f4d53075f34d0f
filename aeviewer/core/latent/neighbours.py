"""The training samples nearest to the probe: is this decode new, or a copy of a training image?

Two searches answer it: the k samples whose *codes* are nearest to the probe's code, and the one sample
whose *pixels* are nearest to the decoded picture. Both are exact for up to `EXACT_UP_TO` vectors (one
matrix product and a partial sort: ~1 ms for 100,000 8-D codes on one core, fast enough for a drag).
Beyond that, codes of up to `TREE_MAX_DIM` dimensions go to scikit-learn's KDTree (already a dependency;
a 1,000,000-code query takes well under a millisecond), and wider vectors stay exact in chunks: trees
degrade to a brute-force scan in high dimensions, and faiss or hnswlib would add a compiled dependency
for a search the matrix product already does in tens of milliseconds off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from aeviewer.core.data.dataset import Dataset

EXACT_UP_TO = 100_000
TREE_MAX_DIM = 16
CHUNK = 65_536  # rows per matrix product: bounded scratch memory for millions of vectors
DEFAULT_K = 8


@dataclass(frozen=True)
class Neighbours:
    """Indices into the searched set, nearest first, and their Euclidean distances."""

    indices: np.ndarray  # (k,) int64
    distances: np.ndarray  # (k,) float64


class NearestVectors:
    """k-nearest-neighbour search over fixed vectors (codes or flattened pictures)."""

    def __init__(self, vectors: np.ndarray) -> None:
        flat = np.asarray(vectors, dtype=np.float32)
        self.vectors = np.ascontiguousarray(flat.reshape(len(flat), -1))
        if not len(self.vectors):
            raise ValueError("no vectors to search")
        self._squared = np.einsum("nd,nd->n", self.vectors, self.vectors)
        self._tree: Any = None
        if len(self.vectors) > EXACT_UP_TO and self.vectors.shape[1] <= TREE_MAX_DIM:
            from sklearn.neighbors import KDTree

            self._tree = KDTree(self.vectors)

    def __len__(self) -> int:
        return len(self.vectors)

    @property
    def uses_index(self) -> bool:
        return self._tree is not None

    def query(self, vector: np.ndarray, k: int = DEFAULT_K) -> Neighbours:
        """The k nearest stored vectors to `vector` (any shape with the stored size)."""
        q = np.array(vector, dtype=np.float32).reshape(-1)  # a copy: torch.from_numpy wants it writable
        if q.shape[0] != self.vectors.shape[1]:
            raise ValueError(f"a vector of {q.shape[0]} values does not match the stored {self.vectors.shape[1]}")
        k = max(1, min(int(k), len(self.vectors)))
        if self._tree is not None:
            dist, idx = self._tree.query(q[None].astype(np.float64), k=k)
            return Neighbours(idx[0].astype(np.int64), dist[0].astype(np.float64))
        best_idx, best_d2 = np.empty(0, np.int64), np.empty(0, np.float32)
        for start in range(0, len(self.vectors), CHUNK):
            block = self.vectors[start : start + CHUNK]
            # |v - q|² = |v|² - 2 v·q + |q|²; |q|² is the same for every row, so it is left out of the ranking
            # torch's product runs on this thread's pool (one core beside a drag); numpy's BLAS takes every core
            products = torch.mv(torch.from_numpy(block), torch.from_numpy(q)).numpy()
            score = self._squared[start : start + len(block)] - 2.0 * products
            take = min(k, len(block))
            part = np.argpartition(score, take - 1)[:take]
            best_idx = np.concatenate([best_idx, part + start])
            best_d2 = np.concatenate([best_d2, score[part]])
        keep = np.argsort(best_d2, kind="stable")[:k]
        idx = best_idx[keep]
        # Exact distances of the few winners, without the cancellation error of the expanded form.
        dist = np.sqrt(((self.vectors[idx].astype(np.float64) - q.astype(np.float64)) ** 2).sum(axis=1))
        order = np.argsort(dist, kind="stable")
        return Neighbours(idx[order], dist[order])


@dataclass(frozen=True)
class ProbeNeighbours:
    """What the strip beside the decoded picture shows for one probe position."""

    by_code: Neighbours  # indices into the training samples
    by_pixels: Neighbours  # the one training sample nearest to the decoded picture (k = 1)


class TrainingNeighbours:
    """Searches over one model's training codes and the training pictures; built once per model."""

    def __init__(self, codes: np.ndarray, pictures: np.ndarray) -> None:
        if len(codes) != len(pictures):
            raise ValueError(f"{len(codes)} codes for {len(pictures)} pictures")
        self.codes = NearestVectors(codes)
        self.pictures = NearestVectors(pictures)

    def near(self, code: np.ndarray, decoded: np.ndarray, k: int = DEFAULT_K) -> ProbeNeighbours:
        return ProbeNeighbours(self.codes.query(code, k), self.pictures.query(decoded, 1))


def training_neighbours(model: Any, training: Dataset) -> TrainingNeighbours:
    """Encode the training samples with `model` (its codes are what the probe's code is compared with)."""
    from aeviewer.core.models.inference import encode_array

    return TrainingNeighbours(encode_array(model, training.x), training.flat)
