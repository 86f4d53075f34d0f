"""Run one function off the GUI thread, with progress, a cancel flag and errors that are never swallowed."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

from aeviewer.core.errors import AeviewerError


class BackgroundTask(QThread):
    """Calls `fn(*args, report=..., cancel=..., **kwargs)` in a thread when `takes_progress`, else `fn(*args)`.

    `succeeded` carries the return value, `failed` a message for the user (a traceback for
    unexpected errors); `report(done, total)` from the worker arrives as `progressed` on the GUI thread.
    """

    succeeded = Signal(object)
    failed = Signal(str)
    progressed = Signal(object, object)  # done, total (None when unknown)

    def __init__(self, fn: Callable[..., Any], *args: Any, takes_progress: bool = False, **kwargs: Any) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.takes_progress = takes_progress
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    def run(self) -> None:
        try:
            if self.takes_progress:
                result = self.fn(*self.args, progress=self.progressed.emit, cancel=self.cancel_event, **self.kwargs)
            else:
                result = self.fn(*self.args, **self.kwargs)
        except AeviewerError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:
            self.failed.emit(f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}")
        else:
            self.succeeded.emit(result)
