"""Benchmark 3 — upload: parsing and validating a 100 000-row workbook.

Side by side in one run: `analysis.intake.load_upload` (checks before parsing, calamine
read, full validation, typed survey) against python-calamine's bare read of the same file
via pandas. Prints medians and the ratio.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis.intake import Limits, load_upload  # noqa: E402
from synthetic import synthetic_workbook_sheets  # noqa: E402


def workbook_bytes(n: int) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in synthetic_workbook_sheets(n).items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def bare(data: bytes):
    return pd.read_excel(io.BytesIO(data), sheet_name=None, engine="calamine", dtype=object)


def ours(data: bytes):
    survey, problems = load_upload({"survey.xlsx": data}, Limits(max_bytes=500 * 1024 * 1024, max_rows=2_000_000))
    assert survey is not None, [p.describe() for p in problems[:3]]
    return survey


def median_time(function, data, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    data = workbook_bytes(args.rows)
    print(f"Benchmark 3 — upload of a {args.rows} × 23 workbook ({len(data) / 1e6:.1f} MB)")
    t_bare = median_time(bare, data, args.repeat)
    t_ours = median_time(ours, data, args.repeat)
    print(f"calamine bare read: {t_bare:.2f} s · load_upload (checks + validation + typed survey): {t_ours:.2f} s · ratio {t_ours / t_bare:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
