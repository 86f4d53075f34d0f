"""Decode at the probes once per event-loop pass: on this thread within the budget, else latest-only in the background.

A drag does not wait for that pass: `flush` decodes in the move's own handler, so the picture is painted before
whatever else is queued (while training, a snapshot's redraw or the loss plot's took the p99 from 7 to 13 ms).

One `ProbeDecoder` serves the autoencoder and PCA probes alike. It listens to the state's probe events,
coalesces a burst of moves into one decode at the newest position, times one decode of each new model
against `GUI_DECODE_BUDGET_MS`, and numbers requests so an older background result never replaces a newer one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer

from aeviewer.core.state import ExplorerState
from aeviewer.gui.workers.latest_only import LatestOnlyRunner

# A probe decode slower than this runs in a background thread: the drag target is 8 ms (p99) from mouse
# event to repainted picture, and the window's own part of that is about 3.5 ms on a 2-core CPU.
GUI_DECODE_BUDGET_MS = 4.0

Show = Callable[[np.ndarray, Any, str], None]  # (decoded sample, sample shape, label) into a picture pane


def probe_label(xy: Any) -> str:
    return f"({xy[0]:.2f}, {xy[1]:.2f})"


class ProbeDecoder(QObject):
    """Turns probe positions in `state` into pictures through `show[view]`; errors go to `on_error` once a model."""

    def __init__(self, state: ExplorerState, show: dict[str, Show], on_error: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state, self.show, self.on_error = state, show, on_error
        self._pending: dict[str, np.ndarray] = {}
        self.decode_count = 0  # decodes actually run, to show that probe moves are coalesced
        self.decode_cost_ms = 0.0  # one probe decode of the current model, measured on this thread
        self.off_thread = False  # too slow for a frame: decode in the background, newest request only
        self.runner: LatestOnlyRunner | None = None
        self._requested = self._shown = 0  # AE request numbers: never show an older one
        self._error_shown = False
        self._flushed = False  # a flush ran in this event-loop pass
        self._reset_flushed = QTimer(self, singleShot=True, interval=0)
        self._reset_flushed.timeout.connect(lambda: setattr(self, "_flushed", False))
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._decode_pending)
        state.events.ae_probe.connect(lambda xy: self.queue("ae", xy))
        state.events.pca_probe.connect(lambda xy: self.queue("pca", xy))

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def queue(self, view: str, xy: Any) -> None:
        self._pending[view] = np.asarray(xy, dtype=np.float64)
        if not self._timer.isActive():
            self._timer.start()

    def time_model(self) -> None:
        """Decode on this thread when a decode of the current model fits the per-move budget, else off it."""
        space = self.state.ae_space
        try:
            self.decode_cost_ms = space.decode_cost_ms() if space is not None else 0.0
        except Exception:  # a model that cannot decode says so when the probe is decoded, not here
            self.decode_cost_ms = 0.0
        self.off_thread = self.decode_cost_ms > GUI_DECODE_BUDGET_MS
        self._error_shown = False

    def flush(self) -> set[str]:
        """Decode what is queued now rather than after the events already waiting (a drag: the picture first,
        then the training snapshots and repaints that arrived meanwhile). Slow models still go to the
        background, and one flush per event-loop pass: the rest of a burst that arrived before the loop ran
        is left to the once-per-pass decode, so no lag builds up. Returns the views whose picture changed
        here, for the caller to paint at once."""
        if not self._pending or self._flushed:
            return set()
        self._flushed = True
        self._reset_flushed.start()  # at the next pass: a real drag's moves come one per pass
        self._timer.stop()
        views = set(self._pending)
        if self.off_thread:
            views.discard("ae")
        self._decode_pending()
        return views

    def decode_now(self) -> None:
        """Finish any queued decode at once, on this thread (tests and exports want the latest picture)."""
        self._timer.stop()
        self._decode_pending(wait=True)

    def _decode_pending(self, wait: bool = False) -> None:
        pending, self._pending = self._pending, {}
        self.decode_count += 1
        if "ae" in pending and self.state.ae_space is not None:
            xy, space = pending["ae"], self.state.ae_space
            self.show_ae(lambda: space.decode_at(xy), probe_label(xy), wait=wait)
        if "pca" in pending and self.state.pca_space is not None:
            xy = pending["pca"]
            shape = self.state.shown.sample_shape if self.state.shown is not None else None
            self.show["pca"](self.state.pca_space.decode_at(xy), shape, probe_label(xy))

    def show_ae(self, decode: Callable[[], np.ndarray], label: str, wait: bool = False) -> None:
        """Show `decode()` in the AE probe pane: here within the budget, else in the background (newest wins)."""
        space = self.state.ae_space
        self._requested += 1
        request = self._requested
        if self.off_thread and not wait:
            self._runner().submit("ae", decode, lambda image: self._show_ae(space, request, label, image))
        else:
            self._show_ae(space, request, label, decode())

    def _show_ae(self, space: object, request: int, label: str, image: np.ndarray) -> None:
        # A background result can arrive after a newer one was shown, or after the dataset changed.
        shown = self.state.shown
        if shown is None or request <= self._shown:
            return
        shape = shown.sample_shape
        if getattr(space, "data", None) is not shown:
            return
        self._shown = request
        self.show["ae"](image, shape, label)

    def _runner(self) -> LatestOnlyRunner:
        if self.runner is None:
            self.runner = LatestOnlyRunner(self, name="aeviewer-probe-decode")
            self.runner.failed.connect(self._failed)
        return self.runner

    def _failed(self, details: str) -> None:
        if not self._error_shown:  # once per model: a failing decoder would fail on every move
            self._error_shown = True
            self.on_error("The model could not decode the probe position:\n" + details)

    def close(self) -> None:
        self._timer.stop()
        self._reset_flushed.stop()
        if self.runner is not None:
            self.runner.stop()
