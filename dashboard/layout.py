"""Page building blocks shared by every page: the frame (sidebar, banner, notices), a chart with
its table and downloads, and whole codebook sections. Pages choose, call and render;
the numbers come protected from `dashboard.data`, the charts from `report.charts`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.codebook import Item, Survey
from report.strings import NB, markdown_t, t
from analysis.problems import SurveyError
from analysis.safe_text import markdown
from report import charts, figures, rounds, tables, theme
from dashboard import comparisons, data, navigation, state, upload
from report.charts import Chart
from report.view import DISTRIBUTION, View
from exports import charts as chart_files
from dashboard.downloads import csv_download, download, opened, static_table
from exports.deck import build_deck
from report import labels

from report.keys import VIEW_KEY

# WCAG 2.1 AA on every page (docs/architecture.md, "Accessibility"): Streamlit draws captions and
# widget help in its text colour at 60 % (#797f85 on white, 4.04:1); ours are the theme's muted
# text (5.9:1 on white, 5.3:1 on the sidebar's grey). Menu links and buttons get a focus ring a
# keyboard user sees (Streamlit's own is a faint background change).
ACCESSIBILITY_CSS = f"""
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{
  color: {theme.MUTED_TEXT} !important; opacity: 1 !important; }}
[data-testid="stSidebarNav"] a:focus-visible, [data-testid="stSidebarNavLink"]:focus-visible,
[data-testid="stMain"] a:focus-visible, button:focus-visible, [role="tab"]:focus-visible,
summary:focus-visible {{ outline: 3px solid {theme.FOCUS_COLOUR} !important; outline-offset: 2px !important;
  border-radius: 4px; }}
[data-testid="stTable"] table {{ table-layout: fixed; width: 100% !important; }}
[data-testid="stTable"] td, [data-testid="stTable"] th {{ white-space: normal !important; overflow-wrap: anywhere;
  font-size: 0.8rem; padding-left: 0.15rem !important; padding-right: 0.15rem !important; }}
[data-testid="stTable"] td > *, [data-testid="stTable"] th > *, [data-testid="stTable"] td *, [data-testid="stTable"] th * {{ white-space: normal !important; overflow-wrap: anywhere;
  hyphens: auto; word-break: break-word !important; max-width: 100% !important; display: block !important;
  font-size: 0.8rem; min-width: 0 !important; padding-left: 0 !important;
  padding-right: 0 !important; }}
</style>
"""
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
                 "toImageButtonOptions": {"scale": 2}}


# ------------------------------------------------------------------------------ the frame


def ensure_entrypoint() -> None:
    """Make sure `app.py` (sidebar, banner, navigation) runs around this page.

    Streamlit 1.67 treats an app with a `pages/` folder as an old-style multipage app until
    `st.navigation` has run once in the process: the first request of a fresh server for
    `/erfaringer` (and every AppTest page switch) would run the page script alone, without
    the entry point. Switching that mode off and rerunning runs `app.py` as it should.

    Whether `app.py` runs is asked of this run itself (is its frame on the call stack?), not of
    the process-wide mode: several first visitors of a fresh replica (after a restart, its
    viewers all reconnect at once) start their runs in the old mode, and the first one's
    `st.navigation` switches the mode off while the others are already inside a page script —
    those must rerun too (seen as "no key _view" by the replica test).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if not _inside_entrypoint():
        PagesManager.uses_pages_directory = False
        st.rerun()


def stylesheet() -> None:
    """The dashboard's few style rules (contrast, focus, wrapping tables), on every page."""
    st.html(ACCESSIBILITY_CSS)


def loaded_survey() -> Survey:
    """The survey being shown; on an unusable data source, what is wrong and the end of the run."""
    try:
        return data.current_survey()
    except SurveyError as error:  # an unusable data source: say what is wrong, no traceback
        st.error(markdown_t("ui.error.load", "nb", source=error.source))
        st.markdown("\n".join(f"- {markdown(problem.describe())}" for problem in error.errors[:20]))
        st.stop()


ENTRYPOINT = os.path.realpath(Path(__file__).resolve().parent.parent / "app.py")


def _inside_entrypoint() -> bool:
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.endswith("app.py") and os.path.realpath(name) == ENTRYPOINT:
            return True
        frame = frame.f_back
    return False


def frame(survey_filters: bool = True) -> tuple[Survey, View]:
    """The part of every page that `app.py` draws: sidebar, provenance banner, URL notices.
    Without `survey_filters` (a workshop page) the sidebar holds only the language and the
    presentation toggle."""
    survey_ = loaded_survey()
    view = state.sidebar(survey_, survey_filters)
    st.session_state[VIEW_KEY] = view
    if not state.sidebar_toggle(view.language):  # a slide carries its own short provenance note
        banner(survey_, view.language)
    notices(view.language)
    return survey_, view


def rounds_note(survey: Survey, view: View, page: st.Page) -> None:
    """On a page that counts several survey rounds together, a line that says so."""
    pooled = rounds.pooled_note(survey, view) if navigation.pools_rounds(page) else ""
    if pooled:
        st.caption(pooled)


