"""Exports and presentation mode in a real browser (Chromium).

The acceptance test: a leader filters Erfaringer to their municipality, downloads the page's
PPTX and opens it (python-pptx) — every chart is a slide with the same numbers as on screen.
Also: a chart's PNG download; presentation mode at 1920×1080 (screenshot in test-artifacts/),
previous/next by button and by arrow key, and a live workshop matrix that keeps refreshing.

Shares the session's server and browser (tests/browser_support.py); the live workshop has a
server of its own, with an empty workshop store.
"""

from __future__ import annotations

import io
import re
import struct
from urllib.parse import parse_qs, urlparse

import pytest
from pptx import Presentation

from analysis.formatting import NBSP, format_pct
from browser_support import (ARTIFACTS, CHART, EXCEPTION, MAIN, WAIT_MS, chart_titles, chart_values, open_app,
                             require_chromium, start_streamlit, stop_process, wait_for_charts, wait_for_idle)
from test_browser_dashboard import choose_in_multiselect, wait_for_new_values

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}


def squeezed(text: str) -> str:
    """Text without white space: a chart title's wrapped lines are separate SVG nodes."""
    return re.sub(r"\s+", "", text)


def download(page, name: str, tmp_path):
    """Click the download button `name` and save what arrives (made on the server on click)."""
    button = page.locator('[data-testid="stDownloadButton"] button').filter(has_text=name).first
    button.wait_for(state="visible")
    with page.expect_download(timeout=WAIT_MS) as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_leader_downloads_her_municipalitys_deck_with_the_numbers_on_screen(app_server, page, tmp_path):
    open_app(page, f"{app_server}/erfaringer")
    before = chart_values(page)
    choose_in_multiselect(page, "Kommune", "Grong")
    wait_for_new_values(page, before)
    titles = chart_titles(page)
    assert titles and all("Utvalg: Grong" in title for title in titles)
    on_screen = [dict(zip(chart_values(page, i, axis="y"), chart_values(page, i))) for i in range(len(titles))]

    path = download(page, "Presentasjon (PPTX)", tmp_path)
    assert path.name == "erfaringer.pptx"
    deck = Presentation(io.BytesIO(path.read_bytes()))
    cover, *slides = deck.slides
    assert "Utvalg: Grong" in cover.placeholders[1].text_frame.text
    assert len(slides) == len(titles)
    for slide, title, values in zip(slides, titles, on_screen):
        assert squeezed(title).startswith(squeezed(slide.shapes.title.text))  # the question, in page order
        notes = slide.notes_slide.notes_text_frame.text
        assert "Utvalg: Grong" in notes
        for group, pct in values.items():
            (line,) = [line for line in notes.splitlines() if line.startswith(f"{group}:")]
            assert f"Andel (%) {format_pct(pct).split(NBSP)[0]};" in line, (group, line)
        footer = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame][-1]
        assert footer.startswith("Antall svar (n): Administrasjon") and "Nevner:" in footer


def test_chart_png_download(app_server, page, tmp_path):
    open_app(page, f"{app_server}/mulighetsrom?kommune=Lierne")
    page.get_by_text("Tabell og nedlasting").first.click()
    path = download(page, "Bilde (PNG)", tmp_path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == 900 * 3 and height > 300  # a half-width chart, three times as sharp


def slide_title(page) -> str:
    return page.locator(f"{CHART} .gtitle").first.text_content()


def wait_for_new_title(page, old: str) -> str:
    page.wait_for_function("([selector, old]) => { const t = document.querySelector(selector);"
                           " return t && t.textContent !== old; }", arg=[f"{CHART} .gtitle", old])
    wait_for_idle(page)
    wait_for_charts(page)
    return slide_title(page)


def test_presentation_mode_at_full_hd(app_server, browser):
    context = browser.new_context(viewport=FULL_HD, locale="nb-NO")
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        open_app(page, f"{app_server}/erfaringer?presentasjon=1&kommune=Grong&inndeling=Kommune+%C3%97+rolle")
        assert page.locator(EXCEPTION).count() == 0
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert not page.locator('[data-testid="stHeader"]').is_visible()
        assert page.locator(CHART).count() == 1
        first = slide_title(page)
        assert "Utvalg:Grong" in squeezed(first)
        # large type, and the whole slide on one screen: nothing to scroll
        size = page.evaluate(f"() => document.querySelector('{CHART}')._fullLayout.font.size")
        assert size >= 20
        box = page.locator('[data-testid="stPlotlyChart"]').bounding_box()
        assert box["width"] > 1700 and box["y"] + box["height"] <= FULL_HD["height"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "presentation-1920x1080.png"))

        page.get_by_role("button", name="Neste").click()
        second = wait_for_new_title(page, first)
        assert second != first
        assert parse_qs(urlparse(page.url).query)["lysbilde"] == ["2"]
        page.keyboard.press("ArrowLeft")  # a presenter's clicker
        assert wait_for_new_title(page, second) == first
        assert parse_qs(urlparse(page.url).query)["kommune"] == ["Grong"]

        page.goto(f"{app_server}/prioriteringer?presentasjon=1")
        page.locator(f"{CHART} .gtitle", has_text="Potensial og gjennomførbarhet").wait_for()
        wait_for_idle(page)
        wait_for_charts(page)
        page.screenshot(path=str(ARTIFACTS / "presentation-matrix-1920x1080.png"))

        page.get_by_role("button", name="Avslutt").click()
        page.locator('[data-testid="stSidebar"]').wait_for(state="visible")
        page.locator(f"{MAIN} h1", has_text="Prioriteringer").wait_for()
        assert "presentasjon" not in parse_qs(urlparse(page.url).query)
    finally:
        context.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A server with its own empty workshop store, refreshing every 2 s; and that store."""
    require_chromium()
    from workshop.store import WorkshopStore

    env = {"WORKSHOP_FACILITATOR_PIN": "2718", "WORKSHOP_DATA_DIR": str(tmp_path_factory.mktemp("live-var")),
           "WORKSHOP_DATABASE_URL": "", "WORKSHOP_REFRESH_SECONDS": "2"}
    process, url = start_streamlit(env=env, log_name="streamlit-presentation-live.log")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        with WorkshopStore(facilitator_pin="2718") as store:
            yield url, store
    stop_process(process)


def test_live_matrix_keeps_refreshing_in_presentation_mode(live_server, page):
    url, store = live_server
    session = store.open_session("2718", "Regionrådet", ["A", "B"], areas=[("Vei", "Teknisk"), ("Skole", "Oppvekst")])
    open_app(page, f"{url}/verksted_visning?kode={session.join_code}&presentasjon=1")
    assert page.locator(".ws-live").text_content() == "0 av 2 grupper har levert"  # the projector view
    store.submit(session.join_code, "A", {"Vei": (8, 7), "Skole": (5, 5)})
    # no click, no reload: the fragment's timer rereads the scores
    page.locator(".ws-live", has_text="1 av 2 grupper har levert").wait_for(timeout=WAIT_MS)
    page.wait_for_function("(s) => document.querySelectorAll(s + ' .textpoint').length === 2", arg=CHART)
