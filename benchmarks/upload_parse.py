"""Benchmark 3 — upload: what one upload costs, read in process vs in the limited worker.

Side by side in one run, for the bundled survey (93 rows) and a synthetic workbook of
`--rows` rows (100 000 by default, the bundled format): python-calamine's bare read via
pandas (the floor), `analysis.intake.read_upload(..., trusted=True)` in this process (every
check, validation, typed survey) and `read_upload` as an upload — in a worker process forked
from the forkserver, with its limits, the survey sent back as JSON and raw codes. Prints the
median seconds per upload and the ratios; the worker's overhead is the last minus the middle.

Then the three files that used to crash or stall the server — the far-cell workbook, the
3 000 000-row dimension lie and the 2 GB zip bomb — through `python -m analysis validate`
(a new process each, wall-clock time including Python's start), median of `--repeat`.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from analysis.intake import Limits, read_upload  # noqa: E402
from analysis.load import BUNDLED_WORKBOOK  # noqa: E402
from synthetic import synthetic_workbook_sheets  # noqa: E402

REFUSED = ("far_cell.xlsx", "dimension_lie_3m_rows.xlsx", "zip_bomb_2gb.xlsx")


def workbook_bytes(n: int) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in synthetic_workbook_sheets(n).items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def bare(data: bytes, limits: Limits):
    return pd.read_excel(io.BytesIO(data), sheet_name=None, engine="calamine", dtype=object)


def in_process(data: bytes, limits: Limits):
    survey, problems = read_upload({"survey.xlsx": data}, limits, trusted=True)
    assert survey is not None, [p.describe() for p in problems[:3]]


def in_worker(data: bytes, limits: Limits):
    survey, problems = read_upload({"survey.xlsx": data}, limits)
    assert survey is not None, [p.describe() for p in problems[:3]]


def median_time(function, repeat: int, *args) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def refusals(repeat: int) -> None:
    from corpus import EXPECTED, build_generated, case_path

    with tempfile.TemporaryDirectory() as folder:
        generated = build_generated(Path(folder))
        print("\n`python -m analysis validate` on the files that crashed or stalled the server (wall clock, new process):")
        for name in REFUSED:
            case = next(c for c in EXPECTED if c["case"] == name)
            path = case_path(case, generated)
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                result = subprocess.run([sys.executable, "-m", "analysis", "validate", str(path)], cwd=ROOT,
                                        capture_output=True, text=True)
                times.append(time.perf_counter() - start)
                assert result.returncode == 1 and case["code"] and case["nb"] in result.stderr.replace("\xa0", " ")
            message = result.stderr.strip().splitlines()[-1].strip()
            print(f"  {name:30s} {path.stat().st_size / 1e6:6.1f} MB  {statistics.median(times):5.2f} s  {message}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-refusals", action="store_true", help="skip the three refused files")
    args = parser.parse_args(argv)
    limits = Limits(max_bytes=500 * 1024 * 1024, max_rows=2_000_000)
    read_upload({"warm.xlsx": BUNDLED_WORKBOOK.read_bytes()}, limits)  # the forkserver starts once, not per upload
    print("Benchmark 3 — one upload, median seconds (bare read · in process · in the worker; ratios to the bare read)")
    print(f"{'file':34s} {'MB':>6s} {'bare':>7s} {'process':>8s} {'worker':>7s} {'proc/bare':>9s} {'work/bare':>9s} {'worker +':>9s}")
    for label, data in (("bundled survey (93 rows)", BUNDLED_WORKBOOK.read_bytes()),
                        (f"synthetic {args.rows} × 23", workbook_bytes(args.rows))):
        floor = median_time(bare, args.repeat, data, limits)
        ours = median_time(in_process, args.repeat, data, limits)
        worker = median_time(in_worker, args.repeat, data, limits)
        print(f"{label:34s} {len(data) / 1e6:6.1f} {floor:7.2f} {ours:8.2f} {worker:7.2f} {ours / floor:9.2f} "
              f"{worker / floor:9.2f} {worker - ours:+8.2f}s")
    if not args.no_refusals:
        refusals(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
