"""Utforsk: any item by any grouping, with the chart and its crosstab side by side."""

import streamlit as st

from report.strings import t
from report import charts, figures, labels, tables
from dashboard import data, layout, state

survey, view = layout.page()
language = view.language
layout.page_title("utforsk", language)

items = {item.id: item for item in survey.ordered_items()}


def item_name(item_id: str) -> str:
    item = items[item_id]
    label = item.text("label", language)
    # An option is named with its question's heading (the whole question when there is no subsection).
    return f"{labels.subsection_title(item, language) or item.text('question', language)}: {label}" if item.kind == "multi_select" else label


chosen = items[state.bound_selectbox(st, t("ui.explore.item", language), list(items), state.EXPLORE_ITEM_KEY, item_name)]
layout.notices(language)
downloads = st.container()

chart, crosstab = st.columns(2, gap="large")
with chart:
    drawn = layout.drawn_chart(charts.Slot(chosen.id, charts.ITEM, item=chosen.id, title_width=figures.TITLE_WIDTH),
                               survey, view)
    layout.chart_block(drawn, language)
with crosstab:
    st.header(t("ui.explore.crosstab", language))
    st.caption(t("ui.explore.crosstab_note", language,
                 denominator=t(f"denominator.{view.denominator}", language)))
    layout.table_block(tables.crosstab_frame(data.distribution(view, [chosen.id]), view.by, language, data.threshold(survey),
                                             survey),
                       f"{chosen.id}-krysstabell", language)
layout.page_downloads(downloads, [drawn], "utforsk", survey, view)