def page() -> tuple[Survey, View]:
    """Start of every page script: the survey and the view the sidebar chose."""
    ensure_entrypoint()
    return data.current_survey(), st.session_state[VIEW_KEY]


def reconstructed_warning(title: str, text: str) -> None:
    """The note that what is shown is reconstructed (the survey's answers, the workshop's
    scores): permanent, bold title first."""
    st.warning(f"**{title}** {text}", icon=":material/warning:")


def banner(survey: Survey, language: str) -> None:
    """The provenance note: permanent (no close button) while reconstructed data are shown;
    for uploaded data, which file they come from."""
    uploaded = upload.source_note(survey, language)
    if survey.reconstructed:  # the bundled text explains the bundled data; an upload's own meta explains it
        text = t("ui.banner.reconstructed_upload" if uploaded else "ui.banner.reconstructed_text", language)
        reconstructed_warning(t("ui.banner.reconstructed_title", language), text)
    if uploaded:
        st.info(uploaded, icon=":material/upload_file:")
    with st.expander(t("ui.banner.more", language), icon=":material/info:"):
        provenance(survey, language)


def provenance(survey: Survey, language: str) -> None:
    """Where the data come from and what was assumed, in the survey's own words (as text: a
    file's Markdown or HTML is shown, never rendered)."""
    text = survey.meta_text("provenance", language)
    if text:
        st.markdown(markdown(text))
    assumptions = survey.assumptions(language)
    if assumptions:
        st.markdown(f"**{t('ui.banner.assumptions', language)}**")
        st.markdown("\n".join(f"- {markdown(line)}" for line in assumptions))


def page_title(key: str, language: str, survey: Survey | None = None) -> None:
    """The page's title and one-line introduction; a codebook section the catalogue does not
    name (another survey's) is titled by its own name."""
    if f"ui.page.{key}.title" not in NB:
        name = labels.section_title(key, language, survey)
        st.set_page_config(page_title=name)  # the browser tab's title is plain text (the menu's is Markdown)
        st.title(markdown(name))  # the same name as in the menu
        return
    st.title(t(f"ui.page.{key}.title", language))
    st.caption(t(f"ui.page.{key}.intro", language))


def notices(language: str) -> None:
    """Notices for link values the controls drawn so far could not use (each shown once)."""
    for message in state.url_notices(language):
        st.info(message, icon=":material/link_off:")


# ------------------------------------------------------------------- chart, table, download


def chart_block(chart: Chart, language: str) -> None:
    """A chart, and under it an expander with the chart's table and its downloads (built when
    the expander is opened: a section page has a dozen charts, and their tables were a third
    of its rerun — docs/performance.md, benchmark 7)."""
    st.plotly_chart(chart.figure, theme=None, key=f"chart-{chart.key}", config=PLOTLY_CONFIG)
    chart_text(chart)
    box = opened(t("ui.table.expander", language), f"open-{chart.key}", ":material/table:")
    if box is not None:
        with box:
            table_block(chart.frame, chart.key, language, chart=chart)


@st.cache_resource(max_entries=1024, show_spinner=False)
def _drawn(key: str, slot: charts.Slot, view: View, _survey: Survey) -> Chart:
    chart = charts.build(slot, _survey, view, data)
    chart.figure  # noqa: B018 drawn here, once: every session showing this view shares it (read-only)
    return chart


def drawn_chart(slot: charts.Slot, survey: Survey, view: View) -> Chart:
    """`charts.build` on screen, drawn once per data source × view × chart and shared by every
    session (a chart is read-only once drawn): building and drawing a section page's charts
    was about half of its rerun, and a council's viewers look at the same few views."""
    return _drawn(data.current_source().key, slot, view, survey)


def chart_text(chart: Chart) -> None:
    """Next to the chart, in words: why a group is hidden (one plain sentence per kind), and the
    chart's numbers in one line — its text alternative for a screen reader, as text."""
    for sentence in chart.hidden_why:
        st.caption(markdown(sentence))
    if chart.summary:
        st.caption(markdown(chart.summary))


