"""Utforsk: any item by any grouping, with the chart and its crosstab side by side."""

import streamlit as st

from analysis.i18n import t
from dashboard import data, layout, state, tables

survey, view = layout.page()
language = view.language
layout.page_title("utforsk", language)

items = {item.id: item for item in survey.ordered_items()}


def item_name(item_id: str) -> str:
    item = items[item_id]
    label = item.text("label", language)
    return f"{item.subsection}: {label}" if item.kind == "multi_select" else label


chosen = items[state.bound_selectbox(st, t("ui.explore.item", language), list(items), state.EXPLORE_ITEM_KEY, item_name)]
layout.notices(language)

chart, crosstab = st.columns(2, gap="large")
with chart:
    figure, frame = layout.item_figure(survey, view, chosen, layout.item_tables(view, [chosen.id]))
    layout.chart_block(figure, frame, f"{chosen.id}-{view.display}", language)
with crosstab:
    st.subheader(t("ui.explore.crosstab", language))
    st.caption(t("ui.explore.crosstab_note", language,
                 denominator=t(f"denominator.{view.denominator}", language)))
    layout.table_block(tables.crosstab_frame(data.distribution(view, [chosen.id]), view.by, language, data.threshold(survey)),
                       f"{chosen.id}-krysstabell", language, scrollable=True)
