"""With Kommune = Røyrvik, every page either shows Røyrvik's numbers or says what it counts.

A person who picks Røyrvik in the sidebar and walks through the menu (Chromium):
- every survey chart carries the selection (its subtitle names Røyrvik; its numbers come from
  the filtered survey) — the respondents chart of Oversikt counts Røyrvik's answers only;
- the tiles of Oversikt count Røyrvik (invited from the meta sheet's counts per cell);
- the tests under a section compare the roles within Røyrvik (their note cites Røyrvik's sizes);
- the Data page counts the whole survey and carries the one line that says so, with the whole
  survey's number of answers;
- the workshop pages (Prioriteringer, the facilitator's page) draw no survey filters, and the
  room's pages (phone, projector) no sidebar at all.
The expected numbers are counted here from the bundled workbook, not taken from the app.
"""

from __future__ import annotations

import pytest

from analysis.load import BUNDLED_WORKBOOK
from analysis.intake import load_workbook
from analysis.formatting import format_share
from browser_support import CHART, EXCEPTION, MAIN, open_app, wait_for_idle

pytestmark = pytest.mark.browser

SURVEY = load_workbook(BUNDLED_WORKBOOK)
ALL = len(SURVEY.responses)
ROYRVIK = int((SURVEY.responses["kommune"] == "Røyrvik").sum())
ROYRVIK_ADMIN = int(((SURVEY.responses["kommune"] == "Røyrvik") & (SURVEY.responses["rolle"] == "Administrasjon")).sum())
ROYRVIK_INVITED = sum(int(value) for key, value in SURVEY.meta.items() if key.startswith("invited_Røyrvik_"))
SIDEBAR = '[data-testid="stSidebar"]'
FILTER = f'{SIDEBAR} [data-testid="stMultiSelect"]'
CAPTIONS = f'{MAIN} [data-testid="stCaptionContainer"]'


def chart_texts(page) -> list[str]:
    return page.eval_on_selector_all(CHART, "nodes => nodes.map(n => n.textContent)")


def captions(page) -> str:
    return "\n".join(page.locator(CAPTIONS).all_inner_texts())


def assert_charts_follow(page) -> None:
    texts = chart_texts(page)
    assert texts, "no chart on the page"
    assert all("Røyrvik" in text for text in texts), [text[:120] for text in texts if "Røyrvik" not in text]


@pytest.mark.parametrize("path", ["erfaringer", "mulighetsrom"])
def test_section_charts_and_tests_follow_royrvik(app_server, page, path):
    open_app(page, f"{app_server}/{path}?kommune=R%C3%B8yrvik")
    assert page.locator(EXCEPTION).count() == 0
    assert_charts_follow(page)
    # The roles are tested within Røyrvik: the note cites Røyrvik's own group sizes.
    assert f"med {ROYRVIK_ADMIN} svar fra Administrasjon og {ROYRVIK - ROYRVIK_ADMIN} fra Folkevalgte" in captions(page)
    assert "Utvalg: Røyrvik" in captions(page)
    assert "Testene gjelder alle" not in captions(page)


def test_overview_tiles_and_chart_count_royrvik(app_server, page):
    open_app(page, f"{app_server}/oversikt?kommune=R%C3%B8yrvik")
    assert page.locator(EXCEPTION).count() == 0
    # The meta sheet has invited per municipality × role, so the tiles follow the selection.
    tiles = page.locator(f'{MAIN} [data-testid="stMetricValue"]').all_inner_texts()
    assert tiles[:3] == [str(ROYRVIK_INVITED), str(ROYRVIK), format_share(ROYRVIK / ROYRVIK_INVITED, "nb")]
    assert "Utvalg: Røyrvik" in captions(page)
    assert "hele undersøkelsen" not in captions(page)
    assert_charts_follow(page)
    bars = page.evaluate("s => Array.from(document.querySelector(s)._fullData)"
                         ".map(t => [Array.from(t.x || []), Array.from(t.y || [])])", CHART)
    assert {group for x, _ in bars for group in x} == {"Røyrvik"}
    assert sum(n for _, y in bars for n in y) == ROYRVIK < ALL  # Røyrvik's respondents by role, not the region's


def test_explorer_follows_the_selection(app_server, page):
    open_app(page, f"{app_server}/utforsk?kommune=R%C3%B8yrvik")
    assert page.locator(EXCEPTION).count() == 0
    assert_charts_follow(page)


def test_data_page_states_its_scope(app_server, page):
    open_app(page, f"{app_server}/data?kommune=R%C3%B8yrvik")
    assert page.locator(EXCEPTION).count() == 0
    assert f"Denne siden gjelder hele datasettet ({ALL} svar)" in captions(page)


def test_rounds_page_without_rounds_shows_no_numbers(app_server, page):
    open_app(page, f"{app_server}/utvikling?kommune=R%C3%B8yrvik")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(CHART).count() == 0  # the bundled survey has one round: the page says how to add one


@pytest.mark.parametrize("path", ["prioriteringer", "verksted_fasilitator"])
def test_workshop_pages_draw_no_survey_filters(app_server, page, path):
    page.goto(f"{app_server}/{path}?kommune=R%C3%B8yrvik")
    page.wait_for_selector(f'{MAIN} [data-testid="stElementContainer"]')
    wait_for_idle(page)
    assert page.locator(EXCEPTION).count() == 0
    page.locator(SIDEBAR).wait_for(state="visible")
    assert page.locator(FILTER).count() == 0
    assert "Utvalg" not in page.locator(SIDEBAR).inner_text()


@pytest.mark.parametrize("path", ["verksted", "verksted_visning"])
def test_room_pages_have_no_sidebar(app_server, page, path):
    page.goto(f"{app_server}/{path}?kommune=R%C3%B8yrvik")
    page.wait_for_selector(f'{MAIN} [data-testid="stElementContainer"]')
    wait_for_idle(page)
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(FILTER).count() == 0


def test_scope_lines_in_english(app_server, page):
    open_app(page, f"{app_server}/erfaringer?lang=English&kommune=R%C3%B8yrvik")
    assert page.locator(EXCEPTION).count() == 0
    assert_charts_follow(page)
    assert f"with {ROYRVIK_ADMIN} answers from Administration" in captions(page)  # the role in English (issue 15)
    assert "The tests cover all" not in captions(page)
