"""Benchmark 2 — interaction latency in a real browser, against a minimal one-chart app.

Starts both apps on free loopback ports — ours (`app.py`, bundled data) and
`benchmarks/minimal_app.py` — and drives Debian's Chromium with Playwright, interleaving the
two apps sample by sample so machine noise hits both alike:

(a) filter change → chart shows the new numbers: on Erfaringer, pick a municipality in the
    sidebar filter (then remove it again: two samples), timed from the click on the option
    until the first chart's plotted values (Plotly `_fullData[0].x`) differ from before; on
    the minimal app, pick another value in its selectbox.
(b) new browser context → first chart drawn (cold: the context has no cached plotly.js).
(c) reload in a warm context → first chart drawn (the page's static files are cached).

Prints median and p95 per app and the ratios ours / minimal. Target: ≤ 1.3×.
Run: `python benchmarks/browser_latency.py [--samples 20]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_support_path import median, p95  # noqa: E402  (puts tests/ on the path)
from browser_support import (CHART, CHROMIUM, CHROMIUM_ARGS, EXCEPTION, VIEWPORT, chart_values,  # noqa: E402
                             open_app, start_streamlit, stop_process, wait_for_charts, wait_for_idle)

TARGET = 1.3
OURS_PAGE = "erfaringer"
MUNICIPALITIES = ["Grong", "Lierne", "Namsskogan", "Røyrvik"]
MINIMAL_CHOICES = ["Grong", "Lierne", "Namsskogan", "Røyrvik", "Alle"]
FIRST_CHART_DRAWN = """(selector) => { const c = document.querySelector(selector);
                                       return !!(c && c._fullLayout && c._fullData && c._fullData.length); }"""
VALUES_CHANGED = """([selector, before]) => { const c = document.querySelector(selector);
                      return !!(c && c._fullData && c._fullData[0]
                                && JSON.stringify(Array.from(c._fullData[0].x || [])) !== JSON.stringify(before)); }"""


def wait_values_changed(page, before, timeout: float = 30_000) -> None:
    page.wait_for_function(VALUES_CHANGED, arg=[CHART, before], timeout=timeout, polling="raf")


class OursFilter:
    """Erfaringer's Kommune filter (a sidebar multiselect): add a municipality, then remove it."""

    def __init__(self, page):
        self.page, self.turn = page, 0
        self.box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Kommune")

    def change(self) -> float:
        page = self.page
        before = chart_values(page)
        if self.turn % 2 == 0:  # add one municipality
            name = MUNICIPALITIES[(self.turn // 2) % len(MUNICIPALITIES)]
            self.box.locator("input").click()
            option = page.get_by_role("option", name=name, exact=True)
            option.wait_for()
            start = time.perf_counter()
            option.click()
            wait_values_changed(page, before)
            elapsed = time.perf_counter() - start
            page.keyboard.press("Escape")
        else:  # remove it again (Backspace in the empty input removes the last chosen value)
            self.box.locator("input").click()
            start = time.perf_counter()
            page.keyboard.press("Backspace")
            wait_values_changed(page, before)
            elapsed = time.perf_counter() - start
            page.keyboard.press("Escape")
        self.turn += 1
        wait_for_idle(page)
        wait_for_charts(page)
        return elapsed


class MinimalFilter:
    """The minimal app's selectbox: pick the next value."""

    def __init__(self, page):
        self.page, self.turn = page, 0

    def change(self) -> float:
        page = self.page
        before = chart_values(page)
        page.locator('[data-testid="stSelectbox"]').click()
        option = page.get_by_role("option", name=MINIMAL_CHOICES[self.turn % len(MINIMAL_CHOICES)], exact=True)
        option.wait_for()
        start = time.perf_counter()
        option.click()
        wait_values_changed(page, before)
        elapsed = time.perf_counter() - start
        self.turn += 1
        wait_for_idle(page)
        return elapsed


def first_chart_cold(browser, url: str) -> float:
    """New context (empty cache, new Streamlit session) → first chart drawn."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        return _time_to_first_chart(context.new_page(), url)
    finally:
        context.close()


def first_chart_warm(page, url: str) -> float:
    """Navigate an already used page (cached static files, new Streamlit session) → first chart drawn."""
    page.goto("about:blank")
    return _time_to_first_chart(page, url)


def _time_to_first_chart(page, url: str) -> float:
    """Seconds from `goto` until the first chart is drawn; then wait for the app to be idle."""
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(FIRST_CHART_DRAWN, arg=CHART, timeout=60_000, polling="raf")
    elapsed = time.perf_counter() - start
    wait_for_idle(page)
    return elapsed


def summary_line(label: str, ours: list[float], minimal: list[float]) -> tuple[str, float, float]:
    m_ratio, p_ratio = median(ours) / median(minimal), p95(ours) / p95(minimal)
    line = (f"{label:<34} {median(ours):>8.3f} {p95(ours):>8.3f} {median(minimal):>8.3f} {p95(minimal):>8.3f} "
            f"{m_ratio:>7.2f}× {p_ratio:>7.2f}×  {'holds' if max(m_ratio, p_ratio) <= TARGET else 'misses'}")
    return line, m_ratio, p_ratio


def run(samples: int, cold_samples: int) -> dict:
    from playwright.sync_api import sync_playwright

    ours_process, ours_url = start_streamlit("app.py", log_name="bench-latency-app.log")
    minimal_process, minimal_url = start_streamlit("benchmarks/minimal_app.py", log_name="bench-latency-minimal.log")
    results = {key: {"ours": [], "minimal": []} for key in ("filter", "cold", "warm")}
    errors = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            # one context (own window) per app: a page in a background tab gets throttled timers
            contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(2)]
            for context in contexts:
                context.set_default_timeout(60_000)
            ours_page, minimal_page = contexts[0].new_page(), contexts[1].new_page()
            open_app(ours_page, f"{ours_url}/{OURS_PAGE}", timeout=120_000)  # first run pays the imports
            open_app(minimal_page, minimal_url, timeout=120_000)
            ours_filter, minimal_filter = OursFilter(ours_page), MinimalFilter(minimal_page)
            for _ in range(2):  # warm-up: first reruns pay imports and caches
                ours_filter.change()
                minimal_filter.change()
            for _ in range(samples):
                results["filter"]["ours"].append(ours_filter.change())
                results["filter"]["minimal"].append(minimal_filter.change())
            errors += ours_page.locator(EXCEPTION).count() + minimal_page.locator(EXCEPTION).count()
            for _ in range(samples):
                results["warm"]["ours"].append(first_chart_warm(ours_page, f"{ours_url}/{OURS_PAGE}"))
                results["warm"]["minimal"].append(first_chart_warm(minimal_page, minimal_url))
            for context in contexts:
                context.close()
            for _ in range(cold_samples):
                results["cold"]["ours"].append(first_chart_cold(browser, f"{ours_url}/{OURS_PAGE}"))
                results["cold"]["minimal"].append(first_chart_cold(browser, minimal_url))
            browser.close()
    finally:
        stop_process(ours_process)
        stop_process(minimal_process)
    results["errors"] = errors
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=20, help="filter changes and warm navigations per app")
    parser.add_argument("--cold-samples", type=int, default=10, help="new-context loads per app")
    args = parser.parse_args(argv)
    print(f"Benchmark 2 — interaction latency in Chromium: our app ({OURS_PAGE}, bundled data) vs minimal one-chart app")
    results = run(args.samples, args.cold_samples)
    print(f"{'seconds':<34} {'ours p50':>8} {'ours p95':>8} {'min p50':>8} {'min p95':>8} {'p50 ×':>8} {'p95 ×':>8}")
    labels = {"filter": f"(a) filter change → new numbers (n={args.samples})",
              "warm": f"(b) navigation → first chart (n={args.samples})",
              "cold": f"(b') new context → first chart (n={args.cold_samples})"}
    for key, label in labels.items():
        line, _, _ = summary_line(label, results[key]["ours"], results[key]["minimal"])
        print(line)
    print(f"exception boxes seen: {results['errors']}")
    print(f"target: ours ≤ {TARGET}× the minimal app (p50 and p95)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
