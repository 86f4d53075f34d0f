"""The one worker type: values, return, errors, and pause/resume acknowledged as signals (no timing)."""

from __future__ import annotations

import threading

from aeviewer.core.errors import AeviewerError
from aeviewer.gui.workers.background import BackgroundTask
from aeviewer.gui.workers.worker import Worker


class Counter(Worker):
    """Yields 0, 1, 2, ... until `stop_at`, or until cancelled; returns how many it yielded."""

    def __init__(self, stop_at: int = 1_000_000) -> None:
        super().__init__()
        self.stop_at = stop_at
        self.gate = threading.Event()  # the test lets it past value 2
        self.gate.set()
        self.closed = False

    def work(self):
        try:
            for i in range(self.stop_at):
                if i == 2:
                    self.gate.wait(10)
                yield i
            return self.stop_at
        finally:
            self.closed = True


def test_a_generator_yields_then_returns(qtbot):
    worker = Counter(stop_at=3)
    seen: list[int] = []
    worker.yielded.connect(seen.append)
    with qtbot.waitSignal(worker.returned, timeout=10_000) as returned, qtbot.waitSignal(worker.finished):
        worker.start()
    assert seen == [0, 1, 2] and returned.args == [3]


def test_a_pause_is_acknowledged_between_values_and_nothing_comes_while_paused(qtbot):
    worker = Counter()
    worker.gate.clear()
    seen: list[int] = []
    worker.yielded.connect(seen.append)
    worker.pause()  # before the start: applied at the first value
    with qtbot.waitSignal(worker.paused, timeout=10_000):
        worker.start()
    assert worker.is_paused and worker.pause_requested
    assert seen == [0]  # stopped right after the first value
    worker.gate.set()
    with qtbot.waitSignal(worker.resumed, timeout=10_000):
        worker.resume()
    assert not worker.is_paused
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.cancel()
    worker.wait()
    assert worker.closed and seen[:3] == [0, 1, 2]


def test_a_cancel_while_paused_ends_the_work_and_closes_the_generator(qtbot):
    worker = Counter()
    worker.pause()
    with qtbot.waitSignal(worker.paused, timeout=10_000):
        worker.start()
    returned: list[object] = []
    worker.returned.connect(returned.append)
    with qtbot.waitSignals([worker.resumed, worker.finished], timeout=10_000):
        worker.cancel()
    worker.wait()
    assert worker.closed and returned == [None] and not worker.pause_requested


def test_errors_come_as_one_message(qtbot):
    def bad_file() -> None:
        raise AeviewerError("bad.npy: not a numpy file")

    def bug() -> None:
        raise KeyError("x")

    task = BackgroundTask(bad_file)
    with qtbot.waitSignal(task.failed, timeout=10_000) as failed:
        task.start()
    task.wait()
    assert failed.args == ["bad.npy: not a numpy file"]
    task = BackgroundTask(bug)
    with qtbot.waitSignal(task.errored, timeout=10_000) as errored:
        task.start()
    task.wait()
    assert errored.args[0].startswith("KeyError: 'x'") and "Traceback" in errored.args[0]


def test_a_background_task_hands_its_function_the_workers_cancel(qtbot):
    def wait_for_cancel(progress, cancel) -> str:
        progress(0, None)
        return "cancelled" if cancel.wait(10) else "timed out"

    task = BackgroundTask(wait_for_cancel, takes_progress=True)
    with qtbot.waitSignal(task.progressed, timeout=10_000):
        task.start()
    with qtbot.waitSignal(task.succeeded, timeout=10_000) as succeeded:
        task.cancel()
    task.wait()
    assert succeeded.args == ["cancelled"]
