"""How many bytes a load may use: a share of the memory this process can really get, checked before allocating.

A small file can ask for gigabytes (a gzip, a sparse .npy, a blank 9000×9000 PNG). Loaders estimate the bytes
their whole pipeline will hold (the raw array plus the float32 copies made from it) and call `check_bytes`
first, so the refusal comes at once, with the numbers, instead of after the machine starts swapping.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

try:
    import resource
except ImportError:  # Windows: no rlimits
    resource = None  # type: ignore[assignment]

#: Share of the available memory one load may take (the window, the model and the projections need the rest).
BUDGET_SHARE = 0.5
#: $AEVIEWER_MEMORY_BUDGET (bytes) overrides the measured budget, e.g. for tests or a shared machine.
BUDGET_ENV = "AEVIEWER_MEMORY_BUDGET"
#: float32 bytes kept per value after loading: the scaled copy, plus one transient copy while scaling.
FLOAT32_PIPELINE_BYTES = 8


class MemoryBudgetExceeded(ValueError):
    """A load would need more memory than the budget; the message has both numbers."""


def _meminfo_available() -> int | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    with contextlib.suppress(ValueError, OSError, AttributeError):
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return None


def _address_space_left() -> int | None:
    """Room left under `ulimit -v` (RLIMIT_AS), which a process hits long before physical memory runs out."""
    if resource is None:
        return None
    with contextlib.suppress(ValueError, OSError):
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft == resource.RLIM_INFINITY:
            return None
        used = 0
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                used = int(line.split()[1]) * 1024
        return max(0, soft - used)
    return None


def budget_bytes() -> int:
    """Bytes one load may allocate now: $AEVIEWER_MEMORY_BUDGET, else half of what the OS could give us."""
    override = os.environ.get(BUDGET_ENV)
    if override:
        with contextlib.suppress(ValueError):
            return max(0, int(float(override)))
    limits = [v for v in (_meminfo_available(), _address_space_left()) if v is not None]
    if not limits:
        return 4 * 1024**3  # no way to tell: assume a modest machine
    return int(min(limits) * BUDGET_SHARE)


def human_bytes(n: float) -> str:
    """1.5 GB, 820 MB, 12 kB: what a person reads in a message (powers of 1000, like file managers)."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} bytes"


def check_bytes(needed: int, what: str) -> None:
    """MemoryBudgetExceeded when `needed` bytes exceed the budget; `what` says what would need them."""
    budget = budget_bytes()
    if needed > budget:
        why = (f"set by ${BUDGET_ENV}" if os.environ.get(BUDGET_ENV)
               else f"half the memory available now; set ${BUDGET_ENV} to change it")
        raise MemoryBudgetExceeded(
            f"{what} would need about {human_bytes(needed)} of memory ({needed:,} bytes), more than the "
            f"{human_bytes(budget)} ({budget:,} bytes) aeviewer allows one load ({why})"
        )