@st.cache_data(max_entries=1024, show_spinner=False)
def shown_table(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """`tables.shown`, cached by the frame's content: formatting every number as text was ~15 %
    of a section page's rerun (cProfile of Erfaringer; docs/performance.md), and the
    same protected rows come back whenever a viewer returns to a view."""
    return tables.shown(frame, language)


def table_block(frame: pd.DataFrame, name: str, language: str, scrollable: bool = False,
                chart: Chart | None = None) -> None:
    """A table as shown (numbers in the language's format) and its CSV download; under a chart
    also XLSX, PNG and SVG. Static by default — light in the browser, and a page has a dozen;
    `scrollable` for a wide table (`st.dataframe` shows its cells as text; its own CSV
    download is switched off in .streamlit/config.toml, ours is formula-safe)."""
    if scrollable:
        st.dataframe(shown_table(frame, language), hide_index=True, key=f"table-{name}")
    else:
        static_table(shown_table(frame, language))
    downloads_row(frame, name, language, chart)


def downloads_row(frame: pd.DataFrame, name: str, language: str, chart: Chart | None = None) -> None:
    """CSV of the table, and for a chart its table as XLSX (with notes) and its figure as PNG and SVG."""
    with st.container(horizontal=True):
        csv_download(t("ui.table.download", language), frame, f"{name}.csv", language)
        if chart is not None:
            download(t("ui.export.xlsx", language), lambda: chart_files.chart_xlsx(chart), f"{name}.xlsx", "xlsx")
            download(t("ui.export.png", language), lambda: chart_files.chart_image(chart, "png"), f"{name}.png", "png")
            download(t("ui.export.svg", language), lambda: chart_files.chart_image(chart, "svg"), f"{name}.svg", "svg")


def page_downloads(container, drawn: Sequence[Chart], page_key: str, survey: Survey, view: View,
                   help_key: str = "ui.export.page_help") -> None:
    """The whole page as a PPTX deck (one slide per chart) and as one workbook of its tables,
    from the charts just drawn — the same filters and hidden groups as the screen."""
    language = view.language
    title = labels.section_title(page_key, language, survey)
    stem = chart_files.file_stem(title)
    drawn = list(drawn)
    with container.container(horizontal=True, vertical_alignment="center"):
        download(t("ui.export.pptx", language),
                 lambda: build_deck(drawn, title=title, cover=charts.cover_lines(survey, view), language=language),
                 f"{stem}.pptx", "pptx", key=f"pptx-{page_key}")
        download(t("ui.export.page_xlsx", language), lambda: chart_files.page_xlsx(drawn), f"{stem}.xlsx", "xlsx",
                 key=f"page-xlsx-{page_key}")
        st.caption(t(help_key, language))


# ------------------------------------------------------------------------------ sections


def render_items(survey: Survey, view: View, items: Sequence[Item]) -> list[Chart]:
    """Charts for `items` (likert / yes-no), each with its table and downloads: two side by
    side for headline shares, one per row for the wider distributions. Returns the charts."""
    columns = 1 if view.display == DISTRIBUTION else 2
    title_width = figures.TITLE_WIDTH * 2 if columns == 1 else figures.TITLE_WIDTH
    batch = tuple(item.id for item in items)  # one counting pass for all of them
    drawn = []
    for start in range(0, len(items), columns):
        for column, item in zip(st.columns(columns, gap="large"), items[start:start + columns]):
            with column:
                slot = charts.Slot(item.id, charts.ITEM, item.subsection, item=item.id, batch=batch,
                                   title_width=title_width)
                chart = drawn_chart(slot, survey, view)
                chart_block(chart, view.language)
                drawn.append(chart)
    return drawn


def render_numeric(survey: Survey, view: View, items: Sequence[Item]) -> list[Chart]:
    """Numeric items (mean, median, 95 % interval per group), two side by side."""
    slots = [slot for slot in charts.section_plan(survey, items[0].section)
             if slot.kind == charts.NUMERIC and slot.item in {item.id for item in items}]
    drawn = []
    for start in range(0, len(slots), 2):
        for column, slot in zip(st.columns(2, gap="large"), slots[start:start + 2]):
            with column:
                chart = drawn_chart(slot, survey, view)
                chart_block(chart, view.language)
                drawn.append(chart)
    return drawn


def render_question(survey: Survey, view: View, question: str, options: Sequence[Item]) -> list[Chart]:
    """A multi-select question: the top five per municipality (the report's view), then every
    option over all municipalities, split by role when the breakdown includes it."""
    slots = [slot for slot in charts.section_plan(survey, options[0].section) if slot.question == question]
    drawn = [drawn_chart(slot, survey, view) for slot in slots]
    for chart in drawn:
        chart_block(chart, view.language)
    return drawn


def section_page(section: str) -> None:
    """A whole codebook section (Erfaringer, Mulighetsrom, …): its items by subsection, in
    codebook order; multi-select questions as top-five charts."""
    survey, view = page()
    page_title(section, view.language, survey)
    items = survey.ordered_items(section)
    numeric = survey.numeric_items(section)
    if not items and not numeric:  # another survey without this section (an old link): say where its questions are
        st.info(markdown_t("ui.section.missing", view.language, section=section, sections=", ".join(survey.sections())),
                icon=":material/info:")
        return
    questions = survey.question_groups(section)
    subsections = list(dict.fromkeys(item.subsection for item in [*items, *numeric]))
    downloads, drawn = st.container(), []  # the page's downloads go on top, made from every chart drawn below
    for subsection in subsections:
        if subsection:
            heading = next(labels.subsection_title(i, view.language) for i in items if i.subsection == subsection)
            st.header(markdown(heading), divider="gray")
        scaled = [item for item in items if item.subsection == subsection and item.kind != "multi_select"]
        if scaled:
            drawn += render_items(survey, view, scaled)
        counted = [item for item in numeric if item.subsection == subsection]
        if counted:
            drawn += render_numeric(survey, view, counted)
        for question, options in questions.items():
            if options[0].subsection == subsection:
                drawn += render_question(survey, view, question, options)
    page_downloads(downloads, drawn, section, survey, view)
    comparisons.render(survey, view, [*items, *numeric])
