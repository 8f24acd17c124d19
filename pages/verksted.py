"""Verksted – delta: a group's phone. Opened from the QR code or the link (`?kode=`): the
session's code (then the group picks itself from the list) or the group's own code (then the
form is the group's). Each area is one card with potential and feasibility as ten tap targets
each — nothing else can be entered, and a tap reruns nothing (`on_change="ignore"`: the
values travel with the submit). The submit button sits in a bar at the bottom of the screen
(a fragment: pressing it reruns only the bar) with its result beside it: saved at HH:MM (and
that it replaced the group's earlier scores), or what is still missing, those cards framed
in red. The whole form is one submission, stored in one transaction or not at all; a group
can submit again until the facilitator closes the session.
"""

import html

import streamlit as st

from report import keys
from report.strings import t
from workshop.model import MEASURES, SCORE_MAX, SCORE_MIN, localised
from workshop.store import WorkshopError
from dashboard import workshop_pages as wp
from dashboard import workshop_room as room

language, bar = room.room_frame()
store, access = room.room_access(language, "verksted-code")
session = access.session

st.header(session.name)
if access.group is not None:
    group = access.group
    st.html(f"<p><strong>{html.escape(t('ui.workshop.group_label', language))}:</strong> {html.escape(group)}</p>")
else:
    group = st.selectbox(t("ui.workshop.group_label", language), list(session.groups), index=None, key=keys.GROUP_PARAM,
                         bind="query-params", placeholder=t("ui.workshop.group_placeholder", language))
if not session.is_open:
    st.warning(t("workshop.error.session_closed", language, name=session.name), icon=":material/lock:")
if group is None:
    st.info(t("ui.workshop.pick_group", language), icon=":material/group:")
    st.stop()

device = room.device_token(session)
try:
    current = store.current_scores(session)
except WorkshopError as error:  # the database went away after the session was read: a message, no traceback
    wp.show_error(error, language)
    st.stop()
mine = current[current["group"] == group].set_index("area")
if len(mine):
    st.caption(t("ui.workshop.saved_state", language, group=group, count=len(mine), total=len(session.areas),
                 time=wp.local_time(mine["updated_at"].max(), language, seconds=False)))
st.caption(t("ui.workshop.form_help", language, low=SCORE_MIN, high=SCORE_MAX))

names = localised(session.areas_frame(), language)
for index, (area, _sector) in enumerate(session.areas):
    saved = {measure: int(mine.loc[area, measure]) for measure in MEASURES} if area in mine.index else {}
    room.score_card(session, group, index, names.iloc[index], saved, language)


@st.fragment
def submit_bar() -> None:
    """The button and its result: pressing it reruns only this bar, so the cards (260 tap
    targets) are not sent and drawn again; their values come with the press."""
    with st.container(key="submit-bar"):
        st.button(t("ui.workshop.submit", language), type="primary", disabled=not session.is_open,
                  icon=":material/send:", width="stretch", on_click=room.submit_form,
                  args=(store, session, (st.query_params.get(wp.CODE_PARAM) or "").strip(), group, device, language))
        result = st.session_state.get(room.RESULT_STATE)
        if result and (result["group"], result["epoch"]) == (group, session.epoch):
            (st.success if result["kind"] == "success" else st.error)(
                result["text"], icon=":material/check_circle:" if result["kind"] == "success" else ":material/error:")
            if result["kind"] == "error":
                st.html(room.missing_css(result["missing"], language))


submit_bar()
