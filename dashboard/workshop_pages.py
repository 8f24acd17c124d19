"""Streamlit pieces shared by the workshop pages (Prioriteringer, facilitator, participant,
presenter): the store, the facilitator secret, links, the matrix-and-ranking block, downloads.
The room's own pages (phone form, projector) are drawn by `dashboard.workshop_room`.

The facilitator secret is read here — `WORKSHOP_FACILITATOR_PIN`, else
`workshop_facilitator_pin` in `.streamlit/secrets.toml` — and handed to the store, which
checks it (`hmac.compare_digest`) on every facilitator action. It is kept in the browser
session's server-side state after a correct entry, never in a URL. Participants and the
presenter view carry only a join code (`?kode=...`): the session's, or a group's own.
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import settings
from analysis.i18n import LANGUAGES
from report.strings import t
from workshop.model import (Workshop, bundled_workshop_path, classify_quadrants, load_workshop, localised,
                               ranking_table)
from workshop.store import Access, SessionInfo, WorkshopError, WorkshopStore, database_url
from dashboard import layout, state
from dashboard.downloads import download, static_table
from report import tables
from report.labels import joined
from report.keys import CODE_PARAM, SECTOR_KEY, SOURCE_PARAM, SPLIT_PARAM
from report.charts import WORKSHOP, Chart, Matrix, Slot, build
from report.figures import SCREEN, Style
from report.workshop_figures import ranking_frame
from exports.tables import Sheet, sheets_to_xlsx_bytes
from exports.images import figure_image
from exports.join_sheet import JoinCard, address_of, join_sheet_pdf
from exports.tables import to_csv_bytes

PIN_ENV = "WORKSHOP_FACILITATOR_PIN"
PIN_SECRET = "workshop_facilitator_pin"
PARTICIPANT_PATH = "verksted"
PRESENTER_PATH = "verksted_visning"  # = the file name: a first request to a fresh server finds it too
SECTOR_PARAM = SECTOR_KEY


def refresh_seconds() -> float:
    """How often the projector rereads the scores (`WORKSHOP_REFRESH_SECONDS`, default 1, at least 1)."""
    return float(settings.value("WORKSHOP_REFRESH_SECONDS"))


def configured_pin() -> str | None:
    """The facilitator secret from the environment, else from Streamlit's secrets file."""
    value = settings.value(PIN_ENV) or ""
    if value:
        return value
    try:
        value = str(st.secrets.get(PIN_SECRET, "") or "").strip()
    except Exception:  # noqa: BLE001 - no secrets file (or an unreadable one) means: not configured
        value = ""
    return value or None


@st.cache_resource(show_spinner=False)
def _store(url: str, pin: str | None) -> WorkshopStore:
    return WorkshopStore(url, facilitator_pin=pin)


def store() -> WorkshopStore:
    """The process' store (one engine and pool shared by every browser session); on a database
    that cannot be opened, a message and the end of the page — no traceback."""
    try:
        return _store(database_url(), configured_pin())
    except WorkshopError as error:
        st.error(error.describe(current_language()), icon=":material/database:")
        st.stop()


SHORT_PIN = 12  # fewer characters than this: the facilitator page warns (docs/deployment.md)
CLIENT_STATE = "_workshop_pin_client"


def pin_client() -> tuple[str, ...]:
    """Who is trying a PIN, for the attempt limit: this browser session and its address (behind a
    proxy, the proxy's — see docs/deployment.md)."""
    session = st.session_state.setdefault(CLIENT_STATE, secrets.token_hex(8))
    return f"session:{session}", f"address:{st.context.ip_address or 'unknown'}"


def short_pin_warning(language: str) -> None:
    """After signing in: a warning when the configured PIN is short enough to be guessed."""
    pin = configured_pin() or ""
    if len(pin) < SHORT_PIN:
        st.warning(t("ui.workshop.short_pin", language, length=len(pin), minimum=SHORT_PIN), icon=":material/password:")


def current_language() -> str:
    """The language switch's value (the sidebar's, or the room pages' own: one key, `lang`)."""
    code = st.session_state.get(state.LANGUAGE_KEY)
    return code if code in LANGUAGES else "nb"


def show_error(error: WorkshopError, language: str) -> None:
    st.error(error.describe(language), icon=":material/error:")


