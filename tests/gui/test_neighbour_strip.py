"""The nearest-training-samples strip and the sample search, driven as a user drives them, on real digits."""

from __future__ import annotations

import numpy as np

from aeviewer.core.data.images import to_pixels
from tests.gui import mouse


def test_dragging_the_probe_fills_the_strip_with_the_nearest_training_samples(make_main_window, qtbot):
    w = make_main_window()
    strip = w.samples.neighbours
    view = w.ae_view
    target = w.ae_space.points[11]
    mouse.drag(view, mouse.to_pixels(view, view.probe_position()), mouse.to_pixels(view, target))
    qtbot.waitUntil(lambda: w.neighbours.searches > 0 and not w.decoder.pending and w.neighbours._index is not None,
                    timeout=20_000)
    training = w.state.dataset.split(test=False)
    code = w.ae_space.code_at(view.probe_position())
    truth = np.argsort(np.linalg.norm(w.neighbours._index[2].codes.vectors - code, axis=1), kind="stable")[:8]
    expected = [to_pixels(training.x[i], training.sample_shape) for i in truth]

    def shows_truth() -> bool:  # each thumbnail a training picture, nearest first (the last search delivered)
        pairs = zip(strip.by_code, expected, strict=True)
        return all(p.shown is not None and np.array_equal(p.shown, e) for p, e in pairs)

    qtbot.waitUntil(shows_truth, timeout=20_000)
    distances = [float(p.caption.text().split()[0]) for p in strip.by_code]
    assert distances == sorted(distances) and distances[0] > 0
    # The pixel-space neighbour is the training picture nearest to what the probe decodes.
    decoded = w.ae_space.decode_at(view.probe_position()).reshape(-1)
    nearest = int(np.argmin(np.linalg.norm(training.flat - decoded, axis=1)))
    assert np.array_equal(strip.by_pixels.shown, to_pixels(training.x[nearest], training.sample_shape))
    assert "pixel distance" in strip.summary.text()


def test_search_by_class_selects_and_zooms_and_a_miss_says_why(make_main_window, qtbot):
    w = make_main_window()
    strip = w.samples.neighbours
    full = w.ae_view.plotItem.vb.viewRange()
    qtbot.keyClicks(strip.search, "3")
    qtbot.keyClick(strip.search, "\r")
    threes = np.flatnonzero(w.shown.y == 3)
    assert w.state.selected == threes[0] and "class 3" in strip.search_note.text()
    (x0, x1), (y0, y1) = w.ae_view.plotItem.vb.viewRange()
    pts = w.ae_space.points[threes]
    assert x0 <= pts[:, 0].min() and pts[:, 0].max() <= x1 and y0 <= pts[:, 1].min() and pts[:, 1].max() <= y1
    assert (x1 - x0) * (y1 - y0) < (full[0][1] - full[0][0]) * (full[1][1] - full[1][0])  # zoomed in
    strip.search.clear()
    qtbot.keyClicks(strip.search, "#99999")
    qtbot.keyClick(strip.search, "\r")
    assert "no sample #99999" in strip.search_note.text() and w.state.selected == threes[0]


def test_a_burst_of_moves_starts_one_search_now_and_the_newest_one_after_the_pause(qtbot):
    from types import SimpleNamespace

    from aeviewer.core.data.loaders import load_dataset
    from aeviewer.core.state import ExplorerState
    from aeviewer.gui.panels.neighbour_panel import SEARCH_EVERY_MS, NeighbourFinder
    from aeviewer.gui.views.neighbour_strip import NeighbourStrip

    state = ExplorerState()
    state.dataset = load_dataset("digits")
    state.ae_space = SimpleNamespace(model=None)
    strip = NeighbourStrip()
    qtbot.addWidget(strip)
    finder = NeighbourFinder(state, strip, SimpleNamespace(show={"ae": lambda *a: None}))
    started: list[float] = []
    finder._runner = SimpleNamespace(submit=lambda key, search, show: started.append(search()), stop=lambda: None)
    finder._search = lambda space, dataset, xy, image: float(xy[0])
    for i in range(5):  # five decodes shown within one pause: the first searches at once, the rest wait
        state.ae_probe = (float(i), 0.0)
        finder.request(np.zeros(64, np.float32))
    assert started == [0.0]
    qtbot.waitUntil(lambda: len(started) == 2, timeout=20 * SEARCH_EVERY_MS)
    assert started == [0.0, 4.0]  # only the newest of the waiting ones ran
    finder.close()
