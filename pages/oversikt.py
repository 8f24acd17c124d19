"""Oversikt: who was asked and who answered, what the data are, and how to read the charts."""

import streamlit as st

from analysis.formatting import format_number, format_share
from report.strings import t
from analysis.overview import response_summary
from analysis.safe_text import markdown
from report import charts, numbers
from dashboard import data, layout

survey, view = layout.page()
language, min_n = view.language, data.threshold(survey)
layout.page_title("oversikt", language)
downloads = st.container()

# The tiles follow the selection when its invited and answered can be summed from shown rows;
# otherwise they count the whole survey and the scope line says so.
chosen = numbers.selection_summary(survey, view, data.respondents(view))
summary = chosen or response_summary(survey)
st.header(markdown(survey.meta_text("title", language)))
invited, answered, rate = st.columns(3)
invited.metric(t("ui.overview.invited", language), format_number(summary["invited"], language) or "–")
answered.metric(t("ui.overview.answered", language), format_number(summary["answered"], language))
rate.metric(t("ui.overview.response_rate", language), format_share(summary["response_rate"], language) or "–")
scope = charts.selection_text(view) if chosen else charts.scope_line(survey, view, "tiles")
if scope:
    st.caption(markdown(scope))

respondents = layout.drawn_chart(charts.respondents_slot(), survey, view)
layout.chart_block(respondents, language)
layout.page_downloads(downloads, [respondents], "oversikt", survey, view)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("ui.overview.data_title", language))
    layout.provenance(survey, language)
with right:
    st.subheader(t("ui.overview.howto_title", language))
    st.markdown(charts.howto_text(survey, language, min_n))
    st.markdown(f"**{t('notice.explain_title', language)}**")
    st.markdown(t("notice.explain", language, k=min_n))
