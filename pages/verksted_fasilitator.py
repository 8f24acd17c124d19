"""Verksted – fasilitator: open a live scoring session and hand out its way in (a QR code and a
short code for the room, one code and link per group, a printable A4 sheet per group); see
which groups have submitted and when; lock each group to its first device and release one;
close, reopen, reset or delete sessions; download their scores. Every action needs the
facilitator PIN, which the store checks each time; the PIN stays in this browser session,
never in a URL.
"""

import pandas as pd
import streamlit as st

from report import keys
from report.strings import t
from workshop.store import WorkshopError, default_areas, format_code
from dashboard import layout
from dashboard import workshop_pages as wp
from dashboard import workshop_room as room
from report.workshop_figures import matrix_figure

survey, view = layout.page()
language = view.language
layout.page_title("verksted_fasilitator", language)
store = wp.store()

if not store.facilitator_configured:
    st.info(t("workshop.error.no_pin_configured", language), icon=":material/lock:")
    st.stop()

pin = st.session_state.get(keys.PIN_STATE)
if pin is None:
    with st.form("facilitator-login"):
        typed = st.text_input(t("ui.workshop.pin_label", language), type="password")
        if st.form_submit_button(t("ui.workshop.pin_button", language), type="primary"):
            try:
                store.check_pin(typed, who=wp.pin_client())  # wrong tries: back-off, then a logged lock-out
            except WorkshopError as error:
                wp.show_error(error, language)
            else:
                st.session_state[keys.PIN_STATE] = typed
                st.rerun()
    st.stop()

wp.short_pin_warning(language)
if st.button(t("ui.workshop.logout", language), icon=":material/logout:"):
    del st.session_state[keys.PIN_STATE]
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
    areas_default = pd.DataFrame(default_areas(bundled), columns=["area", "sector", "area_en", "sector_en"])
    areas = right.data_editor(
        areas_default, num_rows="dynamic", hide_index=True, width="stretch", key="new-session-areas",
        column_config={"area": st.column_config.TextColumn(t("workshop.col.area", language), required=True, width="large"),
                       "sector": st.column_config.TextColumn(t("workshop.col.sector", language)),
                       "area_en": st.column_config.TextColumn(t("ui.workshop.col.area_en", language), width="medium"),
                       "sector_en": st.column_config.TextColumn(t("ui.workshop.col.sector_en", language))},
    )
    right.caption(t("ui.workshop.areas_help", language, count=len(areas_default), year=bundled.meta.get("year", "")))
    lock = st.checkbox(t("ui.workshop.lock_label", language), value=True, help=t("ui.workshop.lock_help", language))
    if st.form_submit_button(t("ui.workshop.open_button", language), type="primary", icon=":material/play_arrow:"):
        rows = [tuple("" if pd.isna(v) else str(v) for v in row) for row in
                areas[["area", "sector", "area_en", "sector_en"]].itertuples(index=False) if not pd.isna(row[0])]
        try:
            opened = store.open_session(pin, name, groups_text.splitlines(), rows, lock_devices=lock)
        except WorkshopError as error:
            wp.show_error(error, language)
        else:
            st.success(t("ui.workshop.opened", language, name=opened.name), icon=":material/check_circle:")

# ------------------------------------------------------------------------- the sessions
st.html(room.ROOM_CSS)  # the join corner's look, as on the projector
st.header(t("ui.workshop.sessions", language), divider="gray")
try:
    sessions = store.list_sessions(pin)
except WorkshopError as error:  # e.g. the PIN was changed in the configuration meanwhile
    wp.show_error(error, language)
    st.session_state.pop(keys.PIN_STATE, None)
    st.stop()
if not sessions:
    st.caption(t("ui.workshop.no_sessions", language))


