"""The workshop room: the projector view and the phone form, as the room sees them.

Both pages are opened from a link or a QR code by people who have not seen the dashboard:
`room_frame` draws them without the sidebar, the survey's filters and its "reconstructed
data" banner (live scores are real), with only a language switch. The projector view
(`projector`) is one implementation for the presenter link and presentation mode's live
slide: the whole matrix and the ranked list side by side at 1920×1080, the live line "6 av 9
grupper har levert", and the join QR code with the short code in large type in a corner
(hideable). It rereads the store in a fragment (`st.fragment(run_every=...)`): no page reload.

The phone form's pieces are here too: the device token (for the device lock) and the
submission, which runs in the submit button's callback so the cards can mark what is missing
and the result is shown in the bar that holds the button.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from analysis.formatting import format_number
from analysis.i18n import DEFAULT_LANGUAGE, LANGUAGES
from report.strings import t
from workshop.model import MEASURES, SCORE_MAX, SCORE_MIN, localised, rank_labels
from workshop.store import Access, InvalidScores, SessionInfo, WorkshopError, format_code, group_status
from dashboard import layout, state
from report import theme
from dashboard import workshop_pages as wp
from report.workshop_figures import label_colour, matrix_figure, sector_colours
from exports.join_sheet import address_of, qr_data_uri

from report.labels import joined
from report.keys import DEVICE_PARAM, DEVICE_STATE_KEY, QR_PARAM
PROJECTOR_HEIGHT = 940  # px of the matrix on the presenter page at 1080 px (header above it)
PRESENTATION_HEIGHT = 860  # … under presentation mode's Previous / Next bar
PROJECTOR_SCALE = 1.45
PLOT_CONFIG = {"displaylogo": False, "displayModeBar": False}
RESULT_STATE = "_workshop_result"

# The room's pages: no sidebar, header or toolbar; the page edge to edge.
FRAME_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stSidebarNav"], #MainMenu, footer {
  display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 1.6rem 0.4rem 1.6rem !important; max-width: 100% !important; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: 0.4rem 0.7rem 0 0.7rem !important; } }
</style>
"""

# The projector's live line, join corner and ranked list; the phone's cards (ten equal tap
# targets in a row) and its submit bar, which sticks to the bottom of the screen so the button
# and its result are always in view (the sticky box is the one in the page's own column: the
# bar sits in a fragment, whose wrapper is only as tall as the bar).
ROOM_CSS = """
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #4F5964 !important; opacity: 1 !important; }
.ws-live { font-size: 2.3rem; font-weight: 700; color: #1F2933; margin: 0; line-height: 1.2; }
.ws-updated { font-size: 1.15rem; color: #5C6670; margin: 0; }
.ws-join { display: flex; gap: 1.2rem; align-items: center; border: 2px solid #1F2933; border-radius: 0.6rem;
  padding: 0.6rem 0.9rem; background: #FFFFFF; }
.ws-join img { width: 190px; height: 190px; flex: none; }
.ws-join-code { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 3.1rem; font-weight: 700;
  letter-spacing: 0.08em; color: #1F2933; line-height: 1.1; margin: 0.2rem 0; }
.ws-join-text { font-size: 1.2rem; color: #1F2933; margin: 0; }
.ws-join-address { font-size: 1.1rem; color: #3E4A56; margin: 0; word-break: break-all; }
table.ws-ranking { border-collapse: collapse; width: 100%; font-size: 1.32rem; color: #1F2933; }
table.ws-ranking th { text-align: left; font-size: 1.05rem; color: #3E4A56; font-weight: 600;
  border-bottom: 2px solid #1F2933; padding: 0.15rem 0.4rem; }
table.ws-ranking td { padding: 0.17rem 0.4rem; border-bottom: 1px solid #E4E7EB; vertical-align: middle; }
table.ws-ranking td.ws-score, table.ws-ranking th.ws-score { text-align: right; font-variant-numeric: tabular-nums; }
table.ws-ranking tr.ws-unscored td { color: #5C6670; }
.ws-badge { display: inline-block; min-width: 2.6rem; padding: 0.08rem 0.3rem; border-radius: 1.2rem;
  text-align: center; font-weight: 700; }
.ws-area { font-weight: 700; font-size: 1.05rem; margin: 0; color: #1F2933; }
.ws-sector { font-size: 0.9rem; color: #5C6670; margin: 0; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > [data-testid="stLayoutWrapper"]:has(.st-key-submit-bar) {
  position: sticky; bottom: 0; z-index: 20; }
.st-key-submit-bar { background: #FFFFFF; border-top: 1px solid #D4D8DD; padding: 0.5rem 0 0.6rem 0;
  box-shadow: 0 -0.4rem 0.6rem rgba(255, 255, 255, 0.9); }
.st-key-submit-bar [data-testid="stAlert"] { margin: 0; }
[class*="st-key-card-"] [role="radiogroup"] { display: grid !important; grid-template-columns: repeat(10, minmax(0, 1fr));
  width: 100%; }
[class*="st-key-card-"] [role="radiogroup"] button { min-width: 0 !important; min-height: 2.75rem; padding: 0 !important; }
[class*="st-key-card-"] [role="radiogroup"] button p { font-size: 1.05rem; }
[class*="st-key-card-"] [role="radiogroup"] button[aria-checked="true"] { background: #0B5C8E !important;
  border-color: #0B5C8E !important; }
[class*="st-key-card-"] [role="radiogroup"] button[aria-checked="true"] p { color: #FFFFFF !important; font-weight: 700; }
@media (max-width: 640px) { [class*="st-key-card-"] { padding: 0.6rem 0.6rem !important; } }
</style>
"""


