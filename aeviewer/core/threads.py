"""Per-thread CPU parallelism for torch: one thread for interactive decodes, all cores for training.

Waking an intra-op thread pool for a single-point decode costs ~10 ms on a busy 2-core machine versus
~0.3 ms on one thread, so the GUI thread decodes single-threaded. torch's setting is per thread (and
inherited by threads started later), so a training thread restores the default for itself.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

import torch

DEFAULT_THREADS = torch.get_num_threads()  # captured when first imported, before anyone changes it


INTERACTIVE_SWITCH_INTERVAL_S = 0.001
BACKGROUND_NICE = 10


def use_for_interactive_work() -> None:
    """Call on the GUI thread: small decodes, no thread-pool wake-ups.

    Also hands the GIL between threads every 1 ms instead of Python's 5 ms, so a training thread's
    Python code delays the event loop by at most about a millisecond at a time.
    """
    torch.set_num_threads(1)
    sys.setswitchinterval(INTERACTIVE_SWITCH_INTERVAL_S)


def use_for_bulk_work(background: bool = False) -> None:
    """Call at the start of a worker thread that trains or encodes in bulk.

    `background=True` also lowers this thread's CPU priority (Linux: nice is per thread, and the
    thread pool torch starts from here inherits it), so on a machine with few cores the GUI thread
    runs as soon as it has work and training takes the rest.
    """
    if background and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
    torch.set_num_threads(DEFAULT_THREADS)
