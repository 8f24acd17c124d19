"""Page building blocks shared by every page: the frame (sidebar, banner, notices), a chart with
its table and CSV download, and whole codebook sections. Pages choose, call and render;
the numbers come protected from `dashboard.data`, the pictures from `dashboard.figures`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.codebook import Item, Survey
from analysis.i18n import NB, t
from analysis.problems import SurveyError
from dashboard import comparisons, data, figures, rounds_view, state, tables, theme, upload
from dashboard.state import View

VIEW_KEY = "_view"
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
                 "toImageButtonOptions": {"scale": 2}}


# ------------------------------------------------------------------------------ the frame


def ensure_entrypoint() -> None:
    """Make sure `app.py` (sidebar, banner, navigation) runs around this page.

    Streamlit 1.67 treats an app with a `pages/` folder as an old-style multipage app until
    `st.navigation` has run once in the process: the first request of a fresh server for
    `/erfaringer` (and every AppTest page switch) would run the page script alone, without
    the entry point. Switching that mode off and rerunning runs `app.py` as it should.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def frame() -> tuple[Survey, View]:
    """The part of every page that `app.py` draws: sidebar, provenance banner, URL notices."""
    try:
        survey = data.current_survey()
    except SurveyError as error:  # an unusable data source: say what is wrong, no traceback
        st.error(t("ui.error.load", source=error.source))
        st.markdown("\n".join(f"- {problem.describe()}" for problem in error.errors[:20]))
        st.stop()
    view = state.sidebar(survey)
    st.session_state[VIEW_KEY] = view
    banner(survey, view.language)
    pooled = rounds_view.pooled_note(survey, view)
    if pooled:
        st.caption(pooled)
    notices(view.language)
    return survey, view


def page() -> tuple[Survey, View]:
    """Start of every page script: the survey and the view the sidebar chose."""
    ensure_entrypoint()
    return data.current_survey(), st.session_state[VIEW_KEY]


def banner(survey: Survey, language: str) -> None:
    """The provenance note: permanent (no close button) while reconstructed data are shown;
    for uploaded data, which file they come from."""
    uploaded = upload.source_note(survey, language)
    if survey.reconstructed:  # the bundled text explains the bundled data; an upload's own meta explains it
        text = t("ui.banner.reconstructed_upload" if uploaded else "ui.banner.reconstructed_text", language)
        st.warning(f"**{t('ui.banner.reconstructed_title', language)}** {text}", icon=":material/warning:")
    if uploaded:
        st.info(uploaded, icon=":material/upload_file:")
    with st.expander(t("ui.banner.more", language), icon=":material/info:"):
        provenance(survey, language)


def provenance(survey: Survey, language: str) -> None:
    """Where the data come from and what was assumed, in the survey's own words."""
    text = survey.meta_text("provenance", language)
    if text:
        st.markdown(text)
    assumptions = survey.assumptions(language)
    if assumptions:
        st.markdown(f"**{t('ui.banner.assumptions', language)}**")
        st.markdown("\n".join(f"- {line}" for line in assumptions))


def page_title(key: str, language: str) -> None:
    """The page's title and one-line introduction; a codebook section the catalogue does not
    name (another survey's) is titled by its own name."""
    if f"ui.page.{key}.title" not in NB:
        st.title(key.replace("_", " ").capitalize())
        return
    st.title(t(f"ui.page.{key}.title", language))
    st.caption(t(f"ui.page.{key}.intro", language))


def notices(language: str) -> None:
    """Notices for link values the controls drawn so far could not use (each shown once)."""
    for message in state.url_notices(language):
        st.info(message, icon=":material/link_off:")


# ------------------------------------------------------------------- chart, table, download


def chart_block(figure: go.Figure, frame: pd.DataFrame, name: str, language: str) -> None:
    """A chart, and under it an expander with the chart's data and a CSV of exactly those rows."""
    st.plotly_chart(figure, theme=None, key=f"chart-{name}", config=PLOTLY_CONFIG)
    with st.expander(t("ui.table.expander", language), icon=":material/table:"):
        table_block(frame, name, language)


def table_block(frame: pd.DataFrame, name: str, language: str, scrollable: bool = False) -> None:
    """A table as shown (numbers in the language's format) and its CSV download. Static by
    default — light in the browser, and a page has a dozen; `scrollable` for a wide table."""
    if scrollable:
        st.dataframe(tables.shown(frame, language), hide_index=True, key=f"table-{name}")
    else:
        st.table(tables.shown(frame, language), hide_index=True, border="horizontal")
    st.download_button(t("ui.table.download", language), tables.to_csv(frame, language), file_name=f"{name}.csv",
                       mime="text/csv", key=f"csv-{name}", on_click="ignore", icon=":material/download:")


# ---------------------------------------------------------------------------- chart texts


def selection_text(view: View) -> str:
    """"Utvalg: Grong, Lierne · Folkevalgte" for the active filters ("" when everyone is in)."""
    parts = [", ".join(values) for _, values in view.query().selection]
    return t("ui.chart.selection", view.language, selection=" · ".join(parts)) if parts else ""