def act(action: str, session_name: str) -> None:
    """Run a facilitator action from a button; the message is shown on the next run."""
    try:
        getattr(store, f"{action}_session")(st.session_state.get(keys.PIN_STATE), session_name)
        st.session_state[keys.FLASH_KEY] = ("success", t(f"ui.workshop.done.{action}", language, name=session_name))
    except WorkshopError as error:
        st.session_state[keys.FLASH_KEY] = ("error", error.describe(language))


def set_lock(session_name: str, key: str) -> None:
    try:
        store.lock_session(st.session_state.get(keys.PIN_STATE), session_name, bool(st.session_state.get(key)))
    except WorkshopError as error:
        st.session_state[keys.FLASH_KEY] = ("error", error.describe(language))


def release(session_name: str, key: str) -> None:
    group = st.session_state.get(key)
    if not group:
        return
    try:
        store.release_group(st.session_state.get(keys.PIN_STATE), session_name, group)
        st.session_state[keys.FLASH_KEY] = ("success", t("ui.workshop.done.release", language, group=group))
    except WorkshopError as error:
        st.session_state[keys.FLASH_KEY] = ("error", error.describe(language))


def groups_table(session, status: pd.DataFrame) -> pd.DataFrame:
    """Who has submitted and when, with each group's own code and link."""
    codes = dict(session.group_codes)
    return pd.DataFrame({
        t("ui.col.group", language): status["group"],
        t("ui.workshop.col.delivered", language): [
            wp.local_time(when, language, seconds=False) if pd.notna(when) else "–" for when in status["submitted_at"]],
        t("ui.workshop.col.areas_scored", language): [f"{n} / {len(session.areas)}" for n in status["areas"]],
        t("ui.workshop.col.device", language): [t("ui.workshop.device_held" if held else "ui.workshop.device_free",
                                                  language) for held in status["claimed"]],
        t("ui.workshop.col.code", language): [format_code(codes.get(g, "")) for g in status["group"]],
        t("ui.workshop.col.link", language): [wp.join_link(codes[g]) if g in codes else "" for g in status["group"]],
    })


flash = st.session_state.pop(keys.FLASH_KEY, None)
if flash:
    (st.success if flash[0] == "success" else st.error)(flash[1])

for session in sessions:
    scores = store.current_scores(session)
    status = t(f"ui.workshop.status.{session.status}", language)
    groups = store.group_status(session)
    with st.container(border=True):
        st.subheader(f"{session.name} · {status}")
        st.caption(t("ui.workshop.session_facts", language, groups=len(session.groups), areas=len(session.areas),
                     submitted=int((groups["areas"] > 0).sum()), cells=len(scores)))
        join, links = st.columns([1, 2], gap="large")
        with join:
            room.join_panel(session, language)
        with links:
            st.markdown(f"**{t('ui.workshop.join_link', language)}**")
            st.code(wp.join_link(session.join_code), language=None, wrap_lines=True)
            st.markdown(f"**{t('ui.workshop.presenter_link', language)}**")
            st.code(wp.presenter_link(session.join_code), language=None, wrap_lines=True)
            st.caption(t("ui.workshop.presentation_hint", language, link=wp.presentation_link(session.join_code)))
        st.markdown(f"**{t('ui.workshop.groups_title', language)}**")
        st.dataframe(groups_table(session, groups), hide_index=True, width="stretch", key=f"groups-{session.id}",
                     column_config={t("ui.workshop.col.link", language): st.column_config.LinkColumn()})
        lock_key, release_key = f"lock-{session.id}", f"release-group-{session.id}"
        st.session_state[lock_key] = session.lock_devices
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.toggle(t("ui.workshop.lock_label", language), key=lock_key, on_change=set_lock,
                      args=(session.name, lock_key), help=t("ui.workshop.lock_help", language))
            if session.claimed:
                st.selectbox(t("ui.workshop.release_label", language), list(session.claimed), key=release_key,
                             index=None, placeholder=t("ui.workshop.release_placeholder", language))
                st.button(t("ui.workshop.release", language), key=f"release-{session.id}", on_click=release,
                          args=(session.name, release_key), icon=":material/lock_reset:")
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
