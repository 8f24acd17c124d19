"""Verksted – delta: a group's phone. Opened from the QR code or the link (`?kode=`): the
session's code (then the group picks itself from the list) or the group's own code (then the
form is the group's). Each area is one card with potential and feasibility as ten tap targets
each — nothing else can be entered. The submit button sits in a bar at the bottom of the
screen with its result beside it: saved at HH:MM (and that it replaced the group's earlier
scores), or what is still missing. The whole form is one submission, stored in one
transaction or not at all; a group can submit again until the facilitator closes the session.
"""

import html

import streamlit as st

from analysis.i18n import t
from analysis.workshop import MEASURES, SCORE_MAX, SCORE_MIN, localised
from dashboard import workshop_pages as wp
from dashboard import workshop_room as room

language, bar = room.room_frame()
store, access = room.room_access(language, "verksted-code")
session = access.session

st.subheader(session.name)
if access.group is not None:
    group = access.group
    st.html(f"<p><strong>{html.escape(t('ui.workshop.group_label', language))}:</strong> {html.escape(group)}</p>")
else:
    group = st.selectbox(t("ui.workshop.group_label", language), list(session.groups), index=None, key="gruppe",
                         bind="query-params", placeholder=t("ui.workshop.group_placeholder", language))
if not session.is_open:
    st.warning(t("workshop.error.session_closed", language, name=session.name), icon=":material/lock:")
if group is None:
    st.info(t("ui.workshop.pick_group", language), icon=":material/group:")
    st.stop()

device = room.device_token(session)
current = store.current_scores(session)
mine = current[current["group"] == group].set_index("area")
if len(mine):
    st.caption(t("ui.workshop.saved_state", language, group=group, count=len(mine), total=len(session.areas),
                 time=wp.local_time(mine["updated_at"].max(), language, seconds=False)))
st.caption(t("ui.workshop.form_help", language, low=SCORE_MIN, high=SCORE_MAX))

result = st.session_state.get(room.RESULT_STATE)
if result and (result["group"], result["epoch"]) != (group, session.epoch):
    result = None
missing = result["missing"] if result and result["kind"] == "error" else []
names = localised(session.areas_frame(), language)
with st.form(f"scores-{session.id}-{group}", border=False, enter_to_submit=False):
    for index, (area, _sector) in enumerate(session.areas):
        saved = {measure: int(mine.loc[area, measure]) for measure in MEASURES} if area in mine.index else {}
        room.score_card(session, group, index, names.iloc[index], saved, language,
                        {measure for i, measure in missing if i == index})
    with st.container(key="submit-bar"):
        st.form_submit_button(t("ui.workshop.submit", language), type="primary", disabled=not session.is_open,
                              icon=":material/send:", width="stretch", on_click=room.submit_form,
                              args=(store, session, (st.query_params.get(wp.CODE_PARAM) or "").strip(), group,
                                    device, language))
        if result:
            (st.success if result["kind"] == "success" else st.error)(
                result["text"], icon=":material/check_circle:" if result["kind"] == "success" else ":material/error:")
if missing:
    st.html(room.missing_css([i for i, _ in missing]))