def local_time(value, language: str, seconds: bool = True) -> str:
    """A stored UTC time as the viewer's clock time (browser time zone, else Norway)."""
    if value is None or pd.isna(value):
        return ""
    try:
        zone = ZoneInfo(st.context.timezone or "Europe/Oslo")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Europe/Oslo")
    moment = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    return datetime.astimezone(moment, zone).strftime("%H:%M:%S" if seconds else "%H:%M")


def format_date(iso: str, language: str) -> str:
    """`2022-01-26` as 26.1.2022 (bokmål) or 26 Jan 2022 (English); other text unchanged."""
    try:
        day = datetime.strptime(iso, "%Y-%m-%d")
    except (TypeError, ValueError):
        return iso or ""
    return f"{day.day}.{day.month}.{day.year}" if language == "nb" else day.strftime(f"{day.day} %b %Y")


def subtitle(*parts: str) -> str:
    """A workshop chart's second line, parts joined by " · ". Not `report.charts.subtitle`: the survey's
    sidebar filters do not apply to workshop scores, so they are not named here."""
    return joined(parts)


# ------------------------------------------------------------------------------ links


def base_url() -> str:
    """The app's address without the page path (works behind a base URL path too)."""
    url = (st.context.url or "").split("?")[0].rstrip("/")
    return url.rsplit("/", 1)[0] if url.count("/") > 2 else url


def join_link(code: str) -> str:
    """The link a phone opens (the QR code's): the session's code, or a group's own."""
    return f"{participant_address()}?{CODE_PARAM}={code}"


def participant_address() -> str:
    """Where a code can be typed: the participant page without a code."""
    return f"{base_url()}/{PARTICIPANT_PATH}"


def presenter_link(code: str) -> str:
    return f"{base_url()}/{PRESENTER_PATH}?{CODE_PARAM}={code}"


def presentation_link(code: str) -> str:
    """Presentation mode at the live matrix (the deck's other slides a click away)."""
    return f"{presenter_link(code)}&presentasjon=1"


def code_from_url(language: str, key: str) -> str | None:
    """The join code from `?kode=`, or one typed into a small form (then put into the URL)."""
    code = (st.query_params.get(CODE_PARAM) or "").strip()
    if code:
        return code
    with st.form(key):
        typed = st.text_input(t("ui.workshop.code_label", language), help=t("ui.workshop.code_help", language),
                              max_chars=64, autocomplete="off")
        if st.form_submit_button(t("ui.workshop.code_button", language), type="primary") and typed.strip():
            st.query_params[CODE_PARAM] = typed.strip()
            st.rerun()
    return None


def access_for_code(language: str, key: str) -> Access | None:
    """What the code in the URL (or a typed one) opens; a clear message for an unknown one."""
    code = code_from_url(language, key)
    if code is None:
        return None
    try:
        return store().join(code)
    except WorkshopError as error:
        show_error(error, language)
        if st.button(t("ui.workshop.code_other", language)):
            del st.query_params[CODE_PARAM]
            st.rerun()
        return None


def session_for_code(language: str, key: str) -> SessionInfo | None:
    """The session of the code in the URL (or typed); a clear message for an unknown one."""
    access = access_for_code(language, key)
    return access.session if access else None


# ------------------------------------------------------------------------- the bundled data


@st.cache_resource(show_spinner=False)
def _bundled(path: str, mtime: int) -> Workshop:
    return load_workshop(path, name=os.path.basename(path))


def bundled_workshop() -> Workshop:
    path = bundled_workshop_path()
    return _bundled(str(path), path.stat().st_mtime_ns)


def reconstructed_note(workshop: Workshop, language: str) -> None:
    """The permanent note that the bundled workshop scores are reconstructed, with where they
    come from and what was assumed."""
    if not workshop.reconstructed:
        return
    text = t("ui.workshop.reconstructed_text", language, date=format_date(workshop.meta.get("date", ""), language))
    layout.reconstructed_warning(t("ui.workshop.reconstructed_title", language), text)
    with st.expander(t("ui.workshop.provenance", language), icon=":material/info:"):
        st.markdown(workshop.text("provenance", language))
        st.markdown(f"**{t('ui.banner.assumptions', language)}**")
        st.markdown("\n".join(f"- {line}" for line in workshop.assumptions(language)))


