"""`make bench`: run every benchmark in its own process, print one table, write benchmarks/results.json."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import RESULT_PREFIX, Figure, machine

SCRIPTS = ["bench_training", "bench_drag", "bench_drag_training", "bench_gui_stall", "bench_scatter", "bench_density",
           "bench_cold_start", "bench_projection", "bench_compare", "bench_quality", "bench_formation"]
# bench_quality trains 31 models on real data (~15 min on 2 cores); its full table goes to quality_table.md
# formation: 5 short runs per dataset; projection: two t-SNEs, scikit-learn's and a UMAP
TIMEOUT_S = {"bench_quality": 3600, "bench_formation": 1200, "bench_projection": 1200}
HERE = Path(__file__).resolve().parent


def run(script: str) -> tuple[list[Figure], str]:
    if not (HERE / f"{script}.py").exists():
        return [], "not present"
    proc = subprocess.run([sys.executable, "-m", f"benchmarks.{script}"], cwd=HERE.parent, capture_output=True,
                          text=True, timeout=TIMEOUT_S.get(script, 600))
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return [Figure(**d) for d in json.loads(line[len(RESULT_PREFIX):])], ""
    return [], f"failed (exit {proc.returncode}): {(proc.stderr or proc.stdout).strip().splitlines()[-1:]}"


def main() -> None:
    started = time.time()
    figures: list[Figure] = []
    problems = {}
    for script in SCRIPTS:
        t0 = time.time()
        figs, problem = run(script)
        print(f"{script}: {time.time() - t0:.0f} s {problem}", file=sys.stderr)
        figures += figs
        if problem:
            problems[script] = problem
    print(f"\nMachine: {machine()}\n")
    print("| figure | measured | target | verdict | detail |")
    print("|---|---|---|---|---|")
    for fig in figures:
        print(fig.row())
    for script, problem in problems.items():
        print(f"| {script} | — | — | ERROR | {problem} |")
    print(f"\n{sum(f.verdict == 'PASS' for f in figures)} PASS, {sum(f.verdict == 'MISS' for f in figures)} MISS; "
          f"{time.time() - started:.0f} s in all")
    results = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M"),
               "figures": [f.__dict__ | {"verdict": f.verdict} for f in figures], "errors": problems}
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
