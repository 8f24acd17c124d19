"""The benchmark scripts still run: benchmark 1 at a tiny size prints a row with its ratios.

No timing is asserted (machines here are noisy); the figures live in docs/performance.md.
The browser benchmarks (2 and 4) are not run here: they take minutes; benchmark 5 runs at its
quick size.
"""

from __future__ import annotations

import sys

from tree import ROOT

BENCHMARKS = ROOT / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))


def test_core_scale_prints_ratios_at_a_tiny_size(capsys):
    import core_scale

    assert core_scale.main(["--sizes", "200", "--items", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    row = next(line.split() for line in lines if line.split()[:1] == ["200"])
    core, floor, naive, core_floor, naive_core = (float(value) for value in row[1:6])
    assert core > 0 and floor > 0 and naive > 0
    assert core_floor > 0 and naive_core > 0
    assert any(line.startswith("targets:") for line in lines)


def test_p95_interpolates_like_numpy():
    from browser_support_path import p95

    assert p95([1.0, 2.0, 3.0, 4.0, 5.0]) == 4.8
    assert p95([2.0]) == 2.0


def test_audit_speed_prints_every_survey_and_passes():
    """Benchmark 5 at its quick size: a row per survey, each pattern passing its exact audit."""
    from contextlib import redirect_stdout
    from io import StringIO

    import audit_speed

    out = StringIO()
    with redirect_stdout(out):
        assert audit_speed.main(["--quick"]) == 0
    rows = [line for line in out.getvalue().splitlines() if line.startswith(("grid", "bundled"))]
    assert len(rows) == 3 and all(line.endswith("yes") for line in rows)


def test_load_benchmark_capacity_interpolates_where_p95_reaches_twice_the_single_viewer():
    from load_replicas import Round, capacity

    rounds = [Round("erfaringer", 1, reruns=[1.0] * 5), Round("erfaringer", 4, reruns=[1.5] * 5),
              Round("erfaringer", 8, reruns=[3.5] * 5)]
    value, how = capacity(rounds)
    assert value == 4 + (2.0 - 1.5) * (8 - 4) / (3.5 - 1.5)  # 5 viewers
    assert "N=4" in how and "N=8" in how
    assert capacity(rounds[:2])[0] == float("inf")  # never reached: no capacity claimed


def test_load_benchmark_cpu_ceiling_scales_the_largest_round_to_full_cores():
    import math
    import os

    from browser_support_path import cpu_seconds
    from load_replicas import Round, cpu_ceiling

    one = [Round("erfaringer", 1), Round("erfaringer", 150, busy=0.6)]
    two = [Round("erfaringer", 1, replicas=2), Round("erfaringer", 300, busy=1.5, replicas=2)]
    assert cpu_ceiling(one)[0] == 150 / 0.6  # 60 % of its core: 250 viewers fill it
    assert cpu_ceiling(two)[0] == 300 / 0.75  # 75 % of each of two cores
    assert math.isnan(cpu_ceiling([Round("erfaringer", 1)])[0])  # no CPU measured: no ceiling claimed
    before = cpu_seconds(os.getpid())
    sum(i * i for i in range(3_000_000))  # some CPU of this process
    assert cpu_seconds(os.getpid()) > before
    assert cpu_seconds(2 ** 22 + 7) == 0.0  # above Linux's largest pid_max: a process that cannot exist


def test_every_revision_of_a_workshop_group_sends_other_scores():
    from benchmarks.loadtest.actors import score_plan

    plans = [score_plan(3, revision, 13) for revision in range(1, 100)]
    assert len(set(plans)) == len(plans)  # so the history tells every acknowledged submission apart
    assert all(len(plan) == 26 and all(1 <= value <= 10 for value in plan) for plan in plans)
