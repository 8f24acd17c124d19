"""All eight benchmarks in sequence (`make bench`); each prints its own figures and ratios.

1. core_scale.py                 — core vs numpy floor vs naive crosstab loop, 10³…10⁶ respondents
2. browser_latency.py            — filter change and first chart in Chromium, ours vs a minimal app
3. upload_parse.py               — one upload (bundled, 100 000 rows): bare read vs in process vs the limited worker; the three refusals
4. concurrent_viewers.py         — 10, 25, 50 viewers for 120 s each against one server
5. audit_speed.py                — suppression pattern and its audit, grids of 4–32 groups and larger surveys
6. workshop_projector_latency.py — the workshop room: ninth group's submit → projector shows it (10 runs)
7. load_replicas.py              — simulated viewers: capacity of one replica per core and of two
                                   behind HAProxy, Chromium cross-check, kill -9 of a replica
8. public_survey_speed.py        — summary, compare and a section page at 6 366 × 4 breakdowns × 10 items
                                   and 100 000 × 4 × 30, side by side with the bundled survey

Each runs in its own process (so one's memory does not weigh on the next). Run time: on an
idle 2-core machine the full run should take about 20 minutes (an estimate: 4 alone is at
least 7 — a single-user minute and 3 × 120 s plus loads — and 2 needs ~60 page loads; 6 takes
about 5: ten rounds of nine phones tapping 26 scores each) and 7 another 40–60 (rounds of
120 s until each capacity is found, the cross-check, the kill); on the loaded machine of
docs/performance.md the shortened runs of 1–4 took ~45 minutes in all. `--quick` runs smaller
versions (1: up to 10⁵; 2: 8 samples; 3: 20 000 rows; 4: 20 s rounds; 5: small grids; 6: 3 runs; 7: 20 s rounds; 8: 6 366 rows only).
Run a benchmark alone for its own options.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

FULL = [
    ("core_scale.py", []),
    ("browser_latency.py", []),
    ("upload_parse.py", []),
    ("concurrent_viewers.py", []),
    ("audit_speed.py", []),
    ("workshop_projector_latency.py", []),
    ("load_replicas.py", []),
    ("public_survey_speed.py", []),
]
QUICK = [
    ("core_scale.py", ["--sizes", "1000,10000,100000"]),
    ("browser_latency.py", ["--samples", "8", "--cold-samples", "4"]),
    ("upload_parse.py", ["--rows", "20000", "--repeat", "2"]),
    ("concurrent_viewers.py", ["--quick"]),
    ("audit_speed.py", ["--quick"]),
    ("workshop_projector_latency.py", ["--runs", "3"]),
    ("load_replicas.py", ["--quick"]),
    ("public_survey_speed.py", ["--quick"]),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller versions of every benchmark")
    parser.add_argument("--only", default="", help="comma-separated numbers (1-8) of the benchmarks to run")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    chosen = {int(n) for n in args.only.split(",") if n} or set(range(1, len(plan) + 1))
    failed = []
    started = time.monotonic()
    for number, (script, options) in enumerate(plan, start=1):
        if number not in chosen:
            continue
        print(f"\n=== {number}. {script} {' '.join(options)}", flush=True)
        began = time.monotonic()
        code = subprocess.call([sys.executable, str(HERE / script), *options], cwd=HERE.parent)
        print(f"--- {script}: {time.monotonic() - began:.0f} s, exit {code}", flush=True)
        if code:
            failed.append(script)
    print(f"\nall benchmarks: {time.monotonic() - started:.0f} s" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
