"""Real Chromium viewers for the load benchmark's cross-check: the same action as a simulated
viewer (add a municipality to Erfaringer's Kommune filter, or remove it, every 5–10 s), timed
in the browser from the click until the first chart shows the new numbers
(`browser_latency.OursFilter`, the helper of benchmark 2).

Run by `load_replicas.py` in its own process, on the load generator's CPUs (the affinity is
inherited): `python benchmarks/loadtest/chromium_viewers.py --url URL --viewers 2 --duration 60`.
Prints one JSON object: {"reruns": [seconds, …], "errors": [text, …]}.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCHMARKS))

from browser_support_path import ROOT  # noqa: E402,F401  (puts tests/ on the path)
from browser_latency import OursFilter  # noqa: E402
from browser_support import CHROMIUM, CHROMIUM_ARGS, EXCEPTION, VIEWPORT, open_app  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="the app's base URL (a replica or HAProxy)")
    parser.add_argument("--viewers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--interval", default="5,10", help="seconds between one viewer's changes: low,high")
    args = parser.parse_args(argv)
    low, high = (float(v) for v in args.interval.split(","))
    from playwright.sync_api import sync_playwright

    reruns, errors = [], []
    rng = random.Random(7)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        viewers = []
        for _ in range(args.viewers):  # one context (window) each: a background tab's timers are throttled
            context = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
            context.set_default_timeout(120_000)
            page = context.new_page()
            open_app(page, f"{args.url}/erfaringer", timeout=180_000)
            viewers.append([OursFilter(page), time.monotonic() + rng.uniform(low, high)])
        deadline = time.monotonic() + args.duration
        while time.monotonic() < deadline:
            viewer = min(viewers, key=lambda v: v[1])  # one thread drives all: the next one due
            time.sleep(max(0.0, viewer[1] - time.monotonic()))
            try:
                reruns.append(viewer[0].change())
            except Exception as error:  # noqa: BLE001 - a change that does not finish is an error, not a crash
                errors.append(f"{type(error).__name__}: {str(error).splitlines()[0][:200]}")
            if viewer[0].page.locator(EXCEPTION).count():
                errors.append("exception box")
            viewer[1] = time.monotonic() + rng.uniform(low, high)
        browser.close()
    print(json.dumps({"reruns": reruns, "errors": errors}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
