"""Run every benchmark module (or those named on the command line) and print a summary table."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

import bench

RESULTS = Path(__file__).resolve().parent / "results"


class Report:
    """Collects figures as (benchmark, metric, value, unit, target) rows."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, benchmark: str, metric: str, value: float, unit: str, target: str = "") -> None:
        """Record one figure and echo it."""
        row = {"benchmark": benchmark, "metric": metric, "value": value, "unit": unit, "target": target}
        self.rows.append(row)
        print(f"  {benchmark:<28} {metric:<48} {value:>12.3f} {unit:<8} {target}", flush=True)


def main(names: list[str]) -> int:
    """Run the benchmarks and save their figures under bench/results/."""
    report = Report()
    problems: list[str] = []
    modules = [m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")]
    for name in modules:
        if names and not any(n in name for n in names):
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        problems += importlib.import_module(f"bench.{name}").run(report) or []  # a bench may return problems
        print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%dT%H-%M-%S")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(report.rows, indent=2))
    for problem in problems:
        print(f"FAILED: {problem}", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
