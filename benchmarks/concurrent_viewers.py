"""Benchmark 4 — concurrent viewers: N browser contexts against one server.

Starts `app.py` (bundled data) on a free loopback port and one Debian Chromium. First one
viewer alone (the single-user reference), then N = 10, 25, 50 viewers at once (each its own
browser context, i.e. its own Streamlit session), each for `--duration` seconds (default 120).
Every viewer loops: open a page (Oversikt, Erfaringer, Mulighetsrom, Utforsk in turn), wait
until every chart is drawn, then change the Kommune filter twice (add a municipality, remove
it) on the pages whose first chart follows the filter, timing each rerun from the click until the first chart's plotted numbers change.

Counts errors (an exception box on the page, a load or rerun that does not finish within
`--timeout`), p50/p95 of rerun latency and page load, and the server's resident memory
(/proc/<pid>/status) before and at the peak of each round: (peak − idle) / N is the memory a
viewing session costs. Prints p95 at N against the single-user p95 and the ratio.
Targets: 0 errors at N = 50, p95 ≤ 2× single-user.

The browser and the server share this machine's cores, so at large N the clients' rendering
competes with the server: latency then measures the machine, not only the server.

Run: `python benchmarks/concurrent_viewers.py [--sizes 10,25,50] [--duration 120] [--quick]`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_support_path import median, p95, rss_bytes  # noqa: E402  (puts tests/ on the path)
from browser_support import CHART, CHROMIUM, CHROMIUM_ARGS, EXCEPTION, IDLE, MAIN, start_streamlit, stop_process  # noqa: E402

PAGES = ["oversikt", "erfaringer", "mulighetsrom", "utforsk"]
FILTER_PAGES = {"erfaringer", "mulighetsrom", "utforsk"}  # pages whose first chart shows the filtered numbers
MUNICIPALITIES = ["Grong", "Lierne", "Namsskogan", "Røyrvik"]
VIEWPORT = {"width": 1280, "height": 800}
TARGET_RATIO = 2.0
CHARTS_DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"]')
    && document.querySelectorAll('[data-testid="stPlotlyChart"]').length > 0
    && Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
       .every(el => { const p = el.querySelector('.js-plotly-plot'); return p && p._fullLayout; })"""
SIGNATURE = """(selector) => { const c = document.querySelector(selector);
    return c && c._fullData ? JSON.stringify(c._fullData.map(t => [Array.from(t.x || []), Array.from(t.y || [])])) : null; }"""
CHANGED = """([selector, before]) => { const c = document.querySelector(selector);
    return !!(c && c._fullData) && JSON.stringify(c._fullData.map(t => [Array.from(t.x || []), Array.from(t.y || [])])) !== before; }"""


class Round:
    """What one round (N viewers) observed."""

    def __init__(self, n: int):
        self.n = n
        self.reruns: list[float] = []
        self.loads: list[float] = []
        self.errors: list[str] = []
        self.rss_idle = 0
        self.rss_peak = 0


async def open_page(page, url: str, timeout: float) -> float:
    start = time.perf_counter()
    await page.goto(url, timeout=timeout)
    await page.wait_for_selector(f'{MAIN} [data-testid="stElementContainer"]', timeout=timeout)
    await page.wait_for_selector(IDLE, timeout=timeout)
    await page.wait_for_function(CHARTS_DRAWN, timeout=timeout)
    return time.perf_counter() - start


