"""Presentation mode: one chart per screen, large, for a meeting room (`?presentasjon=1`).

A toggle in the sidebar (or the link parameter) turns it on. The sidebar and Streamlit's own
chrome are hidden, each chart is drawn in the `PRESENTATION` style (large type, thick bars,
fits 1920×1080 without scrolling) and the presenter pages with Previous/Next (buttons or the
arrow keys) through the report's order: the codebook's sections (Erfaringer → Mulighetsrom),
then the workshop matrix (Prioriteringer). The position is in the link (`?lysbilde=5`);
the filters stay in the link too, so the deck shows what the sidebar chose before entering.

The workshop slide is the live session when the link has a join code (`?kode=…`, as the
presenter view has): the projector view itself (`dashboard.workshop_room.projector`: matrix,
ranked list, "6 av 9 grupper har levert", the join QR code), rereading the scores every few
seconds, so the matrix keeps filling in while groups submit. Otherwise it is the workshop
Prioriteringer shows: the bundled one, or a closed live session (`?okt=`).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analysis.codebook import Survey
from report.strings import markdown_t, t
from analysis.safe_text import markdown
from report import charts
from dashboard import data
from report.charts import Chart, Slot
from report.figures import PRESENTATION
from report.view import View
from dashboard.state import SLIDE_PARAM, active, leave
from dashboard import workshop_pages as wp
from dashboard import workshop_room as room
from report import labels

WORKSHOP = "prioriteringer"
WORKSHOP_PAGES = (WORKSHOP, "verksted_visning")  # entering from these starts at the matrix
PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False, "staticPlot": False}

# Streamlit's chrome and the sidebar off; the page edge to edge; large type for what is not a chart.
CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stSidebarNav"], #MainMenu, footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.8rem 2.2rem 0.4rem 2.2rem !important; max-width: 100% !important; }
[data-testid="stMain"] [data-testid="stCaptionContainer"], [data-testid="stMain"] [data-testid="stCaptionContainer"] p {
  font-size: 1.25rem !important; }
[data-testid="stMain"] button[data-testid^="stBaseButton"] { min-height: 3rem; padding: 0.4rem 1.4rem; }
[data-testid="stMain"] button[data-testid^="stBaseButton"] p { font-size: 1.3rem !important; }
.st-key-presentation-position p { font-size: 1.4rem !important; color: #5C6670; margin: 0; }
</style>
"""


@dataclass(frozen=True)
class Slide:
    """One screen: a chart of a codebook section, or the workshop matrix (`slot` None)."""

    section: str
    slot: Slot | None = None


def slides(survey: Survey) -> list[Slide]:
    """Every screen in the report's order: each section's charts in page order, then the matrix."""
    return [Slide(section, slot) for section in survey.sections() for slot in charts.section_plan(survey, section)] + [
        Slide(WORKSHOP)]


def start_index(deck: list[Slide], page_path: str) -> int:
    """Where a presentation entered from a page begins: at that page's first chart."""
    section = WORKSHOP if page_path in WORKSHOP_PAGES else page_path
    return next((i for i, slide in enumerate(deck) if slide.section == section), 0)


def current_index(deck: list[Slide], page_path: str) -> int:
    try:
        index = int(st.query_params.get(SLIDE_PARAM, "")) - 1
    except ValueError:
        index = start_index(deck, page_path)
    return min(max(index, 0), len(deck) - 1)


def _go(index: int) -> None:
    st.query_params[SLIDE_PARAM] = str(index + 1)


def show(page, survey: Survey, view: View) -> bool:
    """Draw the presentation instead of `page` when presentation mode is on; False otherwise."""
    if not active():
        return False
    st.html(CSS)
    deck = slides(survey)
    index = current_index(deck, getattr(page, "url_path", "") or "")
    slide, language = deck[index], view.language
    title = labels.section_title(slide.section, language, survey)
    bar = st.container(horizontal=True, vertical_alignment="center")
    # The section's name comes from the file: Markdown with it escaped, styled by the container's key (no HTML).
    bar.container(key="presentation-position", width="stretch").markdown(
        markdown_t("ui.presentation.position", language, section=title, number=index + 1, total=len(deck)))
    bar.button(t("ui.presentation.previous", language), icon=":material/arrow_back:", key="presentation-previous",
               on_click=_go, args=(index - 1,), disabled=index == 0, shortcut="left")
    bar.button(t("ui.presentation.next", language), icon=":material/arrow_forward:", key="presentation-next",
               on_click=_go, args=(index + 1,), disabled=index == len(deck) - 1, shortcut="right", type="primary")
    bar.button(t("ui.presentation.exit", language), icon=":material/close:", key="presentation-exit", on_click=leave)
    if slide.slot is None:
        workshop_slide(language)
    else:
        draw(charts.build(slide.slot, survey, view, data, PRESENTATION))
    return True


def draw(chart: Chart) -> None:
    """A chart as large as the screen allows, and its footer (n, denominator, provenance)."""
    st.plotly_chart(chart.figure, theme=None, key=f"slide-{chart.key}", config=PLOTLY_CONFIG)
    st.caption(markdown(" ".join((*chart.hidden_why, chart.footer))))


def workshop_slide(language: str) -> None:
    """The live session of the link's join code — the projector view, refreshing by itself —
    else the workshop Prioriteringer shows (the bundled one, or the closed session of `?okt=`)."""
    code = (st.query_params.get(wp.CODE_PARAM) or "").strip()
    if not code:
        split = wp.split_from_url(language)
        workshop = wp.workshop_source(language)
        table = wp.ranking(workshop.scores, workshop.areas, language, split)
        sectors = wp.sectors_from_url(workshop)
        draw(wp.bundled_matrix_chart(workshop, table, language, split, sectors, style=PRESENTATION))
        return
    access = wp.access_for_code(language, "presentation-code")
    if access is not None:
        room.projector(wp.store(), access.session, language, height=room.PRESENTATION_HEIGHT, key="slide-live")
