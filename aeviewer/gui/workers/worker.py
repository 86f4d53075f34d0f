"""The one worker type: a QThread that runs `work()` (a function or a generator) and owns its pause/cancel state."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Generator
from typing import Any

from PySide6.QtCore import QThread, Signal

from aeviewer.core.errors import AeviewerError


class Worker(QThread):
    """Runs `work()` off the GUI thread, with the signals of superqt's GeneratorWorker.

    A generator's values arrive as `yielded`, its (or a function's) return value as `returned`, an error as
    `errored` (one message for the user; a traceback for the unexpected); QThread's `finished` ends every run.
    `pause()`, `resume()` and `cancel()` may come from any thread, before the work starts too: they only
    record the request here, the one place that state lives. The work acknowledges a pause once it has
    really stopped, with `paused`, and `resumed` when it goes on: by default between two yielded values
    (where a cancel also ends a generator); a subclass whose work pauses itself (the Trainer, between
    steps) hands the requests on in `_requested` and calls `acknowledge_pause`.
    """

    yielded = Signal(object)
    returned = Signal(object)
    errored = Signal(str)
    paused = Signal()
    resumed = Signal()

    CONTROLLED_BETWEEN_YIELDS = True  # False: the work reads the requests itself (see `_requested`)

    def __init__(self) -> None:
        super().__init__()
        self.cancel_event = threading.Event()
        self._lock = threading.Lock()
        self._pause_requested = False
        self._go_on = threading.Event()  # set = not asked to pause (or cancelled)
        self._go_on.set()
        self.is_paused = False  # acknowledged by the work, not just asked for

    # -- control, from any thread ---------------------------------------------------------------------

    def pause(self) -> None:
        self._control(paused=True)

    def resume(self) -> None:
        self._control(paused=False)

    def cancel(self) -> None:
        self.cancel_event.set()
        self._control()

    @property
    def pause_requested(self) -> bool:
        return self._pause_requested and not self.cancelled

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def _control(self, paused: bool | None = None) -> None:
        with self._lock:
            self._pause_requested = self._pause_requested if paused is None else paused
            if self.pause_requested:
                self._go_on.clear()
            else:
                self._go_on.set()  # a cancel wakes a paused run so it can end
            self._requested()

    def _requested(self) -> None:
        """Called under the lock after each request: a subclass hands it on to work that pauses itself."""

    def acknowledge_pause(self, paused: bool) -> None:
        """The work has stopped (True) or goes on (False): tell the GUI thread."""
        self.is_paused = paused
        (self.paused if paused else self.resumed).emit()

    # -- the thread -----------------------------------------------------------------------------------

    def work(self) -> Any:
        """The job: return a value, or yield values (a generator) and return one at the end."""
        raise NotImplementedError

    def error_message(self, exc: Exception) -> str:
        """The message for `errored`: ours are for the user as they are, anything else carries its traceback."""
        if isinstance(exc, AeviewerError):
            return str(exc)
        return f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}"

    def run(self) -> None:  # the worker thread
        try:
            result = self.work()
            if isinstance(result, Generator):
                result = self._iterate(result)
        except Exception as exc:  # never swallowed: the window shows it
            self.errored.emit(self.error_message(exc))
        else:
            self.returned.emit(result)

    def _iterate(self, gen: Generator[Any, None, Any]) -> Any:
        while True:
            try:
                value = next(gen)
            except StopIteration as stop:
                return stop.value
            self.yielded.emit(value)
            if not self.CONTROLLED_BETWEEN_YIELDS:
                continue
            if not self._go_on.is_set():
                self.acknowledge_pause(True)
                self._go_on.wait()
                self.acknowledge_pause(False)
            if self.cancelled:
                gen.close()
                return None
