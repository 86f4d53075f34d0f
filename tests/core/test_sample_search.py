"""Typed searches on the digits' held-out samples: class names, indices, and what a miss says."""

from __future__ import annotations

import numpy as np

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.latent.sample_search import search_samples
from aeviewer.core.latent.spaces import shown_samples


def test_class_index_and_misses_on_digits():
    shown = shown_samples(load_dataset("digits"))
    sevens = search_samples(shown, " 7 ")
    assert len(sevens.indices) > 10 and np.all(shown.y[sevens.indices] == 7) and "class 7" in sevens.message
    one = search_samples(shown, "#7")
    assert one.indices.tolist() == [7] and "sample #7" in one.message
    assert search_samples(shown, "index 12").indices.tolist() == [12]
    beyond = search_samples(shown, f"#{len(shown)}")
    assert not len(beyond.indices) and "no sample" in beyond.message
    nothing = search_samples(shown, "zebra")
    assert not len(nothing.indices) and "Nothing matches 'zebra'" in nothing.message