# ------------------------------------------------------------------------------ the frame


def room_frame():
    """The start of the participant and projector pages: no sidebar, no survey banner or
    filters, a language switch (the `lang` link parameter, as on every page) in a bar at the
    top right. Returns the language and the bar (the projector adds its QR switch there)."""
    layout.ensure_entrypoint()
    st.html(FRAME_CSS + ROOM_CSS)
    bar = st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center", key="room-bar")
    language = bar.segmented_control(
        t("ui.language.label"), list(LANGUAGES), format_func=LANGUAGES.get, key=state.LANGUAGE_KEY,
        required=True, bind="query-params", label_visibility="collapsed",
        # a default besides a value already set (`?lang=en` sets it first) makes Streamlit warn
        **({} if state.LANGUAGE_KEY in st.session_state else {"default": DEFAULT_LANGUAGE}))
    return language or DEFAULT_LANGUAGE, bar


def room_access(language: str, key: str) -> tuple[wp.WorkshopStore, Access]:
    """The store and what the link's (or a typed) join code opens; the page ends with a message
    or the code form when there is none."""
    opened = wp.store()
    access = wp.access_for_code(language, key)
    if access is None:
        st.stop()
    return opened, access


# ------------------------------------------------------------------------------ joining


def join_panel(session: SessionInfo, language: str) -> None:
    """The corner the room joins by: the QR code of the join link, the short code in large type
    and the address to type it at."""
    link = wp.join_link(session.join_code)
    code = html.escape(format_code(session.join_code))
    st.html(
        f"<div class='ws-join'><img src='{qr_data_uri(link)}' "
        f"alt='{html.escape(t('ui.workshop.qr_alt', language), quote=True)}'>"
        f"<div><p class='ws-join-text'>{html.escape(t('ui.workshop.join_scan', language))}</p>"
        f"<p class='ws-join-code' data-code='{html.escape(session.join_code, quote=True)}'>{code}</p>"
        f"<p class='ws-join-address'>{html.escape(address_of(wp.participant_address()))}</p></div></div>")


# ------------------------------------------------------------------------------ the projector


def live_line(status: pd.DataFrame, info: SessionInfo, language: str) -> tuple[str, str]:
    """«6 av 9 grupper har levert» and when the last one did (or that the session is closed)."""
    submitted = int((status["areas"] > 0).sum())
    line = t("ui.workshop.delivered", language, groups=submitted, total=len(status))
    last = status["submitted_at"].max()
    when = t("ui.workshop.last_at", language, time=wp.local_time(last, language, seconds=False)) if pd.notna(last) else ""
    state_text = t("ui.workshop.final" if not info.is_open else "ui.workshop.open_now", language)
    return line, joined((state_text, when))


