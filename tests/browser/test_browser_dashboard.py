"""The dashboard in a real browser (Chromium): pages open cleanly, the municipality filter
changes the chart, a copied link gives the same view, a CSV download holds what is shown.

One server and one browser for all tests (tests/browser_support.py); each test gets a fresh page.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from analysis.formatting import format_pct
from browser_support import EXCEPTION, MAIN, chart_titles, chart_values, open_app, wait_for_charts, wait_for_idle

pytestmark = pytest.mark.browser

PAGES = {"": "Oversikt", "erfaringer": "Erfaringer", "mulighetsrom": "Mulighetsrom", "utforsk": "Utforsk"}


def choose_in_multiselect(page, label: str, option: str) -> None:
    """Pick `option` in the sidebar multiselect labelled `label`, as a user would."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    box.locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def wait_for_new_values(page, before: list, index: int = 0) -> list:
    """Wait until the chart's plotted values differ from `before`, then for idle."""
    page.wait_for_function(
        """([index, before]) => {
             const chart = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')[index];
             return chart && chart._fullData && JSON.stringify(Array.from(chart._fullData[0].x)) !== JSON.stringify(before);
           }""",
        arg=[index, before],
    )
    wait_for_idle(page)
    wait_for_charts(page)
    return chart_values(page, index)


@pytest.mark.parametrize("path", list(PAGES))
def test_page_opens_without_exception(app_server, page, path):
    open_app(page, f"{app_server}/{path}")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(f"{MAIN} h1").first.inner_text().strip() == PAGES[path]
    assert page.get_by_text("Rekonstruerte data – ikke ekte svar.").is_visible()
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1


def test_municipality_filter_then_copied_link(app_server, page, browser):
    open_app(page, f"{app_server}/erfaringer")
    title = chart_titles(page)[0]
    before = chart_values(page)
    assert len(before) == 2  # Administrasjon and Folkevalgte, as in the report

    choose_in_multiselect(page, "Kommune", "Røyrvik")
    after = wait_for_new_values(page, before)
    assert after != before
    assert chart_titles(page)[0].startswith(title.split("Andel")[0][:40])
    assert parse_qs(urlparse(page.url).query)["kommune"] == ["Røyrvik"]
    assert "Utvalg: Røyrvik" in chart_titles(page)[0]

    # the same link in a new browser context (a new session) shows the same view
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        other = context.new_page()
        open_app(other, page.url)
        assert chart_values(other) == after
        assert other.locator(EXCEPTION).count() == 0
        chosen = other.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Kommune")
        assert "Røyrvik" in chosen.inner_text()
    finally:
        context.close()


def test_csv_download_holds_what_the_chart_shows(app_server, page, tmp_path):
    open_app(page, f"{app_server}/erfaringer")
    values = chart_values(page)
    page.get_by_text("Tabell og nedlasting").first.click()
    button = page.locator('[data-testid="stDownloadButton"] button').filter(has_text="Last ned CSV").first
    button.wait_for(state="visible")
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads æøå
    lines = raw.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    assert header[:2] == ["Spørsmål", "Rolle"] and "Andel (%)" in header
    rows = [dict(zip(header, line.split(";"))) for line in lines[1:]]
    assert [row["Rolle"] for row in rows] == ["Administrasjon", "Folkevalgte"]
    assert [row["Andel (%)"] for row in rows] == [format_pct(v).split("\u00a0")[0] for v in values]


def test_language_switch_rewrites_the_link(app_server, page):
    open_app(page, f"{app_server}/erfaringer?inndeling=Kommune")
    before = chart_values(page)
    language = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Språk").locator("input")
    language.click()
    language.fill("English")
    page.keyboard.press("Enter")
    page.locator(f"{MAIN} h1", has_text="Experiences").wait_for()
    wait_for_idle(page)
    wait_for_charts(page)
    query = parse_qs(urlparse(page.url).query)
    assert query["lang"] == ["English"] and query["inndeling"] == ["Municipality"]
    assert chart_values(page) == before
    assert page.locator('[data-testid="stAlert"]').filter(has_text="link").count() == 0


def test_bad_address_and_values_fall_back_with_a_notice(app_server, page):
    open_app(page, f"{app_server}/erfaringer?inndeling=tull&kommune=Oslo")
    assert page.locator(EXCEPTION).count() == 0
    notices = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("tull" in text for text in notices) and any("Oslo" in text for text in notices)
    assert len(chart_values(page)) == 2  # the default view: by role
    open_app(page, f"{app_server}/finnes-ikke")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1
