"""Results of slow fits kept for the same codes: a re-run of t-SNE or UMAP on unchanged codes skips the work.

Keyed by a hash of the codes' bytes (and the fit's parameters), not by identity: the window hands the
same codes back as a fresh array after a session load or a projection switch.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np


def codes_key(codes: np.ndarray) -> str:
    """A short digest of the codes' values, shape and dtype (10,000 × 8 float32 hashes in well under 1 ms)."""
    arr = np.ascontiguousarray(codes)
    digest = hashlib.blake2b(arr.tobytes(), digest_size=16)  # 320 kB for 10,000 × 8 float32
    digest.update(f"{arr.shape}{arr.dtype}".encode())
    return digest.hexdigest()


class FitCache:
    """A small thread-safe least-recently-used store: a few datasets' fits, never a memory leak."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_fit(self, key: Hashable, fit: Callable[[], Any]) -> Any:
        """The stored value for `key`, else `fit()` (run outside the lock) stored and returned."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        value = fit()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
