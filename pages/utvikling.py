"""Utvikling: how each item changed from one survey round to the next, per group.

For a survey with rounds (a round column named in meta, or several files uploaded together):
the share per round with its 95 % interval, side by side per group, and the change between
consecutive rounds with its Newcombe interval and Fisher's exact p — all from the same
protected table, so a hidden group is hidden in the chart and the test alike. Items asked
in only some rounds are listed, not dropped. Without rounds the page says how to add them.
"""

import streamlit as st

from report.strings import markdown_t, t
from analysis.rounds import changes_between_rounds, round_column, round_coverage
from dashboard import data, layout, state
from dashboard.downloads import static_table
from report import charts, keys, labels, rounds

survey, view = layout.page()
language, min_n = view.language, data.threshold(survey)
layout.page_title("utvikling", language)

column = round_column(survey)
if column is None:
    st.info(t("ui.rounds.none", language), icon=":material/timeline:")
    with st.expander(t("ui.rounds.docs", language), expanded=True, icon=":material/description:"):
        st.markdown(t("ui.rounds.howto", language))
    st.page_link("pages/data.py", label=t("ui.rounds.to_data", language), icon=":material/upload_file:")
    st.stop()

chosen_rounds = dict(view.filters).get(column) or ()
in_view = [r for r in survey.breakdowns[column].values if not chosen_rounds or r in chosen_rounds]
round_name = labels.breakdown_label(survey, column, language)
if len(in_view) < 2:
    st.info(markdown_t("ui.rounds.too_few", language, rounds=", ".join(in_view) or "–", name=round_name),
            icon=":material/filter_alt:")
    st.stop()

coverage = round_coverage(survey)
asked_in_all = {row.item_id for row in coverage.itertuples() if set(in_view) <= set(row.rounds)}
items = {item.id: item for item in survey.ordered_items() if item.id in asked_in_all}
groups = tuple(b for b in view.by if b != column)
by = (*groups, column)
st.caption(markdown_t("ui.rounds.how_to_read", language, rounds=" → ".join(in_view)))

if items:
    chosen = items[state.bound_selectbox(st, t("ui.explore.item", language), list(items), keys.ROUNDS_ITEM_KEY,
                                         lambda item_id: rounds.item_choice(items[item_id], language))]
    layout.notices(language)
    table = data.headline(view, list(items), by)
    table = table[table[column].isin(in_view)]
    changes = changes_between_rounds(table, column, in_view, groups)
    slot = charts.Slot(f"{chosen.id}-runder", charts.ROUNDS, item=chosen.id, round_column=column)
    layout.chart_block(charts.build(slot, survey, view, data, rows=table), language)

    st.header(t("ui.rounds.change_title", language))
    mine = changes[changes["item_id"] == chosen.id] if len(changes) else changes
    layout.table_block(rounds.changes_frame(mine, groups, survey, language, min_n), f"{chosen.id}-endring", language,
                       scrollable=True)
    with st.expander(t("ui.rounds.all_items", language, count=len(items)), icon=":material/table:"):
        layout.table_block(rounds.changes_frame(changes, groups, survey, language, min_n), "endring-alle", language,
                           scrollable=True)
else:
    st.info(t("ui.rounds.no_common_items", language), icon=":material/info:")

partial = rounds.coverage_frame(coverage, survey, language)
if len(partial):
    st.header(t("ui.rounds.partial_title", language))
    st.caption(t("ui.rounds.partial_note", language))
    static_table(partial)
