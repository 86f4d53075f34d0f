"""Wires the nearest-training-samples strip and the sample search to the state and the probe decoder.

The search for neighbours runs after each decode is shown, in its own latest-only thread (a burst of
moves becomes one search at the newest position), so the GUI thread's part of a move is one hand-off;
the training codes are encoded there once per model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer

from aeviewer.core import threads
from aeviewer.core.data.dataset import Dataset
from aeviewer.core.latent.neighbours import DEFAULT_K, ProbeNeighbours, TrainingNeighbours, training_neighbours
from aeviewer.core.latent.sample_search import search_samples
from aeviewer.core.state import ExplorerState
from aeviewer.gui.views.neighbour_strip import NeighbourStrip
from aeviewer.gui.views.scatter_view import ScatterView
from aeviewer.gui.workers.latest_only import LatestOnlyRunner
from aeviewer.gui.workers.probe_decoder import ProbeDecoder

# At most one search is started per this interval during a drag (the newest position waits for the next slot):
# a search per move (a 30,000 × 784 product) doubled the drag's p50 on a busy 2-core machine.
SEARCH_EVERY_MS = 100
ZOOM_MARGIN = 0.15  # of the matches' extent, so a single point is not drawn at the frame's edge


class NeighbourFinder(QObject):
    """After each shown AE decode: the probe's nearest training samples, searched off the GUI thread."""

    def __init__(self, state: ExplorerState, strip: NeighbourStrip, decoder: ProbeDecoder, k: int = DEFAULT_K,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state, self.strip, self.k = state, strip, k
        self.searches = 0  # searches shown (tests wait on it)
        self._index: tuple[object, object, TrainingNeighbours, Dataset] | None = None  # (model, dataset, ...)
        self._runner: LatestOnlyRunner | None = None
        self._next: tuple[Callable[[], Any], Callable[[Any], None]] | None = None  # newest search, not started
        self._pace = QTimer(self, singleShot=True, interval=SEARCH_EVERY_MS)
        self._pace.timeout.connect(self._start_next)
        show = decoder.show["ae"]

        def show_and_search(image: np.ndarray, shape: Any, label: str) -> None:
            show(image, shape, label)
            self.request(image)

        decoder.show["ae"] = show_and_search

    def request(self, decoded: np.ndarray) -> None:
        space, dataset, probe = self.state.ae_space, self.state.dataset, self.state.ae_probe
        if space is None or dataset is None or probe is None:
            return
        if self._runner is None:
            self._runner = LatestOnlyRunner(self, name="aeviewer-neighbours")
            self._runner.failed.connect(self._failed)
        image = np.array(decoded, np.float32)  # the pane reuses its buffers; the search gets its own copy
        xy = np.array(probe, np.float64)

        def search() -> tuple[ProbeNeighbours, Dataset]:
            return self._search(space, dataset, xy, image)

        def show(found: tuple[ProbeNeighbours, Dataset]) -> None:
            self._show(found, dataset)

        self._next = (search, show)
        if not self._pace.isActive():
            self._start_next()

    def _start_next(self) -> None:
        """Start the newest waiting search now, and hold later ones until `SEARCH_EVERY_MS` has passed."""
        if self._next is None or self._runner is None:
            return
        (search, show), self._next = self._next, None
        self._runner.submit("nn", search, show)
        self._pace.start()

    def _search(self, space: Any, dataset: Dataset, xy: np.ndarray,
                image: np.ndarray) -> tuple[ProbeNeighbours, Dataset]:
        """Background thread: encode the training set once per model, then two exact searches."""
        threads.use_for_bulk_work(background=True, cores=1)  # the other core is the drag's
        index = self._index
        if index is None or index[0] is not space.model or index[1] is not dataset:
            training = dataset.split(test=False)
            index = (space.model, dataset, training_neighbours(space.model, training), training)
            self._index = index
        return index[2].near(space.code_at(xy), image, self.k), index[3]

    def _show(self, found: tuple[ProbeNeighbours, Dataset], dataset: Dataset) -> None:
        if self.state.dataset is not dataset:
            return
        near, training = found
        shape = training.sample_shape
        idx = near.by_code.indices
        labels = [training.class_name(int(training.y[i])) if training.y is not None else "" for i in idx]
        self.strip.show_neighbours([training.x[i] for i in idx], near.by_code.distances, labels,
                                   training.x[int(near.by_pixels.indices[0])], float(near.by_pixels.distances[0]),
                                   shape)
        self.searches += 1

    def _failed(self, details: str) -> None:
        self.strip.clear()
        self.strip.summary.setText("No neighbours: " + details.strip().splitlines()[-1])

    def close(self) -> None:
        self._pace.stop()
        if self._runner is not None:
            self._runner.stop()


class SampleSearch(QObject):
    """The strip's search box: select the first match, highlight it, zoom both views to all matches."""

    def __init__(self, state: ExplorerState, strip: NeighbourStrip, views: list[ScatterView],
                 select: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state, self.strip, self.views, self.select = state, strip, views, select
        self.matches = np.empty(0, np.int64)
        strip.search.returnPressed.connect(lambda: self.search(strip.search.text()))

    def search(self, text: str) -> np.ndarray:
        shown = self.state.shown
        if shown is None:
            self.strip.search_note.setText("Open a dataset first.")
            return self.matches
        result = search_samples(shown, text)
        self.strip.search_note.setText(result.message)
        self.matches = result.indices
        if not len(result.indices):
            return self.matches
        self.select(int(result.indices[0]))
        spaces = {"ae": self.state.ae_space, "pca": self.state.pca_space}
        for view, space in zip(self.views, spaces.values(), strict=True):
            if space is not None:
                zoom_to(view, np.asarray(space.points)[result.indices])
        return self.matches


def zoom_to(view: ScatterView, points: np.ndarray) -> None:
    """Show the box around `points`; a lone point gets a box of 5% of the whole picture around it."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    whole = view.points()
    least = 0.05 * float(np.ptp(whole, axis=0).max()) if len(whole) else 1.0
    pad = np.maximum((hi - lo) * ZOOM_MARGIN, max(least, 1e-3))
    view.show_range((float(lo[0] - pad[0]), float(hi[0] + pad[0])), (float(lo[1] - pad[1]), float(hi[1] + pad[1])))
