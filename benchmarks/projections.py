"""Time the latent projections and their inverses on 8-D codes (random clusters): fit, one inverse, one forward.

Run from the repository root: `PYTHONPATH=. python benchmarks/projections.py [N]`.
"""

from __future__ import annotations

import sys
import time
import unittest.mock as mock

import numpy as np

from aeviewer.core.latent.embedding import fit_embedding, has_module, tsne_points


def main(n: int = 2000) -> None:
    rng = np.random.default_rng(0)
    codes = (rng.normal(scale=4, size=(10, 8))[rng.integers(0, 10, n)] + rng.normal(size=(n, 8))).astype(np.float32)
    methods = ["pca", "tsne"] + (["umap"] if has_module("umap") else [])
    for method in methods:
        t = time.perf_counter()
        emb = fit_embedding(method, codes)
        fit = time.perf_counter() - t
        xy = emb.points[0] + 0.3 * emb.spacing
        t = time.perf_counter()
        for _ in range(200):
            emb.from_plane(xy)
        inv = (time.perf_counter() - t) / 200
        t = time.perf_counter()
        for _ in range(200):
            emb.to_plane(codes[:1] + 0.01)
        fwd = (time.perf_counter() - t) / 200
        print(f"{method:5s} n={n}: fit {fit:6.2f} s · inverse {inv * 1e3:6.3f} ms · forward {fwd * 1e3:6.3f} ms "
              f"· {emb.inverse_label}")
    if has_module("openTSNE"):
        with mock.patch("aeviewer.core.latent.embedding.has_module", lambda name: name != "openTSNE"):
            t = time.perf_counter()
            tsne_points(codes)
            print(f"tsne  n={n}: scikit-learn fallback fit {time.perf_counter() - t:6.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
