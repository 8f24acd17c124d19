"""Benchmark 7 — many viewers, one replica per core, two replicas behind HAProxy, kill -9.

The viewers are the load generator's simulated browsers (benchmarks/loadtest/: Streamlit's
own websocket protocol, a few kB of Python state each), not Chromium, so the load costs
little and is measured apart from the server: the replicas are pinned to their own CPUs
with `taskset`, the generator (and HAProxy, PostgreSQL) to the others. The set-up is
`deploy.stack.Stack`, the one `python -m deploy up` starts, on free ports.

1. **Load, one replica on one core** (through HAProxy, PostgreSQL for the workshop store):
   (a) Erfaringer: N viewers each change the Kommune filter every 5–10 s for `--duration`;
   (b) the presenter view of a live session (`/verksted_visning?kode=…`, 9 groups' scores):
       N viewers, its fragment reruns every 3 s (and a quadrant switch every 5–10 s on a page
       that draws the control; the projector page takes its split from the link and has none).
   Per N: p50/p95 from request to `script_finished` (and to the last delta), errors, the
   replica's resident memory and the CPU it used (% of its core, from /proc). The
   single-viewer round is the reference; the **capacity** is the N at which p95 reaches 2× its
   p95 (interpolated between rounds); where no round reaches it, the **CPU ceiling** — the
   largest round's N scaled to a fully busy core — bounds it from above. Targets at N = 50:
   0 errors, p95 ≤ 2× the single viewer's.
   Cross-check: 2 simulated and 2 Chromium viewers at once doing the same change — Chromium's
   click → first chart shows the new numbers against the simulated request → script finished
   (both printed). They agreed while the server's run was most of the wait; since the lighter
   page the browser's own redraw of the page's charts is.
2. **Two replicas behind HAProxy on two cores**: the Erfaringer rounds again; capacity ratio
   against 1 (target ≥ 1.8×). Then kill -9 of the replica serving most of as many viewers as
   the two replicas' capacity (`--kill-viewers`) and 9 workshop groups
   (`loadtest.faults.replica_kill`): every broken promise is listed; its viewers' reconnect
   and resume times are printed.

Run: `python benchmarks/load_replicas.py [--quick] [--duration 120] [--sizes 1,50,100,150]`
(`make bench-load`). On a 2-core machine the generator shares the second core with the second
replica in part 2, which then understates the two replicas (it says so).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for folder in (ROOT, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from browser_support_path import cpu_seconds, median, p95, rss_bytes  # noqa: E402
from benchmarks.loadtest.actors import Recorder, presenter, viewer  # noqa: E402
from benchmarks.loadtest.client import StreamlitClient  # noqa: E402
from benchmarks.loadtest.faults import group_names, open_workshop, replica_kill  # noqa: E402
from deploy.stack import PIN_ENV, Stack  # noqa: E402

PIN = "benchmark-pin"
TARGET_N = 50
TARGET_RATIO = 2.0
TARGET_SCALING = 1.8


@dataclass
class Round:
    scenario: str
    n: int
    reruns: list[float] = field(default_factory=list)  # request → script_finished
    deltas: list[float] = field(default_factory=list)  # request → last delta
    charts: list[float] = field(default_factory=list)  # request → first chart
    ticks: list[float] = field(default_factory=list)  # the presenter view's fragment reruns
    loads: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rss_idle: int = 0
    rss_peak: int = 0
    busy: float = float("nan")  # CPU the replicas used during the round, in cores (1.0 = one core always busy)
    replicas: int = 1

    @property
    def timed(self) -> list[float]:
        """What the capacity is measured on: the reruns a viewer asks for, or — on a page where
        nobody changes anything (the projector page) — its fragment's own reruns."""
        return self.reruns or self.ticks


