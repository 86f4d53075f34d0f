"""Shared bits of the benchmark scripts: one figure per target, printed and collected as JSON."""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass

import numpy as np

RESULT_PREFIX = "RESULT "


@dataclass
class Figure:
    """One measured figure, its target and whether it met it. `lower_is_better` decides the comparison."""

    name: str
    value: float
    unit: str
    target: float | None
    lower_is_better: bool = True
    detail: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "report"
        ok = self.value <= self.target if self.lower_is_better else self.value >= self.target
        return "PASS" if ok else "MISS"

    def row(self) -> str:
        target = "—" if self.target is None else f"{'≤' if self.lower_is_better else '≥'} {self.target:g} {self.unit}"
        return f"| {self.name} | {self.value:.3g} {self.unit} | {target} | {self.verdict} | {self.detail} |"


def percentiles(samples_ms: list[float] | np.ndarray) -> tuple[float, float]:
    arr = np.asarray(samples_ms, dtype=np.float64)
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 99))


def emit(figures: list[Figure]) -> None:
    """Print a readable line per figure and one machine-readable line for run_all.py."""
    for fig in figures:
        print(f"{fig.name}: {fig.value:.4g} {fig.unit} (target {fig.target}) {fig.verdict} {fig.detail}")
    print(RESULT_PREFIX + json.dumps([asdict(f) for f in figures]))
    sys.stdout.flush()


def machine() -> str:
    try:
        import torch

        threads = torch.get_num_threads()
        gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    except Exception:  # pragma: no cover - torch missing
        threads, gpu = "?", "?"
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch threads {threads}, {gpu}"
