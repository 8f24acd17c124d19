"""Issue 15's acceptance in Chromium at 1440×900, for every reader:

- axe-core (shipped inside the axe-playwright-python package, injected into the page) on every
  page in both languages, the workshop's participant and projector pages and presentation
  mode: no serious or critical violation (contrast, names, roles …), and headings that do not
  skip a level.
- No table scrolls sideways: every `st.table` and `st.dataframe` on every page is as wide as
  its content (scrollWidth vs clientWidth, measured in the browser).
- Screenshots of Erfaringer (by role, municipality × role, the answer distribution) and
  Utforsk in both languages go to test-artifacts/ (a11y-<page>-<view>-<lang>.png), and in
  every chart on them no text box (title, ticks, legend, labels) overlaps another
  (`layout_boxes`, from the drawn SVG).

The workshop room's own checks with a live session (nine phones, projector, presentation's
live slide) are in test_browser_workshop.py; here the same pages are checked as a visitor
without a session code finds them."""

from __future__ import annotations

import pytest

from analysis.intake import load_workbook
from report.strings import t
from browser_support import ARTIFACTS, CHART, open_app, open_expanders
from layout_boxes import PLOTLY_BOXES, Box, text_overlaps

pytest_plugins = ["browser_support"]
pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANGUAGES = ("nb", "en")
PAGES = ("oversikt", "erfaringer", "mulighetsrom", "prioriteringer", "verksted_fasilitator", "utforsk", "utvikling",
         "data", "verksted", "verksted_visning")

#: Elements that scroll sideways: a static table's wrapper, or a data grid's scroller.
SIDEWAYS = """() => Array.from(document.querySelectorAll(
    '[data-testid="stTable"], [data-testid="stTable"] > div, [data-testid="stDataFrame"] .dvn-scroller'))
  .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
  .map(el => `${el.getAttribute('data-testid') || el.className}: ${el.scrollWidth} > ${el.clientWidth}`)"""


#: Rules held to whatever their impact: a screen reader's outline of the page needs headings
#: that do not skip a level (axe rates it moderate).
ALWAYS = {"heading-order"}


def serious(page) -> list[str]:
    """Serious and critical violations, and any of `ALWAYS`. Left out: the minor
    `presentation-role-conflict` of Streamlit's own file-upload drop zone (docs/architecture.md)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical") or v["id"] in ALWAYS]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_violation_and_no_sideways_table(page, app_server, name, language):
    address = "" if name == "oversikt" else name  # the default page's address is the root (/oversikt: "Page not found")
    open_app(page, f"{app_server}/{address}?lang={language}")
    assert serious(page) == []
    open_expanders(page, "")  # the tables inside them are measured too
    assert page.evaluate(SIDEWAYS) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_presentation_mode_has_no_serious_violation(page, app_server, language):
    open_app(page, f"{app_server}/erfaringer?lang={language}&presentasjon=1")
    assert page.locator(CHART).count() == 1
    assert serious(page) == []


def views(language: str) -> dict[str, str]:
    from dashboard.state import breakdown_text

    survey = load_workbook()
    return {
        "rolle": "",
        "kommune-rolle": f"&inndeling={breakdown_text(survey, ('kommune', 'rolle'), language)}",
        "fordeling": f"&visning={t('ui.display.distribution', language)}",
    }


def chart_overlaps(page) -> list[str]:
    problems = []
    for index in range(page.locator(CHART).count()):
        boxes = [Box.of(raw) for raw in page.evaluate(PLOTLY_BOXES, page.locator(CHART).nth(index).element_handle())["texts"]]
        problems += [f"chart {index}: {a.kind} «{a.text}» overlaps {b.kind} «{b.text}»" for a, b in text_overlaps(boxes)]
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_erfaringer_and_utforsk_charts_have_no_overlapping_text(page, app_server, language):
    ARTIFACTS.mkdir(exist_ok=True)
    shots = [(f"erfaringer-{view}", f"erfaringer?lang={language}{query}") for view, query in views(language).items()]
    shots += [("utforsk", f"utforsk?lang={language}"), ("utforsk-fordeling", f"utforsk?lang={language}{views(language)['fordeling']}")]
    problems = []
    for name, address in shots:
        open_app(page, f"{app_server}/{address}")
        assert page.locator(CHART).count() >= 1
        page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-{language}.png"), full_page=True)
        problems += [f"{name}: {problem}" for problem in chart_overlaps(page)]
    assert problems == []