def ranking_html(table: pd.DataFrame, language: str) -> str:
    """The ranked list for the room: rank (the marker's colour and label, «7=» for a shared
    rank), short name, score; areas not scored yet last, greyed. Names are escaped: text."""
    named = localised(table, language)
    labels = rank_labels(named["rank"])
    colours = sector_colours(named.sort_values("order", kind="stable")["sector"].tolist())
    head = "".join(f"<th scope='col'{cls}>{html.escape(t(key, language))}</th>" for key, cls in (
        ("workshop.col.rank", ""), ("workshop.col.area", ""), ("ui.workshop.col.score_short", " class='ws-score'")))
    rows = []
    for label, (_, row) in zip(labels, named.iterrows()):
        if row["groups"] == 0:
            rows.append(f"<tr class='ws-unscored'><td>–</td><td>{html.escape(row['short'])}</td>"
                        f"<td class='ws-score'>–</td></tr>")
            continue
        fill = colours.get(row["sector"], theme.TOTAL_COLOUR)
        badge = f"<span class='ws-badge' style='background:{fill};color:{label_colour(fill)}'>{html.escape(label)}</span>"
        rows.append(f"<tr><td>{badge}</td><td>{html.escape(row['short'])}</td>"
                    f"<td class='ws-score'>{format_number(row['mean_score'], language, 1)}</td></tr>")
    caption = html.escape(t("ui.workshop.ranking_title", language))
    return (f"<table class='ws-ranking' aria-label='{caption}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def projector_figure(table: pd.DataFrame, language: str, split: str, height: int):
    """The live matrix sized for the projector: `height` px in all."""
    return matrix_figure(table, split=split, title=t("ui.workshop.matrix_title", language),
                         subtitle=t(f"ui.workshop.split_note.{split}", language), language=language,
                         scale=PROJECTOR_SCALE, height=height, title_width=70, aspect=1.25)


@st.cache_resource(max_entries=64, show_spinner=False)
def drawn(version: tuple, language: str, split: str, height: int, _scores: pd.DataFrame,
          _areas: pd.DataFrame):
    """The matrix and the ranked list for one state of a session's scores: drawn once per
    change, not on every tick of every projector (`version` names the state; the frames
    behind it are not hashed). Shared read-only: nothing changes a drawn figure."""
    table = wp.ranking(_scores, _areas, language, split)
    return projector_figure(table, language, split, height), ranking_html(table, language)


def projector(store, session: SessionInfo, language: str, *, controls=None, height: int = PROJECTOR_HEIGHT,
              key: str = "projector") -> None:
    """The projector view of a live session (presenter link and presentation mode alike).
    `controls`: where the QR switch goes (the room's top bar; else a row of its own)."""
    split = wp.split_from_url(language)
    st.html(ROOM_CSS)  # again for presentation mode, which has its own frame
    controls = controls or st.container(horizontal=True, horizontal_alignment="right", key=f"{key}-controls")
    show_qr = controls.toggle(t("ui.workshop.show_qr", language), value=True, key=QR_PARAM, bind="query-params")

    @st.fragment(run_every=wp.refresh_seconds())
    def live() -> None:
        """Everything that changes while groups submit: reread on every tick."""
        live_state = wp.live_scores(store, session, language)
        if live_state is None:  # deleted meanwhile, or the database is away: said so, keep ticking
            return
        info, scores = live_state
        status = group_status(info, scores)
        line, note = live_line(status, info, language)
        version = (info.id, info.epoch, info.areas, info.areas_en, len(scores), str(scores["updated_at"].max()))
        figure, ranked = drawn(version, language, split, height - 80, scores, info.areas_frame())
        left, right = st.columns([1.62, 1], gap="medium")
        with left:
            st.html(f"<p class='ws-live' role='status'>{html.escape(line)}</p>"
                    f"<p class='ws-updated'>{html.escape(info.name)} · {html.escape(note)}</p>")
            st.plotly_chart(figure, theme=None, key=f"{key}-matrix", config=PLOT_CONFIG)
        with right:
            if show_qr and info.is_open:
                join_panel(info, language)
            st.html(ranked)

    live()


# ------------------------------------------------------------------------------ the phone


def device_token(session: SessionInfo) -> str | None:
    """This phone's token under the device lock: kept in the link (`?enhet=`), so a reload or a
    return to the tab keeps it; made once per browser session. None without the lock."""
    if not session.lock_devices:
        return None
    token = (st.query_params.get(DEVICE_PARAM) or "").strip() or st.session_state.get(DEVICE_STATE_KEY)
    if not token:
        token = secrets.token_urlsafe(16)
    st.session_state[DEVICE_STATE_KEY] = token
    if st.query_params.get(DEVICE_PARAM) != token:
        st.query_params[DEVICE_PARAM] = token
    return token


def score_key(session: SessionInfo, group: str, index: int, measure: str) -> str:
    return f"score-{session.id}-{session.epoch}-{group}-{index}-{measure}"


def missing_entries(session: SessionInfo, group: str) -> list[tuple[int, str]]:
    """(area index, measure) of every choice not made yet in the form."""
    return [(index, measure) for index in range(len(session.areas)) for measure in MEASURES
            if st.session_state.get(score_key(session, group, index, measure)) is None]


def submit_form(store, session: SessionInfo, code: str, group: str, device: str | None, language: str) -> None:
    """The submit button's callback: the whole form or nothing, the outcome kept for the bar."""
    missing = missing_entries(session, group)
    result: dict = {"group": group, "epoch": session.epoch, "missing": missing}
    if missing:
        result.update(kind="error", text=missing_text(session, missing, language))
    else:
        entered = {area: tuple(st.session_state.get(score_key(session, group, index, m)) for m in MEASURES)
                   for index, (area, _sector) in enumerate(session.areas)}
        try:
            receipt = store.submit(code, group, entered, device=device, complete=True)
        except InvalidScores as error:
            result.update(kind="error", text=error.describe(language))
        except WorkshopError as error:
            result.update(kind="error", text=error.describe(language))
        else:
            text = t("ui.workshop.saved", language, time=wp.local_time(receipt.submitted_at, language, seconds=False))
            if receipt.replaced:
                text += " " + t("ui.workshop.replaced", language,
                                time=wp.local_time(receipt.previous_at, language, seconds=False))
            result.update(kind="success", text=text)
    st.session_state[RESULT_STATE] = result


def missing_text(session: SessionInfo, missing: Sequence[tuple[int, str]], language: str) -> str:
    """«Velg poeng for 3 av 26: Jordmor – gjennomførbarhet, …» (the first few named)."""
    names = localised(session.areas_frame(), language)["short"].tolist()
    named = [f"{names[index]} – {t(f'workshop.measure.{measure}', language).lower()}" for index, measure in missing[:3]]
    more = t("ui.workshop.missing_more", language, count=len(missing) - 3) if len(missing) > 3 else ""
    return t("ui.workshop.missing", language, count=len(missing), total=len(session.areas) * len(MEASURES),
             names="; ".join(named) + more) + " " + t("ui.workshop.nothing_saved", language)


def score_card(session: SessionInfo, group: str, index: int, names: pd.Series, saved: dict, language: str) -> None:
    """One area: its name and sector, and potential and feasibility as ten tap targets each.
    A tap changes nothing on the server (`on_change="ignore"`); the submit sends the values."""
    with st.container(border=True, key=f"card-{index}"):
        sector = f"<p class='ws-sector'>{html.escape(names['sector_label'])}</p>" if names["sector_label"] else ""
        st.html(f"<p class='ws-area'>{html.escape(names['label'])}</p>{sector}")
        for measure in MEASURES:
            st.segmented_control(
                t(f"workshop.measure.{measure}", language), list(range(SCORE_MIN, SCORE_MAX + 1)),
                default=saved.get(measure), key=score_key(session, group, index, measure), width="stretch",
                disabled=not session.is_open, on_change="ignore")


def _css_text(text: str) -> str:
    """Text for a CSS `content` value: quotes and backslashes escaped, no markup possible."""
    return "".join(ch if ch.isalnum() or ch in " –-.,:;()" else f"\\{ord(ch):x} " for ch in text)


def missing_css(missing: Sequence[tuple[int, str]], language: str) -> str:
    """A red frame round the cards still missing a choice, and a line saying so at their top
    (from the submit bar's fragment: the cards themselves are not drawn again)."""
    selectors = [f".st-key-card-{i}" for i in sorted({index for index, _ in missing})]
    if not selectors:
        return ""
    note = _css_text(t("ui.workshop.card_missing", language))
    return (f"<style>{', '.join(selectors)} {{ border: 2px solid #B2182B !important; }}"
            f"{', '.join(s + '::before' for s in selectors)} {{ content: \"{note}\"; color: #B2182B; "
            f"font-weight: 600; font-size: 0.95rem; }}</style>")
