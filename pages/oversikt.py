"""Oversikt: who was asked and who answered, what the data are, and how to read the charts."""

import streamlit as st

from analysis.formatting import format_number, format_share
from analysis.i18n import t
from analysis.overview import response_summary
from dashboard import data, figures, layout, tables, theme

survey, view = layout.page()
language, min_n = view.language, data.threshold(survey)
layout.page_title("oversikt", language)

summary = response_summary(survey)
st.subheader(survey.meta_text("title", language))
invited, answered, rate = st.columns(3)
invited.metric(t("ui.overview.invited", language), format_number(summary["invited"], language) or "–")
answered.metric(t("ui.overview.answered", language), format_number(summary["answered"], language))
rate.metric(t("ui.overview.response_rate", language), format_share(summary["response_rate"], language) or "–")

by = tuple(survey.breakdowns)[:2]
cells_and_totals = data.respondents(view)
cells = cells_and_totals[cells_and_totals["cell"]]
names = [tables.breakdown_label(survey, column, language).lower() for column in by]
layout.chart_block(
    figures.respondents_figure(cells, by=by, colours=theme.breakdown_colours(survey),
                               title=t("ui.overview.respondents_title", language, groups=" × ".join(names)),
                               subtitle=layout.subtitle(view, t("ui.overview.respondents_subtitle", language, k=min_n)),
                               language=language, min_n=min_n),
    tables.respondents_frame(cells_and_totals, by, survey, language, min_n), "respondenter", language)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("ui.overview.data_title", language))
    layout.provenance(survey, language)
with right:
    st.subheader(t("ui.overview.howto_title", language))
    st.markdown(t("ui.overview.howto", language, k=min_n))
