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
  counting, the pattern, the charts); at 100 000 rows only with `--large-page`;
- `python -m analysis validate FILE`: the intake alone (no target) — how much of a command is
  reading the file rather than counting and protecting.

Every command runs with its address space capped at 8 GB (`MEMORY_CAP`).

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
MEMORY_CAP = 8_000_000_000
"""Every command runs with its address space capped (bytes): a regression that balloons (a
100 000-row `compare` once reached 17.6 GB) fails here instead of taking the shared machine."""


def _capped() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def command_seconds(arguments: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "analysis", *arguments], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_capped)
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


DOORS = ("summary", "compare", "page", "validate")
"""`validate` is the intake alone (worker, parsing, checks): no target, it says how much of a
command's time is reading the file rather than counting and protecting."""


def measure(name: str, path: Path | None, repeat: int, page: bool = True) -> dict:
    file = [str(path)] if path is not None else []
    family = "region" if path is not None else "municipality"
    return {"survey": name,
            "summary": command_seconds(["summary", *file], repeat),
            "compare": command_seconds(["compare", *file, "--family", family], repeat),
            "page": page_seconds(path) if page else None,
            "validate": command_seconds(["validate", str(path or BUNDLED_WORKBOOK)], repeat)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="6 366 rows only, one run of each command")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (median)")
    parser.add_argument("--large-page", action="store_true",
                        help="also time the section page at 100 000 rows (the target is per command)")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat
    sizes = [(6366, 10)] if args.quick else [(6366, 10), (100_000, 30)]
    with tempfile.TemporaryDirectory() as folder:
        baseline = measure(f"bundled ({BUNDLED_WORKBOOK.name}, 93 rows × 2 breakdowns)", None, repeat)
        rows = [baseline]
        for size, items in sizes:
            path = public_survey.write(Path(folder) / f"public_{size}.xlsx", rows=size, items=items,
                                       section="erfaringer")
            row = measure(f"{size} rows × 4 breakdowns × {items} items", path, repeat,
                          page=size < 100_000 or args.large_page)
            row["target"] = TARGETS[size]
            rows.append(row)
    print(f"wall seconds (median of {repeat} runs; page: one first server run); "
          "ratio = figure / the bundled survey's figure for the same door")
    print(f"{'survey':<52} {'door':<9} {'seconds':>8} {'ratio':>6} {'target':>7}  verdict")
    failed = False
    for row in rows:
        for door in DOORS:
            seconds = row[door]
            if seconds is None:
                continue
            target = row.get("target") if door != "validate" else None
            verdict = "" if target is None else ("holds" if seconds <= target else "NO")
            failed |= verdict == "NO"
            target_text = f"≤ {target:g}" if target else "—"
            print(f"{row['survey']:<52} {door:<9} {seconds:>8.2f} {seconds / baseline[door]:>6.1f} {target_text:>7}  {verdict}",
                  flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
