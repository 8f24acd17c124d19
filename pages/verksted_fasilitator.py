"""Verksted – fasilitator: open a live scoring session and hand out its links; close, reopen,
reset or delete sessions; download their scores. Every action needs the facilitator PIN,
which the store checks each time; the PIN stays in this browser session, never in a URL.
"""

import pandas as pd
import streamlit as st

from analysis.i18n import t
from analysis.workshop_store import WorkshopError, default_areas
from dashboard import layout
from dashboard import workshop_pages as wp
from dashboard.workshop_figures import matrix_figure

survey, view = layout.page()
language = view.language
layout.page_title("verksted_fasilitator", language)
store = wp.store()

if not store.facilitator_configured:
    st.info(t("workshop.error.no_pin_configured", language), icon=":material/lock:")
    st.stop()

pin = st.session_state.get(wp.PIN_STATE)
if pin is None:
    with st.form("facilitator-login"):
        typed = st.text_input(t("ui.workshop.pin_label", language), type="password")
        if st.form_submit_button(t("ui.workshop.pin_button", language), type="primary"):
            try:
                store.check_pin(typed, who=wp.pin_client())  # wrong tries: back-off, then a logged lock-out
            except WorkshopError as error:
                wp.show_error(error, language)
            else:
                st.session_state[wp.PIN_STATE] = typed
                st.rerun()
    st.stop()

wp.short_pin_warning(language)
if st.button(t("ui.workshop.logout", language), icon=":material/logout:"):
    del st.session_state[wp.PIN_STATE]
    st.rerun()

# ------------------------------------------------------------------------- a new session
st.header(t("ui.workshop.new_session", language), divider="gray")
with st.form("new-session"):
    name = st.text_input(t("ui.workshop.session_name", language), placeholder=t("ui.workshop.session_name_example", language))
    left, right = st.columns([1, 2], gap="large")
    groups_text = left.text_area(t("ui.workshop.groups_label", language), height=300,
                                 value="\n".join(t("ui.workshop.group_default", language, n=i) for i in range(1, 10)),
                                 help=t("ui.workshop.groups_help", language))
    bundled = wp.bundled_workshop()
    areas_default = pd.DataFrame(default_areas(bundled), columns=["area", "sector"])
    areas = right.data_editor(
        areas_default, num_rows="dynamic", hide_index=True, width="stretch", key="new-session-areas",
        column_config={"area": st.column_config.TextColumn(t("workshop.col.area", language), required=True, width="large"),
                       "sector": st.column_config.TextColumn(t("workshop.col.sector", language))},
    )
    right.caption(t("ui.workshop.areas_help", language, count=len(areas_default), year=bundled.meta.get("year", "")))
    if st.form_submit_button(t("ui.workshop.open_button", language), type="primary", icon=":material/play_arrow:"):
        rows = [(str(a), "" if pd.isna(s) else str(s)) for a, s in zip(areas["area"], areas["sector"]) if not pd.isna(a)]
        try:
            opened = store.open_session(pin, name, groups_text.splitlines(), rows)
        except WorkshopError as error:
            wp.show_error(error, language)
        else:
            st.success(t("ui.workshop.opened", language, name=opened.name), icon=":material/check_circle:")

# ------------------------------------------------------------------------- the sessions
st.header(t("ui.workshop.sessions", language), divider="gray")
try:
    sessions = store.list_sessions(pin)
except WorkshopError as error:  # e.g. the PIN was changed in the configuration meanwhile
    wp.show_error(error, language)
    st.session_state.pop(wp.PIN_STATE, None)
    st.stop()
if not sessions:
    st.caption(t("ui.workshop.no_sessions", language))


def act(action: str, session_name: str) -> None:
    """Run a facilitator action from a button; the message is shown on the next run."""
    try:
        getattr(store, f"{action}_session")(st.session_state.get(wp.PIN_STATE), session_name)
        st.session_state["_workshop_flash"] = ("success", t(f"ui.workshop.done.{action}", language, name=session_name))
    except WorkshopError as error:
        st.session_state["_workshop_flash"] = ("error", error.describe(language))


flash = st.session_state.pop("_workshop_flash", None)
if flash:
    (st.success if flash[0] == "success" else st.error)(flash[1])

for session in sessions:
    scores = store.current_scores(session)
    status = t(f"ui.workshop.status.{session.status}", language)
    with st.container(border=True):
        st.subheader(f"{session.name} · {status}")
        st.caption(t("ui.workshop.session_facts", language, groups=len(session.groups), areas=len(session.areas),
                     submitted=scores["group"].nunique(), cells=len(scores)))
        st.markdown(f"**{t('ui.workshop.join_link', language)}**")
        st.code(wp.join_link(session.join_code), language=None, wrap_lines=True)
        st.markdown(f"**{t('ui.workshop.presenter_link', language)}**")
        st.code(wp.presenter_link(session.join_code), language=None, wrap_lines=True)
        buttons = st.columns(4)
        if session.is_open:
            buttons[0].button(t("ui.workshop.close", language), key=f"close-{session.id}", on_click=act,
                              args=("close", session.name), icon=":material/lock:")
        else:
            buttons[0].button(t("ui.workshop.reopen", language), key=f"reopen-{session.id}", on_click=act,
                              args=("reopen", session.name), icon=":material/lock_open:")
        confirm_reset = buttons[1].checkbox(t("ui.workshop.confirm_reset", language), key=f"confirm-reset-{session.id}")
        buttons[1].button(t("ui.workshop.reset", language), key=f"reset-{session.id}", on_click=act,
                          args=("reset", session.name), disabled=not confirm_reset, icon=":material/restart_alt:")
        confirm_delete = buttons[2].checkbox(t("ui.workshop.confirm_delete", language), key=f"confirm-delete-{session.id}")
        buttons[2].button(t("ui.workshop.delete", language), key=f"delete-{session.id}", on_click=act,
                          args=("delete", session.name), disabled=not confirm_delete, icon=":material/delete:")
        table = wp.ranking(scores, session.areas_frame(), language, "mean")
        figure = matrix_figure(table, title=session.name, language=language) if len(scores) else None
        wp.session_downloads(session, table, figure, language)
