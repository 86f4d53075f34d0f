"""Axis ranges for live plots that follow their data without changing on every update.

A plot whose range changes regenerates its tick labels and grid and repaints everything: about 5 ms per
update on a 2-core CPU, several times a second while training. These ranges change only when the data
leaves them or shrinks well inside them, so most updates repaint just the data.
"""

from __future__ import annotations

import math

Range = tuple[float, float]


def sticky_range(lo: float, hi: float, current: Range | None, pad: float = 0.08, shrink: float = 0.5) -> Range:
    """`current` if it still holds [lo, hi] and the data spans at least `shrink` of it, else [lo, hi] padded.

    `pad` is the fraction of the data's span added on each side when the range is refitted; a zero span
    gets a unit-sized range around it.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return current if current is not None else (0.0, 1.0)
    lo, hi = min(lo, hi), max(lo, hi)
    span = hi - lo
    if current is not None:
        c_lo, c_hi = current
        if c_lo <= lo and hi <= c_hi and span >= shrink * (c_hi - c_lo):
            return current
    margin = span * pad if span > 0 else max(abs(lo), 1.0) * 0.5
    return (lo - margin, hi + margin)


def step_range(max_step: float, current: Range | None = None, growth: float = 1.25) -> Range:
    """An x range for a curve against training step: from 0, and `growth` times the last step whenever
    the curve reaches the right edge, so it changes about ten times per tenfold of steps and is at least
    1/`growth` full."""
    max_step = max(float(max_step), 1.0)
    if current is not None and current[0] == 0.0 and max_step <= current[1]:
        return current
    return (0.0, max_step * growth)