def subtitle(view: View, *parts: str) -> str:
    """A chart's second line: what is measured, then the selection, joined by " · "."""
    return " · ".join(part for part in (*parts, selection_text(view)) if part)


def denominator_text(view: View) -> str:
    return t("ui.chart.denominator", view.language, denominator=t(f"denominator.{view.denominator}", view.language))


# ------------------------------------------------------------------------------ sections


def item_tables(view: View, items: Sequence[str]) -> pd.DataFrame:
    """The protected rows the view's display draws for `items` (one counting pass for all)."""
    return data.distribution(view, items) if view.display == state.DISTRIBUTION else data.headline(view, items)


def item_figure(survey: Survey, view: View, item: Item, table: pd.DataFrame,
                title_width: int = figures.TITLE_WIDTH) -> tuple[go.Figure, pd.DataFrame]:
    """The chart of one item in the view's display, and the table behind it (`table` from
    `item_tables`, possibly for more items)."""
    language, min_n, title = view.language, data.threshold(survey), item.title(view.language)
    rows = table[table["item_id"] == item.id]
    if view.display == state.DISTRIBUTION:
        figure = figures.distribution_figure(
            rows, item, by=view.by, title=title, subtitle=subtitle(view, t("ui.chart.distribution_of", language),
                                                                   denominator_text(view)),
            language=language, min_n=min_n, answer_labels=answer_labels(item, language), title_width=title_width)
        return figure, tables.distribution_frame(rows, view.by, survey, language, min_n)
    share = t("ui.chart.share_of", language, measure=tables.measure_label(item, language))
    figure = figures.headline_figure(rows, by=view.by, colours=theme.breakdown_colours(survey), title=title,
                                     subtitle=subtitle(view, share, denominator_text(view)), language=language,
                                     min_n=min_n, title_width=title_width)
    return figure, tables.headline_frame(rows, view.by, survey, language, min_n)


def answer_labels(item: Item, language: str) -> dict[str, str]:
    return {category: tables.answer_label(category, language) for category in (*item.categories, tables.BLANK)}


def render_items(survey: Survey, view: View, items: Sequence[Item]) -> None:
    """Charts for `items` (likert / yes-no), each with its table and CSV: two side by side for
    headline shares, one per row for the wider distributions."""
    columns = 1 if view.display == state.DISTRIBUTION else 2
    title_width = figures.TITLE_WIDTH * 2 if columns == 1 else figures.TITLE_WIDTH
    table = item_tables(view, [item.id for item in items])
    for start in range(0, len(items), columns):
        for column, item in zip(st.columns(columns, gap="large"), items[start:start + columns]):
            with column:
                figure, frame = item_figure(survey, view, item, table, title_width)
                chart_block(figure, frame, f"{item.id}-{view.display}", view.language)


def render_question(survey: Survey, view: View, question: str, options: Sequence[Item]) -> None:
    """A multi-select question: the top five per municipality (the report's view), then every
    option over all municipalities, split by role when the breakdown includes it."""
    language, min_n = view.language, data.threshold(survey)
    colours = theme.breakdown_colours(survey)
    title = options[0].text("question", language)
    unit_name = tables.breakdown_label(survey, view.unit, language).lower()
    top = data.top_options_per_unit(view, question)
    top_subtitle = subtitle(view, t("ui.chart.top_per_unit", language, n=5, unit=unit_name), t("ui.chart.options_base", language))
    chart_block(figures.top_options_figure(top, unit=view.unit, colours=colours, title=title, subtitle=top_subtitle,
                                           language=language, min_n=min_n),
                tables.options_frame(top, (view.unit,), survey, language, min_n), f"{options[0].id}-top", language)
    by = tuple(b for b in view.breakdown if b != view.unit)
    overall = data.options(view, question, by)
    overall_subtitle = subtitle(view, t("ui.chart.all_options", language), t("ui.chart.options_base", language))
    chart_block(figures.options_figure(overall, by=by, colours=colours, title=title, subtitle=overall_subtitle,
                                       language=language, min_n=min_n),
                tables.options_frame(overall, by, survey, language, min_n), f"{options[0].id}-all", language)


def section_page(section: str) -> None:
    """A whole codebook section (Erfaringer, Mulighetsrom, …): its items by subsection, in
    codebook order; multi-select questions as top-five charts."""
    survey, view = page()
    page_title(section, view.language)
    items = survey.ordered_items(section)
    if not items:  # another survey without this section (an old link): say where its questions are
        st.info(t("ui.section.missing", view.language, section=section, sections=", ".join(survey.sections())),
                icon=":material/info:")
        return
    questions = survey.question_groups(section)
    subsections = list(dict.fromkeys(item.subsection for item in items))
    for subsection in subsections:
        if subsection:
            st.header(subsection, divider="gray")
        scaled = [item for item in items if item.subsection == subsection and item.kind != "multi_select"]
        if scaled:
            render_items(survey, view, scaled)
        for question, options in questions.items():
            if options[0].subsection == subsection:
                render_question(survey, view, question, options)
    comparisons.render(survey, view, items)