async def change_filter(page, turn: int, timeout: float) -> float:
    """Add a municipality to the Kommune filter (even turns) or remove it again (odd turns)."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Kommune")
    before = await page.evaluate(SIGNATURE, CHART)
    await box.locator("input").click(timeout=timeout)
    if turn % 2 == 0:
        option = page.get_by_role("option", name=MUNICIPALITIES[(turn // 2) % len(MUNICIPALITIES)], exact=True)
        await option.wait_for(timeout=timeout)
        start = time.perf_counter()
        await option.click(timeout=timeout)
    else:
        start = time.perf_counter()
        await page.keyboard.press("Backspace")
    await page.wait_for_function(CHANGED, arg=[CHART, before], timeout=timeout)
    elapsed = time.perf_counter() - start
    await page.keyboard.press("Escape")
    await page.wait_for_selector(IDLE, timeout=timeout)
    await page.wait_for_function(CHARTS_DRAWN, timeout=timeout)
    return elapsed


async def viewer(browser, url: str, index: int, deadline: float, result: Round, timeout: float, max_steps: int) -> None:
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(timeout)
    page = await context.new_page()
    turn = 0
    try:
        for step in range(max_steps):  # bounded, and stops at the deadline
            if time.monotonic() >= deadline:
                break
            name = PAGES[(index + step) % len(PAGES)]
            try:
                result.loads.append(await open_page(page, f"{url}/{name}", timeout))
            except Exception as error:  # a load that does not finish is an error, not a crash
                result.errors.append(f"load {name}: {type(error).__name__}")
                continue
            if await page.locator(EXCEPTION).count():
                result.errors.append(f"exception box on {name}")
            for _ in range(2 if name in FILTER_PAGES else 0):
                if time.monotonic() >= deadline:
                    break
                try:
                    result.reruns.append(await change_filter(page, turn, timeout))
                except Exception as error:
                    result.errors.append(f"filter on {name}: {type(error).__name__}")
                    break
                turn += 1
                if await page.locator(EXCEPTION).count():
                    result.errors.append(f"exception box on {name} after a filter change")
    finally:
        await context.close()


async def sample_rss(pid: int, result: Round, stop: asyncio.Event) -> None:
    while not stop.is_set():
        result.rss_peak = max(result.rss_peak, rss_bytes(pid))
        try:
            await asyncio.wait_for(stop.wait(), timeout=0.5)
        except asyncio.TimeoutError:
            pass


async def run_round(browser, url: str, pid: int, n: int, duration: float, timeout: float, ramp: float) -> Round:
    result = Round(n)
    await asyncio.sleep(2)  # let the previous round's sessions close
    result.rss_idle = rss_bytes(pid)
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pid, result, stop))
    deadline = time.monotonic() + duration

    async def staggered(index: int):
        await asyncio.sleep(ramp * index / max(n, 1))  # viewers arrive over `ramp` seconds, not all in one tick
        await viewer(browser, url, index, deadline, result, timeout, max_steps=10_000)

    await asyncio.gather(*(staggered(i) for i in range(n)))
    stop.set()
    await sampler
    return result


async def run(sizes: list[int], duration: float, single_duration: float, timeout: float) -> list[Round]:
    from playwright.async_api import async_playwright

    process, url = start_streamlit("app.py", log_name="bench-concurrent-app.log")
    rounds = []
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            warm = Round(0)  # first run pays imports and fills the caches: not measured
            await viewer(browser, url, 0, time.monotonic() + 1, warm, 120_000, max_steps=len(PAGES))
            for index in range(1, len(PAGES)):
                await viewer(browser, url, index, time.monotonic() + 1, warm, 120_000, max_steps=1)
            rounds.append(await run_round(browser, url, process.pid, 1, single_duration, timeout, 0))
            base = p95(rounds[0].reruns)
            print("as each round ends:\n" + HEADER + "\n" + row(rounds[0], base), flush=True)
            for n in sizes:
                rounds.append(await run_round(browser, url, process.pid, n, duration, timeout, ramp=min(10.0, duration / 4)))
                print(row(rounds[-1], base), flush=True)
            await browser.close()
    finally:
        stop_process(process)
    return rounds


HEADER = (f"{'N':>3} {'reruns':>7} {'loads':>6} {'errors':>6} {'rerun p50':>9} {'rerun p95':>9} {'load p50':>8} "
          f"{'load p95':>8} {'p95 / 1':>8} {'RSS idle MB':>11} {'RSS peak MB':>11} {'MB/session':>10}")


def row(r: Round, base: float) -> str:
    per_session = (r.rss_peak - r.rss_idle) / r.n / 1e6 if r.n else float("nan")
    ratio = p95(r.reruns) / base if r.reruns else float("nan")
    return (f"{r.n:>3} {len(r.reruns):>7} {len(r.loads):>6} {len(r.errors):>6} {median(r.reruns):>9.3f} {p95(r.reruns):>9.3f} "
            f"{median(r.loads):>8.2f} {p95(r.loads):>8.2f} {ratio:>7.2f}× {r.rss_idle / 1e6:>11.0f} {r.rss_peak / 1e6:>11.0f} "
            f"{per_session:>10.1f}")


def report(rounds: list[Round]) -> None:
    single = rounds[0]
    base = p95(single.reruns)
    print(HEADER)
    for r in rounds:
        print(row(r, base))
    for r in rounds:
        if r.errors:
            kinds: dict[str, int] = {}
            for error in r.errors:
                kinds[error] = kinds.get(error, 0) + 1
            print(f"  errors at N={r.n}: " + "; ".join(f"{k} ×{v}" for k, v in sorted(kinds.items())))
    largest = rounds[-1]
    ratio = p95(largest.reruns) / base if largest.reruns else float("nan")
    print(f"at N={largest.n}: {len(largest.errors)} errors (target 0) · rerun p95 {ratio:.2f}× single-user "
          f"(target ≤ {TARGET_RATIO}×): {'holds' if not largest.errors and ratio <= TARGET_RATIO else 'misses'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,25,50", help="numbers of concurrent viewers, one round each")
    parser.add_argument("--duration", type=float, default=120, help="seconds per round (default 120, as the issue asks)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before a load or rerun counts as an error")
    parser.add_argument("--quick", action="store_true", help="short rounds (20 s) for a quick look")
    args = parser.parse_args(argv)
    duration = 20.0 if args.quick else args.duration
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"Benchmark 4 — concurrent viewers against one server: N = {sizes}, {duration:.0f} s each (+ single user)")
    rounds = asyncio.run(run(sizes, duration, min(duration, 60.0), args.timeout * 1000))
    report(rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
