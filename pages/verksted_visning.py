"""Verksted – visning: the presenter view for the projector. It reloads the session's scores
by itself every few seconds (`st.fragment(run_every=...)`) and shows the matrix, the ranking
and how many groups have scored each area. Opened with the session's join code, which it
also shows so that groups can join.
"""

import streamlit as st

from analysis.i18n import t
from analysis.workshop_store import WorkshopError
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
    try:
        info = store.session(session.name)
        scores = store.current_scores(info)
    except WorkshopError as error:  # deleted meanwhile, or the database is away: say so, keep ticking
        st.warning(error.describe(language), icon=":material/sync_problem:")
        return
    submitted = scores["group"].nunique()
    facts = st.columns(3)
    facts[0].metric(t("ui.workshop.groups_submitted", language), f"{submitted} / {len(info.groups)}")
    facts[1].metric(t("ui.workshop.status_label", language), t(f"ui.workshop.status.{info.status}", language))
    facts[2].metric(t("ui.workshop.updated", language), wp.local_time(scores["updated_at"].max(), language) if len(scores) else "–")
    table = wp.ranking(scores, info.areas_frame(), language, split)
    wp.matrix_and_ranking(
        table, language=language, split=split, name=f"live-{info.id}", downloads=False,
        title=t("ui.workshop.live_title", language, name=info.name),
        subtitle=wp.subtitle(t("ui.workshop.live_subtitle", language, groups=submitted, total=len(info.groups)),
                                 t(f"ui.workshop.split_note.{split}", language)),
    )


live()
