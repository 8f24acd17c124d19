"""A live workshop end to end in Chromium on the default SQLite store: the facilitator opens a
session, two groups submit from their own browsers, and the presenter view — left alone,
never reloaded — shows both within its refresh interval.

Uses the shared browser fixtures of tests/browser_support.py, with a server of its own
(a facilitator PIN and an empty data directory in its environment).
"""

from __future__ import annotations

import re
import time

import pytest

from browser_support import ARTIFACTS, CHART, open_app, require_chromium, start_streamlit, stop_process, wait_for_idle

pytest_plugins = ["browser_support"]  # the shared `browser` and `page` fixtures (also registered by conftest)
pytestmark = pytest.mark.browser

PIN = "3141"
REFRESH_SECONDS = 2


@pytest.fixture(scope="module")
def workshop_server(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("workshop-var")
    process, url = start_streamlit(
        env={"WORKSHOP_FACILITATOR_PIN": PIN, "WORKSHOP_DATA_DIR": str(data), "WORKSHOP_DATABASE_URL": "",
             "WORKSHOP_REFRESH_SECONDS": str(REFRESH_SECONDS)},
        log_name="streamlit-workshop.log",
    )
    yield url
    stop_process(process)


def new_page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="nb-NO")
    context.set_default_timeout(30_000)
    return context, context.new_page()


def submit_scores(page, values: list[int]) -> None:
    fields = page.get_by_test_id("stNumberInput").locator("input")
    for index, value in enumerate(values):
        fields.nth(index).fill(str(value))
    page.get_by_role("button", name="Send inn poeng").click()
    page.get_by_text(re.compile(r"^Lagret kl\. ")).wait_for()
    wait_for_idle(page)


def test_live_session_end_to_end(workshop_server, browser, page):
    # The facilitator logs in with the PIN and opens a session with the default 13 areas.
    open_app(page, f"{workshop_server}/verksted_fasilitator")
    page.get_by_label("Fasilitator-PIN").fill(PIN)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_label("Navn på økta").wait_for()
    wait_for_idle(page)
    page.get_by_label("Navn på økta").fill("Regionrådet")
    page.get_by_role("button", name="Åpne økta").click()
    page.get_by_text("Økta «Regionrådet» er åpen").wait_for()
    page.get_by_test_id("stCode").filter(has_text="/verksted_visning?kode=").first.wait_for()
    wait_for_idle(page)
    links = page.get_by_test_id("stCode").all_text_contents()
    join = next(link.strip() for link in links if "/verksted?kode=" in link)
    presenter = next(link.strip() for link in links if "/verksted_visning?kode=" in link)
    assert join.startswith(workshop_server) and PIN not in join and PIN not in presenter
    assert PIN not in page.url

    # The presenter view, opened once and never reloaded.
    presenter_context, screen = new_page(browser)
    open_app(screen, presenter)
    screen.get_by_text("0 / 9").wait_for()

    # Two groups, each in its own browser: one picks its group in the list, one by link.
    first_context, first = new_page(browser)
    open_app(first, join)
    first.get_by_test_id("stSelectbox").filter(has_text="Gruppe").first.click()
    first.get_by_role("option", name="Gruppe 1", exact=True).click()
    first.get_by_test_id("stNumberInput").first.wait_for()
    wait_for_idle(first)
    submit_scores(first, [9, 8, 7, 7])
    second_context, second = new_page(browser)
    open_app(second, f"{join}&gruppe=Gruppe%202")
    submit_scores(second, [8, 8, 6, 5, 9, 9])
    submitted = time.monotonic()

    # The presenter shows both groups within its refresh interval (plus a render's slack).
    screen.get_by_text("2 / 9").wait_for(timeout=(REFRESH_SECONDS * 2 + 5) * 1000)
    waited = time.monotonic() - submitted
    screen.wait_for_function(
        "selector => { const c = document.querySelector(selector);"
        " return c && c._fullData && c._fullData.reduce((n, t) => n + (t.x ? t.x.length : 0), 0) === 3; }",
        arg=CHART)
    ARTIFACTS.mkdir(exist_ok=True)
    screen.screenshot(path=str(ARTIFACTS / "workshop-presenter.png"), full_page=True)
    assert waited <= REFRESH_SECONDS * 2 + 5
    rows = screen.get_by_test_id("stDataFrame").first
    assert rows.is_visible()
    for context in (presenter_context, first_context, second_context):
        context.close()
