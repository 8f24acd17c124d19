"""Acceptance of issue 16 in a real browser: the public-survey-like workbook (scripts/public_survey.py:
6 366 rows, 4 breakdowns, a 7-point scale as codes, numeric items, a weight) is uploaded on the
Data page, the dashboard is switched to English, and every page in the menu is visited: none
shows the bundled survey's wording (taken from the bundled codebook and the catalogue, not typed
here), no workshop page is in the menu, and the numeric items are drawn as charts.
"""

from __future__ import annotations

import re

import pytest

from analysis.intake import BUNDLED_WORKBOOK, load_workbook
from browser_support import CHART, EXCEPTION, MAIN, chart_titles, open_app, wait_for_charts, wait_for_idle
from dashboard.navigation import PAGES
from report.labels import measure_label
from report.strings import t
from scripts import public_survey

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DROPZONE = "stFileUploaderDropzoneInput"
NAV = '[data-testid="stSidebarNav"]'
APP = '[data-testid="stApp"]'


def bundled_wording(own_text: str) -> dict[str, re.Pattern]:
    """The bundled survey's own words, as patterns: its breakdowns' names and values, its
    questions, its title and region, its headline measure's label and the workshop pages' titles
    — each as a whole word or phrase. A phrase the other survey's own texts hold is left out."""
    bundled = load_workbook(BUNDLED_WORKBOOK)
    phrases: set[str] = set()
    for name, breakdown in bundled.breakdowns.items():
        phrases |= {breakdown.label, breakdown.label_en or "", *breakdown.values}
    for item in bundled.items.values():
        phrases |= {item.title("nb"), item.title("en")}
    phrases |= {bundled.meta.get("title", ""), bundled.meta.get("title_en", ""), bundled.meta.get("region", "")}
    phrases |= {measure_label(item, language) for item in bundled.items.values() if item.kind != "multi_select"
                for language in ("nb", "en")}
    phrases |= {t(entry.title_key, language) for entry in PAGES if entry.workshop for language in ("nb", "en")}
    phrases = {p.strip() for p in phrases if p and len(p.strip()) >= 4 and p.strip().lower() not in own_text.lower()}
    return {p: re.compile(rf"(?<!\w){re.escape(p)}(?!\w)", re.IGNORECASE) for p in phrases}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return public_survey.write(tmp_path_factory.mktemp("public") / "offentlig.xlsx", items=4)


def shown_text(page) -> str:
    """The app's text with the charts' SVG text — without the Data page's format reference,
    whose examples document the format with the bundled survey (a manual, not this survey)."""
    return page.evaluate(
        """([app, reference]) => {
             const copy = document.querySelector(app).cloneNode(true);
             copy.querySelectorAll('style, script').forEach(e => e.remove());  // CSS and code, not text a reader sees
             copy.querySelectorAll('[data-testid="stExpander"]').forEach(e => {
               if (e.querySelector('summary') && e.querySelector('summary').textContent.includes(reference)) e.remove(); });
             return copy.textContent; }""",
        [APP, t("ui.data.format_title", "en")])


def _links(page) -> list[tuple[str, str]]:
    links = page.locator(f"{NAV} a")
    return [(text.strip().split("\n")[-1].strip(), links.nth(i).get_attribute("href"))
            for i, text in enumerate(links.all_inner_texts())]


def test_another_survey_in_english_shows_none_of_the_bundled_wording(app_server, page, workbook):
    own = public_survey.sheets(rows=10, items=4)
    own_text = " ".join(str(v) for frame in own.values() for v in frame.astype(str).to_numpy().ravel())
    forbidden = bundled_wording(own_text)
    assert len(forbidden) > 20 and "Grong" in forbidden  # the list is the bundled survey's, not empty

    open_app(page, f"{app_server}/data")
    page.get_by_test_id(DROPZONE).set_input_files(str(workbook))
    page.locator(MAIN).get_by_text("Valideringsrapport", exact=True).wait_for()
    wait_for_idle(page)
    page.get_by_role("button", name="Bruk denne undersøkelsen").click()
    page.get_by_text("Opplastede data:").wait_for()
    wait_for_idle(page)
    split_by = page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]').filter(has_text=t("ui.breakdown.label", "nb"))
    assert split_by.locator("input:checked").count() == 1  # the new survey's default grouping, chosen

    language = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Språk").locator("input")
    language.click()
    language.fill("English")
    page.keyboard.press("Enter")
    page.get_by_text("Uploaded data:").first.wait_for()
    wait_for_idle(page)

    links = _links(page)
    titles = [title for title, _ in links]
    workshop = {t(entry.title_key, "en") for entry in PAGES if entry.workshop}
    assert not workshop & set(titles), titles
    assert "Hverdag" in titles and "Holdninger" in titles, titles

    found: dict[str, list[str]] = {}
    numeric_charts = 0
    for index, (title, href) in enumerate(links):
        page.locator(f"{NAV} a").nth(index).click()
        page.wait_for_url(re.compile(re.escape(href.split("?")[0]) + r"(\?|$)"))
        page.locator(f"{MAIN} h1").first.wait_for()
        wait_for_idle(page)
        wait_for_charts(page)
        assert page.locator(EXCEPTION).count() == 0, title
        text = shown_text(page)
        hits = [phrase for phrase, pattern in forbidden.items() if pattern.search(text)]
        if hits:
            found[title] = hits
        if title == "Hverdag":
            assert any("How many hours of TV" in chart for chart in chart_titles(page))
            numeric_charts = page.evaluate(
                "s => Array.from(document.querySelectorAll(s)).filter(c => c._fullData.some(d => d.type === 'box')).length",
                CHART)
    assert not found, "\n".join(f"{title}: {hits}" for title, hits in found.items())
    assert numeric_charts == 2
