"""Verksted – delta: a group opens the join link, picks its group and scores every area on
potential and feasibility (whole numbers 1–10). It can revise its scores until the
facilitator closes the session. The whole form is one submission, stored in one
transaction; invalid values get a message per field and nothing is stored.
"""

import streamlit as st

from analysis.i18n import t
from analysis.workshop import MEASURES, SCORE_MAX, SCORE_MIN
from analysis.workshop_store import InvalidScores, WorkshopError
from dashboard import workshop_pages as wp

language, store, session = wp.live_page("verksted")

st.header(session.name)
group = st.selectbox(t("ui.workshop.group_label", language), list(session.groups), index=None, key="gruppe",
                     bind="query-params", placeholder=t("ui.workshop.group_placeholder", language))
if not session.is_open:
    st.warning(t("workshop.error.session_closed", language, name=session.name), icon=":material/lock:")
if group is None:
    st.info(t("ui.workshop.pick_group", language), icon=":material/group:")
    st.stop()

try:
    current = store.current_scores(session)
except WorkshopError as error:  # the database went away after the session was read: a message, no traceback
    wp.show_error(error, language)
    st.stop()
mine = current[current["group"] == group].set_index("area")
receipt = st.session_state.pop("_workshop_receipt", None)
if receipt and receipt[0] == (session.id, group):
    st.success(t("ui.workshop.saved", language, time=receipt[1]), icon=":material/check_circle:")
if len(mine):
    st.caption(t("ui.workshop.saved_state", language, group=group, count=len(mine), total=len(session.areas),
                 time=wp.local_time(mine["updated_at"].max(), language)))

prefix = f"score-{session.id}-{session.epoch}-{group}"
with st.form(f"scores-{session.id}-{group}"):
    st.caption(t("ui.workshop.form_help", language, low=SCORE_MIN, high=SCORE_MAX))
    for index, (area, sector) in enumerate(session.areas):
        st.markdown(f"**{area}**" + (f"  \n:gray[{sector}]" if sector else ""))
        cells = st.columns(2)
        for cell, measure in zip(cells, MEASURES):
            saved = mine[measure].get(area) if len(mine) else None
            cell.number_input(t(f"workshop.measure.{measure}", language), min_value=SCORE_MIN, max_value=SCORE_MAX,
                              step=1, value=None if saved is None else int(saved), key=f"{prefix}-{index}-{measure}",
                              placeholder=f"{SCORE_MIN}–{SCORE_MAX}", disabled=not session.is_open)
    submitted = st.form_submit_button(t("ui.workshop.submit", language), type="primary", disabled=not session.is_open,
                                      icon=":material/send:")

if submitted:
    entered = {}
    for index, (area, _sector) in enumerate(session.areas):
        values = [st.session_state.get(f"{prefix}-{index}-{measure}") for measure in MEASURES]
        if any(value is not None for value in values):
            entered[area] = tuple(values)
    try:
        done = store.submit(session.join_code, group, entered)
    except InvalidScores as error:
        st.error(error.describe(language), icon=":material/error:")
    except WorkshopError as error:
        wp.show_error(error, language)
    else:
        st.session_state["_workshop_receipt"] = ((session.id, group), wp.local_time(done.submitted_at, language))
        st.rerun()
