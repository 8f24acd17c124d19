"""Driving the workshop room in Chromium: phones that join, tap and submit, and a projector.

Shared by the acceptance test (tests/browser/test_browser_workshop.py) and the latency benchmark
(benchmarks/workshop_projector_latency.py), so both drive the pages the same way a person does: by the
labels on screen, with taps on a touch context.
"""

from __future__ import annotations

import random
import re

from browser_support import open_app, wait_for_idle

PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
SUBMIT_BAR = ".st-key-submit-bar"

#: JavaScript: the projector's live line has reached `groups` delivered groups.
DELIVERED = """(text) => { const line = document.querySelector('.ws-live');
                          return !!line && line.textContent.includes(text); }"""


def new_context(browser, viewport=PROJECTOR, phone: bool = False, locale: str = "nb-NO"):
    """A browser context of its own (a device): a phone is touch and mobile."""
    context = browser.new_context(viewport=viewport, locale=locale, has_touch=phone, is_mobile=phone,
                                  device_scale_factor=1)
    context.set_default_timeout(60_000)
    return context, context.new_page()


def join_by_code(page, base: str, typed: str) -> None:
    """Open the participant page without a code and type the one the projector shows."""
    open_app(page, f"{base}/verksted")
    page.get_by_role("textbox", name="Kode fra fasilitatoren").fill(typed)
    page.get_by_role("button", name="Gå videre").tap()
    page.get_by_text("Velg gruppen din for å gi poeng.").wait_for()
    wait_for_idle(page)


def join_by_link(page, link: str) -> None:
    """Open the link a QR code holds (what scanning it does)."""
    open_app(page, link)
    page.get_by_text("Velg gruppen din for å gi poeng.").wait_for()
    wait_for_idle(page)


def pick_group(page, group: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text="Gruppe").first.tap()
    page.get_by_role("option", name=group, exact=True).tap()
    page.locator(".st-key-card-0").wait_for()
    wait_for_idle(page)


def tap_scores(page, values: list[tuple[int, int]]) -> None:
    """Tap potential and feasibility of each card (None: leave it open)."""
    for index, pair in enumerate(values):
        groups = page.locator(f".st-key-card-{index} [role='radiogroup']")
        for position, value in enumerate(pair):
            if value is not None:
                groups.nth(position).get_by_role("radio", name=str(value), exact=True).tap()


def submit_button(page):
    return page.locator(SUBMIT_BAR).get_by_role("button", name="Send inn poeng")


def bar_message(page, pattern: str):
    """The message in the submit bar (its text, without the alert's icon)."""
    return page.locator(SUBMIT_BAR).get_by_test_id("stAlert").get_by_test_id("stMarkdownContainer").filter(
        has_text=re.compile(pattern))


def room_values(seed: int, groups: int, areas: int) -> list[list[tuple[int, int]]]:
    """Each group's taps, seeded: a spread of areas over the matrix, ties possible."""
    rng = random.Random(seed)
    bias = [(rng.randint(3, 8), rng.randint(3, 8)) for _ in range(areas)]
    return [[(min(10, max(1, p + rng.randint(-2, 2))), min(10, max(1, f + rng.randint(-2, 2)))) for p, f in bias]
            for _ in range(groups)]
