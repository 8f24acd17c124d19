"""Uploads in a real browser (Chromium): a workbook of another survey is uploaded through the
widget and its items are on its pages; one browser's upload is not another's data; every file
of the bad corpus, fed through the widget in one session, gets its message and the server
stays up.

One server and one browser for all tests (tests/browser_support.py); each test gets a fresh page.
"""

from __future__ import annotations

import urllib.request

import pytest

from browser_support import EXCEPTION, MAIN, VIEWPORT, chart_titles, open_app, wait_for_charts, wait_for_idle
from conftest import FIXTURES
from test_intake import EXPECTED

pytestmark = pytest.mark.browser

SCHOOL = FIXTURES / "school"
BAD = FIXTURES / "bad"
DROPZONE = "stFileUploaderDropzoneInput"
NAV = '[data-testid="stSidebarNav"]'


def upload(page, *paths) -> None:
    """Choose files in the Data page's uploader and wait for the validation report."""
    page.get_by_test_id(DROPZONE).set_input_files([str(p) for p in paths])
    page.locator(MAIN).get_by_text("Valideringsrapport", exact=True).wait_for()
    wait_for_idle(page)


def clear_uploads(page) -> None:
    """Remove every file from the uploader (a new choice would add to them) and wait for the
    report to go."""
    chips = page.get_by_test_id("stFileChip")
    while chips.count():
        before = chips.count()
        chips.first.get_by_role("button", name="Remove").click()
        page.wait_for_function("n => document.querySelectorAll('[data-testid=\"stFileChip\"]').length < n", arg=before)
    page.locator(MAIN).get_by_text("Valideringsrapport", exact=True).wait_for(state="detached")


def go_to(page, title: str) -> None:
    """Open a page from the menu, as a user would (a new URL would start a new session)."""
    links = page.locator(f"{NAV} a")
    (index,) = [i for i, text in enumerate(links.all_inner_texts()) if _menu_title(text) == title]
    links.nth(index).click()
    page.locator(f"{MAIN} h1").filter(has_text=title).wait_for()
    wait_for_idle(page)
    wait_for_charts(page)


def _menu_title(text: str) -> str:
    return text.strip().split("\n")[-1].strip()  # the link's text after its icon's name


def menu(page) -> list[str]:
    return [_menu_title(text) for text in page.locator(f"{NAV} a").all_inner_texts()]


def use_school_survey(page, app_server) -> None:
    open_app(page, f"{app_server}/data")
    upload(page, SCHOOL / "skole_2024.xlsx")
    assert page.get_by_text("Ingen feil eller advarsler.").is_visible()
    page.get_by_role("button", name="Bruk denne undersøkelsen").click()
    page.get_by_text("Opplastede data:").wait_for()
    wait_for_idle(page)


def test_uploaded_workbook_is_shown_on_its_own_pages(app_server, page):
    use_school_survey(page, app_server)
    # the codebook's sections are the menu: no Erfaringer/Mulighetsrom, a page per school section
    assert {"Trivsel", "Læring", "Hjem og skole"} <= set(menu(page))
    assert "Erfaringer" not in menu(page) and "Mulighetsrom" not in menu(page)

    go_to(page, "Trivsel")
    titles = " ".join(chart_titles(page))
    assert "Jeg trives på jobb" in titles and "Skolen håndterer mobbing godt" in titles
    assert page.locator(f"{MAIN} h2").filter(has_text="Arbeidsmiljø").count() == 1
    assert "skole_2024.xlsx" in page.locator('[data-testid="stAlert"]').filter(has_text="Opplastede data:").inner_text()

    go_to(page, "Hjem og skole")
    assert any("Hvilke kanaler bruker dere mot hjemmene?" in title for title in chart_titles(page))

    go_to(page, "Oversikt")
    assert page.get_by_text("Skolemiljø blant ansatte 2024").first.is_visible()
    kommune = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Kommune")
    kommune.locator("input").click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    assert [o.strip() for o in options if o.strip() != "Select all"] == ["Skogby", "Fjellvik", "Elvdal"]
    assert page.locator(EXCEPTION).count() == 0


def test_one_browsers_upload_is_not_anothers_data(app_server, page, browser):
    use_school_survey(page, app_server)
    context = browser.new_context(viewport=VIEWPORT)
    try:
        other = context.new_page()
        open_app(other, f"{app_server}/erfaringer")
        assert other.get_by_text("Rekonstruerte data – ikke ekte svar.").is_visible()
        assert other.get_by_text("Opplastede data:").count() == 0
        assert any("gevinster" in title.lower() for title in chart_titles(other))
        assert "Erfaringer" in menu(other) and "Trivsel" not in menu(other)
    finally:
        context.close()
    go_to(page, "Læring")  # the first browser still has its survey
    assert any("Vi har tid til tilpasset opplæring" in title for title in chart_titles(page))


def test_every_bad_file_gets_its_message_and_the_server_stays_up(app_server, page):
    open_app(page, f"{app_server}/data")
    for case in EXPECTED:
        path = BAD / case["case"]
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        upload(page, *files)
        page.locator(MAIN).get_by_text(case["message"]).first.wait_for(timeout=15_000)
        assert page.get_by_text("feil – undersøkelsen kan ikke brukes").is_visible(), case["case"]
        assert page.get_by_role("button", name="Bruk denne undersøkelsen").count() == 0, case["case"]
        assert page.locator(EXCEPTION).count() == 0, case["case"]
        clear_uploads(page)
    with urllib.request.urlopen(f"{app_server}/_stcore/health", timeout=5) as response:
        assert response.status == 200
    go_to(page, "Erfaringer")  # and the session still works on the bundled data
    assert chart_titles(page)
