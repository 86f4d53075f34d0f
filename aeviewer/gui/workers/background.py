"""Run one function off the GUI thread, with progress, a cancel flag and errors that are never swallowed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal

from aeviewer.gui.workers.worker import Worker


class BackgroundTask(Worker):
    """A Worker that calls `fn(*args, progress=..., cancel=..., **kwargs)` when `takes_progress`, else `fn(*args)`.

    `returned` (also `succeeded`) carries the return value, `errored` (also `failed`) a message for the user
    (a traceback for unexpected errors); `progress(done, total)` from the function arrives as `progressed`;
    `cancel` is the Worker's own cancel event.
    """

    succeeded = Signal(object)  # the names its callers use, emitted with returned / errored
    failed = Signal(str)
    progressed = Signal(object, object)  # done, total (None when unknown)

    def __init__(self, fn: Callable[..., Any], *args: Any, takes_progress: bool = False, **kwargs: Any) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.takes_progress = takes_progress
        direct = Qt.ConnectionType.DirectConnection  # emitted in the same thread, in the same order
        self.returned.connect(self.succeeded, direct)
        self.errored.connect(self.failed, direct)

    def work(self) -> Any:
        if self.takes_progress:
            return self.fn(*self.args, progress=self.progressed.emit, cancel=self.cancel_event, **self.kwargs)
        return self.fn(*self.args, **self.kwargs)
