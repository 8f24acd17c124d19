"""Make the real-browser helpers of the tests importable from a benchmark script.

The benchmarks start servers, open Chromium and wait for the app exactly as the browser tests
do (`tests/browser_support.py`: free port, health poll, idle = connected and not running,
Plotly values from `_fullData`), so they reuse that module instead of a copy of it.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def p95(values: list[float]) -> float:
    """95th percentile (linear interpolation between order statistics, as numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = 0.95 * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def rss_bytes(pid: int) -> int:
    """Resident memory of a process from /proc (no psutil needed); 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used, from /proc (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime: fields 14 and 15