# ------------------------------------------------------------------- matrix and ranking


def split_control(language: str) -> str:
    """Where the quadrant lines go (bound to `?kvadrant=`)."""
    return state.bound_radio(st, t("ui.workshop.split_label", language), ["mean", "scale"], SPLIT_PARAM,
                             lambda value: t(f"ui.workshop.split.{value}", language), horizontal=True,
                             help=t("ui.workshop.split_help", language))


def ranking(scores: pd.DataFrame, areas: pd.DataFrame, language: str, split: str) -> pd.DataFrame:
    return classify_quadrants(ranking_table(scores, areas), split=split, language=language)


def split_from_url(language: str) -> str:
    """The quadrant split of the link (`?kvadrant=`, a label in either language) where no
    control is drawn (presentation mode); the mean split by default."""
    label = st.query_params.get(SPLIT_PARAM, "")
    for value in ("mean", "scale"):
        if label in (t(f"ui.workshop.split.{value}", code) for code in ("nb", "en")):
            return value
    return "mean"


def workshop_source(language: str, chosen: str | None = None) -> Workshop:
    """The workshop Prioriteringer (and presentation mode) shows: the bundled one, or a closed
    live session — `chosen` on the page, else the one the link names (`?okt=`); an unknown or
    reopened one falls back with a notice."""
    name = (st.query_params.get(SOURCE_PARAM) or "").strip() if chosen is None else chosen
    if name:
        try:
            opened = store()
            if name in opened.closed_sessions():
                return opened.workshop(name)
        except WorkshopError as error:
            show_error(error, language)
        st.info(t("ui.workshop.source_unknown", language, name=name), icon=":material/link_off:")
    return bundled_workshop()


def source_control(container, language: str) -> str | None:
    """Which workshop Prioriteringer shows: the bundled 2022 one ("") or a closed live session
    (bound to `?okt=`). Drawn only when there is a closed session to choose; None otherwise."""
    try:
        names = store().closed_sessions()
    except WorkshopError:
        names = []
    if not names:
        return None
    bundled = bundled_workshop()
    label = t("ui.workshop.source_bundled", language, year=bundled.meta.get("year", ""))
    return container.selectbox(t("ui.workshop.source_label", language), ["", *names], key=SOURCE_PARAM,
                               bind="query-params", format_func=lambda name: name or label,
                               help=t("ui.workshop.source_help", language))


def sectors_from_url(workshop: Workshop) -> list[str]:
    """The sectors the link's filter names (`?sektor=`, in either language), where no control
    is drawn (presentation mode)."""
    names = {}
    for code in LANGUAGES:
        labelled = localised(workshop.areas, code)
        names.update(zip(labelled["sector_label"], labelled["sector"]))
    return list(dict.fromkeys(names[s] for s in st.query_params.get_all(SECTOR_PARAM) if s in names))


def bundled_matrix_chart(workshop: Workshop, table: pd.DataFrame, language: str, split: str,
                         sectors: list[str] | None = None, style: Style = SCREEN) -> Chart:
    """A finished workshop's matrix (page Prioriteringer, presentation mode, the deck) — the
    bundled one or a closed live session, drawn the same way — with its source, group and area
    counts, split and (for the bundled one) reconstruction named under the title."""
    date = format_date(workshop.meta.get("date", ""), language)
    source = (t("ui.workshop.matrix_source", language, date=date) if workshop.reconstructed
              else t("ui.workshop.session_source", language, name=workshop.meta.get("title", ""), date=date))
    reconstructed = t("ui.workshop.reconstructed_short", language) if workshop.reconstructed else ""
    matrix = Matrix(
        title=t("ui.workshop.matrix_title", language), language=language, split=split,
        subtitle=subtitle(source, t("ui.workshop.matrix_subtitle", language, groups=len(workshop.groups), areas=len(table)),
                          t(f"ui.workshop.split_note.{split}", language), reconstructed),
        sectors=tuple(sectors or ()), provenance=subtitle(source, reconstructed))
    return build(Slot("prioriteringer", WORKSHOP, matrix=matrix), None, None, style=style, rows=table)


