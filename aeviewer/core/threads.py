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
import time

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


def use_for_bulk_work(background: bool = False, cores: int | None = None) -> None:
    """Call at the start of a worker thread that trains or encodes in bulk.

    `background=True` also lowers this thread's CPU priority (Linux: nice is per thread, and the
    thread pool torch starts from here inherits it), so on a machine with few cores the GUI thread
    runs as soon as it has work and training takes the rest. `cores` caps torch's pool for work that
    runs beside a drag (the nearest-samples search): a pool over every core takes the GUI thread's.
    """
    if background and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
    torch.set_num_threads(DEFAULT_THREADS if cores is None else max(1, cores))


def free_cores() -> int:
    """How many cores a bulk job may use now: the cores this process may run on, less the ones other
    processes keep busy.

    Libraries asked for "all cores" (openTSNE's n_jobs=-1) start one spinning thread per core, and when
    other processes hold those cores every thread waits on the slowest: a 120-point t-SNE took 49 s that
    way against 1.4 s on one thread. The busy cores are read from /proc/stat over a tenth of a second,
    minus this process's own use; the load average (a minute's memory) is the fallback: right after a
    job of ours it still counts that job and gave a quiet 2-core machine one thread. `AEVIEWER_THREADS`
    overrides the guess (the tests set 1).
    """
    override = os.environ.get("AEVIEWER_THREADS", "")
    if override.isdigit() and int(override) > 0:
        return int(override)
    try:
        allowed = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        allowed = os.cpu_count() or 1
    busy = busy_elsewhere()
    if busy is None:
        try:
            busy = os.getloadavg()[0]
        except (AttributeError, OSError):  # Windows
            busy = 0.0
    return max(1, min(allowed, int(allowed - busy + 0.5)))


def busy_elsewhere(window_s: float = 0.1) -> float | None:
    """Cores kept busy by other processes over `window_s` (Linux /proc), or None where that cannot be read."""
    try:
        busy0, own0, t0 = _busy_ticks(), _own_ticks(), time.monotonic()
        time.sleep(window_s)
        busy1, own1, t1 = _busy_ticks(), _own_ticks(), time.monotonic()
        hz = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return max(0.0, ((busy1 - busy0) - (own1 - own0)) / hz / max(t1 - t0, 1e-3))


def _busy_ticks() -> int:
    """All cores' non-idle time since boot, in clock ticks (the first line of /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    return sum(fields) - fields[3] - fields[4]  # less idle and iowait


def _own_ticks() -> int:
    """This process's user + system time, every thread, in clock ticks (/proc/self/stat fields 14 and 15)."""
    with open("/proc/self/stat", encoding="ascii") as f:
        after_name = f.read().rsplit(")", 1)[1].split()
    return int(after_name[11]) + int(after_name[12])
