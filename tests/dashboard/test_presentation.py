"""Presentation mode and the export buttons in AppTest.

Presentation mode (`?presentasjon=1` or the sidebar toggle): one large chart per screen, the
filters of the link kept, previous/next through Erfaringer → Mulighetsrom → the workshop
matrix (live when the link has a join code), and out again. Every page offers its deck and
its workbook; every chart its CSV, XLSX, PNG and SVG.
"""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from corpus import as_read
from report import charts as chart_plans
from report import figures
from test_workshop_pages import PIN, open_page, warm_server, workshop_env  # noqa: F401 (fixtures)
from apptest_support import open_expanders

PAGE_FILES = ["pages/oversikt.py", "pages/erfaringer.py", "pages/mulighetsrom.py", "pages/utforsk.py",
              "pages/prioriteringer.py"]


def specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def title(at: AppTest) -> str:
    (spec,) = specs(at)
    return spec["layout"]["title"]["text"].replace("<br>", " ")


def position(at: AppTest) -> str:
    """The "section · n of N" line; drawn as Markdown, never as HTML (a section's name comes
    from the file)."""
    assert not any(m.proto.allow_html for m in at.markdown)
    return next(as_read(m.value) for m in at.markdown if re.search(r" · \d+ av \d+$", m.value))


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def plan(bundled):
    return [slot for section in bundled.sections() for slot in chart_plans.section_plan(bundled, section)]


def test_one_large_chart_with_the_links_filters(bundled, plan):
    at = open_page("pages/erfaringer.py", presentasjon="1", kommune="Grong")
    first = bundled.items[plan[0].item]
    assert first.question in title(at) and "Utvalg: Grong" in title(at)
    (spec,) = specs(at)
    assert spec["layout"]["font"]["size"] == pytest.approx(13 * figures.PRESENTATION.scale)
    assert spec["layout"]["height"] >= figures.PRESENTATION.min_height
    assert position(at).endswith(f"Erfaringer · 1 av {len(plan) + 1}")
    assert [b.label for b in at.button] == ["Forrige", "Neste", "Avslutt"]
    assert at.button(key="presentation-previous").disabled
    assert any("stSidebar" in html.proto.body for html in at.get("html"))  # the CSS that hides the chrome
    assert not any("Rekonstruerte data – ikke ekte svar." in w.value for w in at.warning)  # the slide says it instead
    footer = as_read(at.caption[-1].value)
    assert footer.startswith("Antall svar (n): Administrasjon") and "Rekonstruerte data" in footer


def test_next_and_previous_follow_the_report(bundled, plan):
    at = open_page("pages/erfaringer.py", presentasjon="1")
    titles = [title(at)]
    for _ in range(2):
        titles.append(title(click(at, "presentation-next")))
    assert len(set(titles)) == 3 and at.query_params["lysbilde"] == "3"
    assert title(click(at, "presentation-previous")) == titles[1]
    # over the border between the pages: the last Erfaringer chart, then the first Mulighetsrom chart
    last_erfaringer = len(chart_plans.section_plan(bundled, "erfaringer")) - 1
    at = open_page("pages/erfaringer.py", presentasjon="1", lysbilde=str(last_erfaringer + 1))
    assert "Erfaringer" in position(at)
    click(at, "presentation-next")
    assert "Mulighetsrom" in position(at)
    assert bundled.items[plan[last_erfaringer + 1].item].question in title(at)


def test_each_page_starts_at_its_own_charts_and_the_matrix_is_last(plan):
    at = open_page("pages/mulighetsrom.py", presentasjon="1")
    assert "Mulighetsrom · " in position(at)
    at = open_page("pages/prioriteringer.py", presentasjon="1")
    assert "Potensial og gjennomførbarhet" in title(at)
    assert position(at).endswith(f"{len(plan) + 1} av {len(plan) + 1}")
    assert at.button(key="presentation-next").disabled


def test_toggle_in_and_exit_out():
    at = open_page("pages/erfaringer.py", kommune="Lierne")
    charts_on_page = len(at.get("plotly_chart"))
    assert charts_on_page > 1
    at.toggle(key="_presentation").set_value(True).run()
    assert len(at.get("plotly_chart")) == 1 and "Utvalg: Lierne" in title(at)
    click(at, "presentation-exit")
    assert len(at.get("plotly_chart")) == charts_on_page
    assert "presentasjon" not in at.query_params and at.multiselect(key="kommune").value == ["Lierne"]


def test_live_slide_is_the_projector_view(workshop_env):  # noqa: F811 (fixture)
    session = workshop_env.open_session(PIN, "Rådsmøte", ["Lag A", "Lag B"],
                                        areas=[("Vei", "Teknisk"), ("Skole", "Oppvekst")])
    at = open_page("pages/verksted_visning.py", presentasjon="1", kode=session.join_code)
    body = "\n".join(element.proto.body for element in at.get("html"))
    assert "0 av 2 grupper har levert" in body and f"data-code='{session.join_code}'" in body  # the join corner stays
    assert [b.label for b in at.button] == ["Forrige", "Neste", "Avslutt"]
    workshop_env.submit(session.join_code, "Lag A", {"Vei": (8, 7), "Skole": (5, 5)})
    at.run()  # what the fragment's timer does in the browser
    body = "\n".join(element.proto.body for element in at.get("html"))
    assert "1 av 2 grupper har levert" in body
    (spec,) = specs(at)
    assert sorted(text for trace in spec["data"] for text in trace["text"]) == ["1", "2"]


def test_a_closed_session_is_the_workshop_slide(workshop_env):  # noqa: F811 (fixture)
    session = workshop_env.open_session(PIN, "Høstmøte", ["Lag A"], areas=[("Vei", "Teknisk"), ("Skole", "Oppvekst")])
    workshop_env.submit(session.join_code, "Lag A", {"Vei": (8, 7), "Skole": (5, 5)})
    workshop_env.close_session(PIN, session.name)
    at = open_page("pages/prioriteringer.py", presentasjon="1", okt=session.name)
    assert "«Høstmøte»" in title(at) and "Rekonstruerte" not in title(at)


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_and_chart_offers_its_files(page):
    at = open_expanders(open_page(page))  # a chart's files are offered once its table's expander is opened
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels[:2] == ["Presentasjon (PPTX)", "Alle tabeller (XLSX)"]
    for kind in ("Excel (XLSX)", "Bilde (PNG)", "Vektorbilde (SVG)"):
        assert labels.count(kind) == len(at.get("plotly_chart")), (page, kind)
    assert labels.count("Last ned CSV") >= len(at.get("plotly_chart"))
