"""Verksted – visning: the presenter view for the projector. It reloads the session's scores
by itself every few seconds (`st.fragment(run_every=...)`) and shows the matrix, the ranking
and how many groups have scored each area. Opened with the session's join code, which it
also shows so that groups can join.
"""

import streamlit as st

from analysis.i18n import t
from dashboard import workshop_pages as wp

language, store, session = wp.live_page("verksted_visning")

left, right = st.columns([3, 2], gap="large")
left.header(session.name)
with right:
    st.markdown(f"**{t('ui.workshop.join_here', language)}**")
    st.code(wp.join_link(session.join_code), language=None, wrap_lines=True)
split = wp.split_control(language)


@st.fragment(run_every=wp.refresh_seconds())
def live() -> None:
    """Everything that changes while groups submit: reread on every tick."""
    live_state = wp.live_scores(store, session, language)
    if live_state is None:  # deleted meanwhile, or the database is away: said so, keep ticking
        return
    info, scores = live_state
    submitted = scores["group"].nunique()
    facts = st.columns(3)
    facts[0].metric(t("ui.workshop.groups_submitted", language), f"{submitted} / {len(info.groups)}")
    facts[1].metric(t("ui.workshop.status_label", language), t(f"ui.workshop.status.{info.status}", language))
    facts[2].metric(t("ui.workshop.updated", language), wp.local_time(scores["updated_at"].max(), language) if len(scores) else "–")
    table = wp.ranking(scores, info.areas_frame(), language, split)
    wp.matrix_and_ranking(wp.live_matrix_chart(info, scores, table, language, split), language=language, downloads=False)


live()