def plan_cpus() -> dict:
    """Which CPUs the replicas and the load get: replicas first, the load on the rest."""
    cpus = sorted(os.sched_getaffinity(0))
    notes = []
    if len(cpus) == 1:
        notes.append("one CPU only: nothing can be pinned apart; every figure includes the load generator")
        return {"one": [None], "two": [None, None], "load_one": None, "load_two": None, "notes": notes}
    two = [str(cpus[0]), str(cpus[1])]
    load_one = cpus[1:]
    load_two = cpus[2:] or cpus[1:2]
    if len(cpus) == 2:
        notes.append(f"2 CPUs: in part 2 the load generator shares CPU {cpus[1]} with the second replica, "
                     "so the two-replica capacity is understated")
    return {"one": [str(cpus[0])], "two": two, "load_one": load_one, "load_two": load_two, "notes": notes}


def pin_load(cpus) -> None:
    if cpus:
        os.sched_setaffinity(0, set(cpus))


async def sample_rss(pids: list[int], result: Round, stop: asyncio.Event) -> None:
    while not stop.is_set():
        result.rss_peak = max(result.rss_peak, sum(rss_bytes(pid) for pid in pids))
        try:
            await asyncio.wait_for(stop.wait(), timeout=0.5)
        except asyncio.TimeoutError:
            pass


async def run_round(stack: Stack, scenario: str, n: int, duration: float, code: str = "",
                    timeout: float = 60.0, interval=(5.0, 10.0)) -> Round:
    result = Round(scenario, n)
    pids = [r.pid for r in stack.members]
    await asyncio.sleep(2)  # the previous round's sessions close
    result.rss_idle = sum(rss_bytes(pid) for pid in pids)
    result.replicas = len(pids)
    cpu_start, wall_start = sum(cpu_seconds(pid) for pid in pids), time.monotonic()
    recorder, stop, sampling = Recorder(), asyncio.Event(), asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pids, result, sampling))
    ramp = min(10.0, duration / 4)

    async def one(i: int) -> None:
        await asyncio.sleep(ramp * i / max(n, 1))  # viewers arrive over `ramp` seconds
        if scenario == "presenter":
            await presenter(f"p{i}", stack.url, code, recorder, stop, seed=i, timeout=timeout, interval=interval)
        else:
            await viewer(f"v{i}", stack.url, recorder, stop, seed=i, timeout=timeout, interval=interval)

    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    await asyncio.sleep(ramp + duration)
    stop.set()
    result.busy = (sum(cpu_seconds(pid) for pid in pids) - cpu_start) / (time.monotonic() - wall_start)
    await asyncio.gather(*tasks)
    sampling.set()
    await sampler
    change = "widget:kvadrant" if scenario == "presenter" else "widget:kommune"
    result.reruns = [s.seconds for s in recorder.samples if s.kind == change]
    result.deltas = [s.to_last_delta for s in recorder.samples if s.kind == change]
    result.charts = [s.to_first_chart for s in recorder.samples if s.kind == change and s.to_first_chart is not None]
    result.ticks = [s.seconds for s in recorder.samples if s.kind == "tick"]
    result.loads = [s.seconds for s in recorder.samples if s.kind in ("load", "reload")]
    result.errors = [f"{e.what}: {e.detail[:120]}" for e in recorder.events if e.what in ("error", "disconnect")]
    return result


HEADER = (f"{'scenario':<11} {'N':>3} {'reruns':>6} {'err':>4} {'p50 s':>6} {'p95 s':>6} {'p95 Δ s':>7} {'×1 p95':>7} "
          f"{'ticks':>5} {'tick p95':>8} {'load p50':>8} {'RSS MB':>7} {'MB/view':>7} {'CPU %':>6}")


def error_kinds(r: Round) -> str:
    """What went wrong in a round, most frequent first (numbers and ids stripped)."""
    kinds = Counter(" ".join(word for word in error.split() if not any(c.isdigit() for c in word))[:80]
                    for error in r.errors)
    return "; ".join(f"{kind} ×{count}" for kind, count in kinds.most_common(4))


