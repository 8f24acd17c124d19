"""Benchmark 8: a real survey's size — `summary`, `compare` and a section page's first run.

Surveys from `scripts/public_survey.py` (four breakdowns: 5 × 5 × 3 × 2 = 150 cells, items on a
7-point scale stored as codes, a yes/no question, two numeric items, a weight column):
6 366 rows × 10 scale items and 100 000 rows × 30, side by side with the baseline, the
bundled survey (93 rows, 2 breakdowns), through the same doors:

- `python -m analysis summary FILE` and `python -m analysis compare FILE --family region`:
  wall seconds of the whole process (start, imports, the guarded intake's worker, the
  suppression pattern, the tests), the median of `--repeat` runs;
- the section page's first server run: AppTest on app.py, the workbook uploaded on the Data
  page and put to use, then the timed switch to the section page (cold caches for that survey:
  counting, the pattern, the charts).

Targets (issue 16, idle machine): at 6 366 × 4 × 10 every figure ≤ 2 s; at 100 000 × 4 × 30
≤ 10 s per command. Ratios are against the bundled survey's figure for the same door.

    python benchmarks/public_survey_speed.py            # both sizes
    python benchmarks/public_survey_speed.py --quick    # 6 366 rows only, one run each
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.load import BUNDLED_WORKBOOK  # noqa: E402
from scripts import public_survey  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TARGETS = {6366: 2.0, 100_000: 10.0}


def command_seconds(arguments: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "analysis", *arguments], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def page_seconds(path: Path | None, page: str = "pages/erfaringer.py") -> float:
    """The section page's first run after the workbook is in use (None: the bundled survey)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    if path is not None:
        at.switch_page("pages/data.py").run()
        at.file_uploader(key="data-upload").set_value([(path.name, path.read_bytes(), XLSX)]).run()
        at.button(key="data-use").click().run()
        assert not at.exception, [e.value for e in at.exception]
    started = time.perf_counter()
    at.switch_page(page).run()
    seconds = time.perf_counter() - started
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("plotly_chart"), "the section page shows its charts"
    return seconds


def measure(name: str, path: Path | None, repeat: int) -> dict:
    file = [str(path)] if path is not None else []
    family = "region" if path is not None else "municipality"
    return {"survey": name,
            "summary": command_seconds(["summary", *file], repeat),
            "compare": command_seconds(["compare", *file, "--family", family], repeat),
            "page": page_seconds(path)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="6 366 rows only, one run of each command")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (median)")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat
    sizes = [(6366, 10)] if args.quick else [(6366, 10), (100_000, 30)]
    with tempfile.TemporaryDirectory() as folder:
        baseline = measure(f"baseline: bundled ({BUNDLED_WORKBOOK.name}, 93 rows × 2 breakdowns)", None, repeat)
        rows = [baseline]
        for size, items in sizes:
            path = public_survey.write(Path(folder) / f"public_{size}.xlsx", rows=size, items=items,
                                       section="erfaringer")
            row = measure(f"{size} rows × 4 breakdowns × {items} items", path, repeat)
            row["target"] = TARGETS[size]
            rows.append(row)
    print(f"wall seconds (median of {repeat}); ratio = figure / baseline figure")
    print(f"{'survey':<58} {'summary':>8} {'ratio':>6} {'compare':>8} {'ratio':>6} {'page':>7} {'ratio':>6}  target")
    failed = False
    for row in rows:
        cells = "".join(f" {row[k]:>8.2f} {row[k] / baseline[k]:>6.1f}" if k != "page" else
                        f" {row[k]:>7.2f} {row[k] / baseline[k]:>6.1f}" for k in ("summary", "compare", "page"))
        target = row.get("target")
        verdict = ""
        if target:
            holds = all(row[k] <= target for k in ("summary", "compare", "page"))
            failed |= not holds
            verdict = f"≤ {target:g} s: {'holds' if holds else 'NO'}"
        print(f"{row['survey']:<58}{cells}  {verdict}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
