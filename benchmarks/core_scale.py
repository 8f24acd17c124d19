"""Benchmark 1 — the core at scale: all headline shares with intervals by municipality × role.

For 10³…10⁶ respondents × 20 Likert items, side by side in one run:
- core: `analysis.aggregate.headline_table(survey, ["kommune", "rolle"])`
- floor: a bare numpy `bincount` over the same, already extracted, codes (+ Wilson)
- naive: the per-item `pd.crosstab` loop an analyst would write (+ Wilson)
Prints medians, the ratios core/floor and naive/core, and peak memory (tracemalloc) of the
core call against the size of the data. Targets: core ≤ 1.5× floor, ≥ 5× faster than
naive, peak ≤ 2× the data.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis.aggregate import headline_table  # noqa: E402
from analysis.stats import wilson_interval  # noqa: E402
from synthetic import synthetic_survey  # noqa: E402

TOP2 = ["I stor grad", "I svært stor grad"]


def core(survey):
    return headline_table(survey, ["kommune", "rolle"])


def floor(codes: dict[str, np.ndarray], items: list[str]):
    """The least work possible: group code, one bincount per item, sums, Wilson."""
    group = codes["kommune"].astype(np.int64) * 2 + codes["rolle"]
    width = 7
    out = []
    for item in items:
        c = codes[item].astype(np.int64)
        cube = np.bincount(group * width + np.where(c < 0, width - 1, c), minlength=8 * width).reshape(8, width)
        k = cube[:, 3] + cube[:, 4]
        n = cube[:, :6].sum(axis=1)
        out.append((k, n, *wilson_interval(k, n)))
    return out


def naive(frame: pd.DataFrame, items: list[str]):
    """What an analyst writes first: a crosstab per item, then shares and intervals."""
    rows = []
    for item in items:
        table = pd.crosstab([frame["kommune"], frame["rolle"]], frame[item])
        n = table.sum(axis=1)
        k = table[TOP2].sum(axis=1)
        low, high = wilson_interval(k.to_numpy(), n.to_numpy())
        rows.append(pd.DataFrame({"item": item, "n": n, "k": k, "pct": 100 * k / n, "low": low, "high": high}))
    return pd.concat(rows)


def timed(function, *args, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_memory(function, *args) -> int:
    tracemalloc.start()
    function(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--items", type=int, default=20)
    args = parser.parse_args(argv)
    print("Benchmark 1 — core at scale (headline shares + Wilson by municipality × role)")
    print(f"{'n':>9} {'core s':>9} {'floor s':>9} {'naive s':>9} {'core/floor':>11} {'naive/core':>11} {'data MB':>8} {'peak MB':>8} {'peak/data':>10}")
    for n in [int(s) for s in args.sizes.split(",")]:
        survey = synthetic_survey(n, args.items)
        items = [i.id for i in survey.ordered_items()]
        codes = {c: survey.responses[c].cat.codes.to_numpy() for c in ["kommune", "rolle", *items]}
        repeat = 7 if n <= 100_000 else 3
        core(survey)  # warm-up
        t_core = timed(core, survey, repeat=repeat)
        t_floor = timed(floor, codes, items, repeat=repeat)
        t_naive = timed(naive, survey.responses, items, repeat=max(1, repeat // 2))
        data_bytes = int(survey.responses[["kommune", "rolle", *items]].memory_usage(deep=True).sum())
        peak = peak_memory(core, survey)
        print(f"{n:>9} {t_core:>9.4f} {t_floor:>9.4f} {t_naive:>9.4f} {t_core / t_floor:>11.2f} {t_naive / t_core:>11.1f} "
              f"{data_bytes / 1e6:>8.1f} {peak / 1e6:>8.1f} {peak / data_bytes:>10.2f}")
    print("targets: core/floor ≤ 1.5 · naive/core ≥ 5 · peak/data ≤ 2 (at 10⁶)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
