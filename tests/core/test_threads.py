"""The GUI thread decodes single-threaded while a worker started later still trains on every core."""

from __future__ import annotations

import os
import sys
import threading

import pytest
import torch

from aeviewer.core import threads


def test_interactive_and_bulk_threads_keep_their_own_setting():
    before = torch.get_num_threads()
    seen = {}
    try:
        threads.use_for_interactive_work()
        assert torch.get_num_threads() == 1

        def worker():
            seen["inherited"] = torch.get_num_threads()
            threads.use_for_bulk_work()
            seen["bulk"] = torch.get_num_threads()

        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert seen["bulk"] == threads.DEFAULT_THREADS
        assert torch.get_num_threads() == 1, "the worker's setting leaked into this thread"
    finally:
        torch.set_num_threads(before)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_a_background_worker_runs_at_lower_priority_than_the_caller():
    seen = {}

    def worker():
        threads.use_for_bulk_work(background=True)
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen["nice"] > os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