def row(r: Round, base: float) -> str:
    per_viewer = (r.rss_peak - r.rss_idle) / r.n / 1e6 if r.n else float("nan")
    ratio = p95(r.timed) / base if r.timed and base == base else float("nan")
    return (f"{r.scenario:<11} {r.n:>3} {len(r.reruns):>6} {len(r.errors):>4} {median(r.reruns):>6.2f} "
            f"{p95(r.reruns):>6.2f} {p95(r.deltas):>7.2f} {ratio:>6.2f}× {len(r.ticks):>5} {p95(r.ticks):>8.2f} "
            f"{median(r.loads):>8.2f} {r.rss_peak / 1e6:>7.0f} {per_viewer:>7.1f} {100 * r.busy / r.replicas:>6.0f}")


def capacity(rounds: list[Round]) -> tuple[float, str]:
    """The N at which p95 reaches 2× the single viewer's (linear between the rounds around it)."""
    base = p95(rounds[0].timed)
    points = [(r.n, p95(r.timed) / base) for r in rounds if r.timed]
    for (n0, q0), (n1, q1) in zip(points, points[1:]):
        if q0 < TARGET_RATIO <= q1:
            return n0 + (TARGET_RATIO - q0) * (n1 - n0) / (q1 - q0), f"between N={n0} ({q0:.2f}×) and N={n1} ({q1:.2f}×)"
    if points and points[-1][1] < TARGET_RATIO:
        return float("inf"), f"not reached up to N={points[-1][0]} ({points[-1][1]:.2f}×)"
    return float(points[0][0]) if points else float("nan"), "at the first round already"


def cpu_ceiling(rounds: list[Round]) -> tuple[float, str]:
    """The viewers at which the replicas' cores would be fully busy, extrapolated linearly from
    the largest round's CPU use (what a capacity not reached in the run is at most)."""
    largest = rounds[-1]
    per_replica = largest.busy / largest.replicas
    if not per_replica > 0:
        return float("nan"), "no CPU measured"
    return largest.n / per_replica, f"N={largest.n} kept each replica {100 * per_replica:.0f} % busy"


async def capacity_rounds(stack: Stack, scenario: str, sizes: list[int], duration: float, code: str = "",
                          log=print) -> list[Round]:
    """The single viewer first (at least 60 s: the reference needs samples), then growing N
    until p95 passes 2× (then straight to the largest size)."""
    rounds = [await run_round(stack, scenario, 1, max(duration, 60.0), code)]
    base = p95(rounds[0].timed)
    log(row(rounds[0], base))
    passed = False
    for n in sizes:
        if n <= 1 or (passed and n != sizes[-1]):
            continue
        rounds.append(await run_round(stack, scenario, n, duration, code))
        log(row(rounds[-1], base) + (f"\n{'':>16}errors: {error_kinds(rounds[-1])}" if rounds[-1].errors else ""))
        passed = passed or (bool(rounds[-1].timed) and p95(rounds[-1].timed) >= TARGET_RATIO * base)
    return rounds


async def warm(stack: Stack, code: str) -> None:
    """Each replica runs Erfaringer and the presenter view once (imports, caches)."""
    for replica in stack.members:
        for path, query in (("erfaringer", ""), ("verksted_visning", f"kode={code}")):
            client = StreamlitClient(replica.url, timeout=180)
            try:
                await client.open(path, query)
            finally:
                await client.close()


def live_session(stack: Stack) -> str:
    """A live workshop in the stack's store with every group's scores (for the presenter view)."""
    store, session = open_workshop(stack, PIN, 9, "Benchmark")
    for i, name in enumerate(group_names(9)):
        store.submit(session.join_code, name, {area: (1 + (i + a) % 10, 1 + (2 * i + a) % 10)
                                              for a, area in enumerate(session.area_names)})
    store.dispose()
    return session.join_code


CROSS_INTERVAL = (10.0, 20.0)  # a light load (4 viewers in all on one replica): the two ways of timing, not the queue


