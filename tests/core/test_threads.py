"""The GUI thread decodes single-threaded while a worker started later still trains on every core."""

from __future__ import annotations

import threading

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