def live_scores(opened: WorkshopStore, session: SessionInfo, language: str) -> tuple[SessionInfo, pd.DataFrame] | None:
    """A live session and its current scores, reread; None (and a warning) if the session was
    deleted meanwhile or the database is away — the caller keeps ticking."""
    try:
        info = opened.session(session.name)
        return info, opened.current_scores(info)
    except WorkshopError as error:
        st.warning(error.describe(language), icon=":material/sync_problem:")
        return None


def matrix_and_ranking(chart: Chart, *, language: str, downloads: bool = True) -> go.Figure:
    """The matrix, then the ranked list (every row visible; CSV, XLSX and images on request).
    The chart's table lists the areas its sector filter kept, with their ranks among all areas.
    Returns the figure (for an image export)."""
    st.plotly_chart(chart.figure, theme=None, key=f"matrix-{chart.key}", config=layout.PLOTLY_CONFIG)
    layout.chart_text(chart)
    st.header(t("ui.workshop.ranking_title", language))
    static_table(tables.shown(chart.frame, language))  # every column (Lavest, Høyest, Kvadrant) in view
    if downloads:
        layout.downloads_row(chart.frame, chart.key, language, chart)
    return chart.figure


def session_workbook(data: WorkshopStore, session: SessionInfo, table: pd.DataFrame, language: str) -> bytes:
    """A session's scores (group × area), who submitted when, and its ranking, as one workbook —
    formula-safe like every spreadsheet we write (`exports.tables`): names are typed by people."""
    scores = data.current_scores(session)
    scores["updated_at"] = scores["updated_at"].dt.strftime("%Y-%m-%d %H:%M:%S UTC")
    scores = scores.rename(columns={"group": t("ui.col.group", language), "area": t("workshop.col.area", language),
                                    "potential": t("workshop.measure.potential", language),
                                    "feasibility": t("workshop.measure.feasibility", language),
                                    "revision": t("ui.workshop.col.revision", language),
                                    "updated_at": t("ui.workshop.col.submitted_at", language)})
    status = data.group_status(session)
    status = pd.DataFrame({
        t("ui.col.group", language): status["group"],
        t("ui.workshop.col.areas_scored", language): status["areas"],
        t("ui.workshop.col.submitted_at", language): status["submitted_at"].dt.strftime("%Y-%m-%d %H:%M:%S UTC"),
    })
    title = t("ui.workshop.workbook_title", language, name=session.name)
    return sheets_to_xlsx_bytes([
        Sheet(t("ui.workshop.sheet_scores", language), scores, title),
        Sheet(t("ui.workshop.sheet_groups", language), status, title),
        Sheet(t("ui.workshop.sheet_ranking", language), ranking_frame(table, language), title),
    ])


def session_downloads(session: SessionInfo, table: pd.DataFrame, figure, language: str) -> None:
    """A session's scores (XLSX), its history (CSV), the matrix (PNG) and the join sheet to
    print (PDF, one A4 page per group), each built on click."""
    data = store()
    stem = "verksted-" + "".join(c if c.isalnum() else "-" for c in session.name.lower()).strip("-")

    def history_frame():
        history = data.history(session, all_epochs=True)
        history["submitted_at"] = history["submitted_at"].dt.strftime("%Y-%m-%d %H:%M:%S UTC")
        return history

    def sheet() -> bytes:
        cards = [JoinCard(group, code, join_link(code)) for group, code in session.group_codes]
        return join_sheet_pdf(session.name, cards, address_of(participant_address()), language)

    with st.container(horizontal=True):
        download(t("ui.workshop.download_xlsx", language), lambda: session_workbook(data, session, table, language),
                 f"{stem}.xlsx", "xlsx", key=f"xlsx-{session.id}")
        download(t("ui.workshop.download_history", language), lambda: to_csv_bytes(history_frame(), language),
                 f"{stem}-historikk.csv", "csv", key=f"hist-{session.id}", icon=":material/history:")
        if figure is not None:
            download(t("ui.workshop.download_png", language), lambda: figure_image(figure, "png"),
                     f"{stem}-matrise.png", "png", key=f"png-{session.id}", icon=":material/image:")
        if session.group_codes:
            download(t("ui.workshop.download_sheet", language), sheet, f"{stem}-deltakerark.pdf", "pdf",
                     key=f"sheet-{session.id}", icon=":material/print:")
