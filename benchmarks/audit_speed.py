"""Benchmark 5: the suppression pattern and the audit that proves it, per survey.

For each survey, CPU seconds of: the pattern of every item (`analysis.protect.plan_suppression`)
with cold caches; the same again (cached, what every later table of a view pays); the exact
audit of that pattern (`analysis.audit_report.audit_survey`: every count of every hidden cell decided
by moves or HiGHS); and, side by side as the baseline, counting every table the pattern serves
(`headline_table` for every combination of breakdowns). CPU time, not wall time: the machines
here are shared, and OpenBLAS threads would otherwise count as the audit's.

Surveys (scripts/cell_surveys.py): municipality × role grids of 4, 8, 16 and 32 groups with 30
items (every fourth elected cell under 4 people); the bundled survey; 7 municipalities × 2
roles × 2 rounds with 30 items, and again with 22 items and a multi-select question of 8 options
(whose shared blank is audited jointly); a 6 366-row survey with 4 breakdowns (150 cells) and
10 items.

    python benchmarks/audit_speed.py            # everything
    python benchmarks/audit_speed.py --quick    # grids of 4 and 8 groups, 6 items, and the bundled survey
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.aggregate import headline_table  # noqa: E402
from analysis.audit_report import audit_survey  # noqa: E402
from analysis.load import BUNDLED_WORKBOOK  # noqa: E402
from analysis.intake import load_workbook  # noqa: E402
from analysis.audit_report import clear_caches  # noqa: E402
from analysis.protect import plan_suppression  # noqa: E402
from scripts import cell_surveys  # noqa: E402

THRESHOLD = 5


def cpu(function) -> tuple[float, object]:
    started = time.process_time()
    result = function()
    return time.process_time() - started, result


def measure(name: str, survey) -> dict:
    breakdowns = list(survey.breakdowns)
    clear_caches()
    counting, _ = cpu(lambda: [headline_table(survey, list(by)) for size in range(len(breakdowns) + 1)
                               for by in combinations(breakdowns, size)])
    clear_caches()
    cold, plan = cpu(lambda: plan_suppression(survey, THRESHOLD))
    cached, _ = cpu(lambda: plan_suppression(survey, THRESHOLD))
    audit, report = cpu(lambda: audit_survey(survey, THRESHOLD))
    first = next(iter(plan.values()))
    return {"survey": name, "cells": len(first.cells), "items": len(plan),
            "hidden": sum(int(p.hidden_cells.sum()) for p in plan.values()),
            "margins": sum(int(p.hidden_margins.sum()) for p in plan.values()),
            "pattern": cold, "cached": cached, "audit": audit, "counting": counting,
            "ratio": cold / counting if counting else float("nan"), "passes": bool(report["protected"].all())}


def surveys(quick: bool):
    with tempfile.TemporaryDirectory() as folder:
        def load(name, sheets):
            return name, load_workbook(cell_surveys.write(Path(folder) / f"{name}.xlsx", sheets))

        items = 6 if quick else 30
        for groups in ((4, 8) if quick else (4, 8, 16, 32)):
            yield load(f"grid {groups} groups × {items} items", cell_surveys.grid(groups, items=items))
        yield "bundled (93 × 25 items)", load_workbook(BUNDLED_WORKBOOK)
        if not quick:
            yield load("7 × 2 × 2 rounds × 30 items", cell_surveys.seven_two_rounds(items=30))
            yield load("7 × 2 × 2 rounds, 22 items + 8 options", cell_surveys.seven_two_rounds(items=22, multi_select=8))
            yield load("6 366 rows, 4 breakdowns × 10 items", cell_surveys.four_breakdowns())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small grids and the bundled survey only")
    args = parser.parse_args(argv)
    print(f"threshold {THRESHOLD}; CPU seconds; ratio = pattern (cold) / counting every table once")
    header = f"{'survey':<38} {'cells':>5} {'items':>5} {'hidden':>6} {'margins':>7} {'pattern':>8} {'cached':>7} {'audit':>7} {'counting':>8} {'ratio':>6}  audit passes"
    print(header)
    failed = False
    for name, survey in surveys(args.quick):
        row = measure(name, survey)
        failed |= not row["passes"]
        print(f"{row['survey']:<38} {row['cells']:>5} {row['items']:>5} {row['hidden']:>6} {row['margins']:>7} "
              f"{row['pattern']:>8.3f} {row['cached']:>7.3f} {row['audit']:>7.3f} {row['counting']:>8.3f} "
              f"{row['ratio']:>6.1f}  {'yes' if row['passes'] else 'NO'}", flush=True)
    print("targets: pattern + audit well under 1 s per survey for the bundled and the 7 × 2 × 2 survey; "
          "≤ 1–2 s for the 4-breakdown one")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
