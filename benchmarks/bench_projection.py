"""Projection: t-SNE of 10 000 8-D codes, our path (openTSNE when installed, as the window uses it)
against scikit-learn's default TSNE, in the same run on the same codes.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from aeviewer.core.latent.embedding import has_module, tsne_points
from benchmarks.common import Figure, emit


def clustered_codes(n: int, dims: int = 8, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4, size=(10, dims))
    return (centres[rng.integers(0, 10, n)] + rng.normal(size=(n, dims))).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=10_000)
    args = parser.parse_args()
    codes = clustered_codes(args.samples)
    t0 = time.perf_counter()
    tsne_points(codes)
    ours = time.perf_counter() - t0

    from sklearn.manifold import TSNE

    t0 = time.perf_counter()
    TSNE(n_components=2, random_state=0).fit_transform(codes)
    sklearn_s = time.perf_counter() - t0
    path = "openTSNE (all cores, 750 iterations)" if has_module("openTSNE") else "scikit-learn fallback"
    emit([Figure(f"t-SNE of {args.samples:,} codes vs scikit-learn default", ours / sklearn_s, "×", 1.0,
                 detail=f"ours {ours:.1f} s ({path}) vs scikit-learn TSNE() {sklearn_s:.1f} s")])


if __name__ == "__main__":
    main()