async def cross_check(stack: Stack, duration: float) -> tuple[Round, dict]:
    """2 simulated and 2 Chromium viewers at once, the same filter change."""
    chromium = subprocess.Popen([sys.executable, str(HERE / "loadtest" / "chromium_viewers.py"), "--url", stack.url,
                                 "--viewers", "2", "--duration", str(duration),
                                 "--interval", ",".join(map(str, CROSS_INTERVAL))],
                                cwd=ROOT, stdout=subprocess.PIPE, text=True)
    simulated = await run_round(stack, "crosscheck", 2, duration, interval=CROSS_INTERVAL)
    output, _ = await asyncio.to_thread(chromium.communicate)
    try:
        browser = json.loads(output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        browser = {"reruns": [], "errors": [f"chromium_viewers.py exited with {chromium.returncode}"]}
    return simulated, browser


async def start_stack(directory: Path, replicas: int, cpus: list, load_cpus) -> tuple[Stack, str]:
    """Pin this process (the load) to `load_cpus`, start the replicas on `cpus` behind HAProxy,
    open a live workshop and warm every replica; the stack and the workshop's join code."""
    pin_load(load_cpus)
    stack = Stack.free_ports(directory / f"r{replicas}", replicas=replicas, replica_cpus=cpus,
                             balancer_cpus=",".join(map(str, load_cpus)) if load_cpus else None,
                             env={PIN_ENV: PIN, "WORKSHOP_REFRESH_SECONDS": "3"})
    (directory / f"r{replicas}").mkdir(parents=True, exist_ok=True)
    (directory / f"r{replicas}").chmod(0o755)
    stack.up()
    try:
        code = live_session(stack)
        await warm(stack, code)
    except BaseException:
        stack.down()
        raise
    return stack, code


async def main_async(args) -> int:
    cpus = plan_cpus()
    sizes = [int(s) for s in args.sizes.split(",")]
    duration = args.duration
    print(f"Benchmark 7 — simulated viewers (Streamlit's websocket protocol) against replicas behind HAProxy; "
          f"{duration:.0f} s per round, N = {sizes}; replicas on CPU {cpus['one']} (part 1) and {cpus['two']} "
          f"(part 2), load on {cpus['load_one']} / {cpus['load_two']}; load average {os.getloadavg()[0]:.1f}")
    for note in cpus["notes"]:
        print(f"note: {note}")
    directory = Path(tempfile.mkdtemp(prefix="bench-load-"))
    directory.chmod(0o755)
    try:
        return await measure(args, cpus, sizes, duration, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


async def measure(args, cpus: dict, sizes: list[int], duration: float, directory: Path) -> int:
    summary = {}

    # ---- part 1: one replica on one core
    stack, code = await start_stack(directory, 1, cpus["one"], cpus["load_one"])
    try:
        print("\n1. one replica on one core\n" + HEADER, flush=True)
        one = await capacity_rounds(stack, "erfaringer", sizes, duration)
        presenters = await capacity_rounds(stack, "presenter", sizes, duration, code)
        simulated, browser = await cross_check(stack, max(duration, 60.0))
    finally:
        stack.down()
    summary["one"], summary["presenter"] = capacity(one), capacity(presenters)

    # ---- part 2: two replicas on two cores
    stack, code = await start_stack(directory, 2, cpus["two"], cpus["load_two"])
    try:
        print("\n2. two replicas behind HAProxy\n" + HEADER, flush=True)
        two_sizes = sorted({*sizes, *(2 * n for n in sizes if 2 * n <= 2 * sizes[-1])})
        two = await capacity_rounds(stack, "erfaringer", two_sizes, duration)
        summary["two"] = capacity(two)
        found = summary["two"][0]
        viewers = args.kill_viewers or (max(4, min(50, round(found))) if found == found and found != float('inf') else 20)  # NaN: no rerun
        print(f"\n   kill -9 under {viewers} viewers (the two replicas' capacity) and 9 workshop groups", flush=True)
        killed = await replica_kill(stack, PIN, viewers=viewers, groups=9, log=lambda line: print(line, flush=True))
    finally:
        stack.down()

    # ---- summary
    print("\nsummary (figures from this run only; the machine's other load shows in the load average above)")
    for label, rounds in (("Erfaringer, 1 replica", one), ("presenter view, 1 replica", presenters),
                          ("Erfaringer, 2 replicas", two)):
        largest = rounds[-1]
        ratio = p95(largest.timed) / p95(rounds[0].timed) if largest.timed else float("nan")
        print(f"  {label}: at N={largest.n} {len(largest.errors)} errors (target 0), p95 {ratio:.2f}× the single "
              f"viewer's (target ≤ {TARGET_RATIO}×): {'holds' if not largest.errors and ratio <= TARGET_RATIO else 'misses'}")
    for key, label in (("one", "Erfaringer, 1 replica"), ("presenter", "presenter view, 1 replica"),
                       ("two", "Erfaringer, 2 replicas")):
        value, how = summary[key]
        print(f"  capacity (p95 = {TARGET_RATIO}× single viewer), {label}: {value:.1f} viewers ({how})")
    scaling = summary["two"][0] / summary["one"][0] if summary["one"][0] else float("nan")
    if scaling == scaling:  # both found (or only two replicas' not reached: inf holds)
        print(f"  two replicas / one: {scaling:.2f}× (target ≥ {TARGET_SCALING}×): "
              f"{'holds' if scaling >= TARGET_SCALING else 'misses'}")
    else:
        print(f"  two replicas / one: not measured (neither reached its capacity in this run; target ≥ {TARGET_SCALING}×)")
    ceilings = {key: cpu_ceiling(rounds) for key, rounds in (("one", one), ("presenter", presenters), ("two", two))}
    for key, label in (("one", "Erfaringer, 1 replica"), ("presenter", "presenter view, 1 replica"),
                       ("two", "Erfaringer, 2 replicas")):
        value, how = ceilings[key]
        print(f"  CPU ceiling (every replica's core 100 % busy, linear from the largest round), {label}: "
              f"{value:.0f} viewers ({how})")
    print(f"  CPU ceilings, two replicas / one: {ceilings['two'][0] / ceilings['one'][0]:.2f}× "
          f"(an upper bound of the capacity ratio; p95 grows before a core is fully busy)")
    chart, shown, done = simulated.charts, browser["reruns"], simulated.reruns
    print(f"  cross-check, the same filter change at the same time (2 + 2 viewers, one every 10–20 s):\n"
          f"    Chromium, click → first chart shows new numbers: p50 {median(shown):.2f} s, p95 {p95(shown):.2f} s "
          f"(n={len(shown)}, {len(browser['errors'])} errors)\n"
          f"    simulated, request → script finished:            p50 {median(done):.2f} s, p95 {p95(done):.2f} s "
          f"(n={len(done)}); Chromium / simulated p50 {median(shown) / median(done):.2f}×, "
          f"p95 {p95(shown) / p95(done):.2f}×\n"
          f"    simulated, request → first chart's delta:        p50 {median(chart):.2f} s, p95 {p95(chart):.2f} s "
          f"(the browser shows it only with the rest of the run)")
    resumed = sorted(seconds for actor, seconds in killed.resumed.items() if actor in killed.on_victim)
    print(f"  kill -9 of {killed.victim}: {len(killed.on_victim)} on it, {len(resumed)} of them resumed "
          f"(p50 {median(resumed):.1f} s, max {max(resumed, default=float('nan')):.1f} s after the kill; "
          f"websocket back after p50 {median(list(killed.reconnected.values())):.1f} s); "
          f"{len(killed.problems())} problems (target 0)")
    for problem in killed.problems()[:20]:
        print(f"    - {problem}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,50,100,150",
                        help="viewers per round after the single viewer; stops growing once p95 passes 2×, "
                             "then runs the largest")
    parser.add_argument("--duration", type=float, default=120, help="seconds per round (default 120)")
    parser.add_argument("--kill-viewers", type=int, default=0,
                        help="viewers during the kill -9 (plus 9 groups); default: the two replicas' capacity")
    parser.add_argument("--quick", action="store_true", help="20 s rounds, N up to 16")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.sizes = 20.0, "1,4,8,16"
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
