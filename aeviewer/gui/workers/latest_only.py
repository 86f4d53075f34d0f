"""One background thread that runs only the newest job per key: slow decodes without a backlog.

While a job runs, newer requests for the same key replace the one waiting, so a model too slow to decode
within a frame shows the position the mouse is at now, not a queue of positions it has left. Results are
handed to the GUI thread through a queued signal.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from aeviewer.core import threads

Job = Callable[[], Any]
Done = Callable[[Any], None]


class LatestOnlyRunner(QObject):
    failed = Signal(str)  # a job raised: the traceback, on the GUI thread
    _finished = Signal(object, object)  # (on_done, result), emitted from the worker thread

    def __init__(self, parent: QObject | None = None, name: str = "aeviewer-latest-only") -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._waiting: dict[str, tuple[Job, Done]] = {}
        self._running = 0
        self._stopped = False
        self.dropped = 0  # requests replaced before they ran
        self.ran = 0
        self._finished.connect(self._deliver)  # a method of this QObject: queued to the GUI thread
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, key: str, job: Job, on_done: Done) -> None:
        """Run `job()` in the background thread, then `on_done(result)` on the GUI thread; a request for
        `key` still waiting is dropped."""
        with self._cond:
            if key in self._waiting:
                self.dropped += 1
            self._waiting[key] = (job, on_done)
            self._cond.notify()

    def idle(self) -> bool:
        """Nothing waiting or running (the GUI may still have results to deliver in its event queue)."""
        with self._cond:
            return not self._waiting and not self._running

    def stop(self, timeout_s: float = 5.0) -> None:
        with self._cond:
            self._stopped = True
            self._waiting.clear()
            self._cond.notify()
        self._thread.join(timeout_s)

    def _deliver(self, on_done: Done, result: Any) -> None:
        if not self._stopped:
            on_done(result)

    def _loop(self) -> None:  # the background thread
        threads.use_for_bulk_work()  # a decode too slow for the GUI thread gets torch's thread pool
        while True:
            with self._cond:
                while not self._waiting and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                key = next(iter(self._waiting))
                job, on_done = self._waiting.pop(key)
                self._running += 1
            try:
                result = job()
            except Exception:
                self.failed.emit(traceback.format_exc())
            else:
                self.ran += 1
                self._finished.emit(on_done, result)
            finally:
                with self._cond:
                    self._running -= 1
