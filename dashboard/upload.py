"""A survey of the user's own: read an upload, report on it, and make it this session's data.

The choice of data source lives in `st.session_state` (see `dashboard.data.current_source`),
so an upload is seen by the browser session that made it and by no other: there is no module
global and no cache entry another session could reach without uploading the same bytes (the
parsed survey is cached by `dashboard.data` under the content's hash, which only the same
content can hit). The uploaded bytes are read, never written, and never parsed in this process:
`analysis.intake.read_upload` hands them to a worker process with hard limits and gets the
validated survey back. Everything this module writes into Markdown from a file goes through
`analysis.safe_text`.

Parsing happens once per upload: the result is remembered in the session under the content's
hash, so the reruns that every click causes do not parse the file again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.codebook import Survey
from report.strings import markdown_t, t
from analysis.intake import Limits, read_upload
from analysis.load import BUNDLED_WORKBOOK
from analysis.problems import Problem
from analysis.rounds import round_column
from analysis.template import write_template
from dashboard import data, state
from report.keys import ROUNDS_ITEM_KEY
from report.labels import breakdown_label
from report.view import default_breakdown

UPLOAD_KEY_PREFIX = "upload:"
from report.keys import UPLOAD_RESULT_KEY as RESULT_STATE_KEY


@dataclass(frozen=True)
class Upload:
    """One upload (one or several files) and what reading it found."""

    digest: str
    names: tuple[str, ...]
    survey: Survey | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def usable(self) -> bool:
        return self.survey is not None and not self.errors

    @property
    def source_key(self) -> str:
        return UPLOAD_KEY_PREFIX + self.digest


# ------------------------------------------------------------------------ reading an upload


def digest(files: Mapping[str, bytes]) -> str:
    """A hash of the names and bytes in upload order (the order decides the rounds)."""
    h = hashlib.sha256()
    for name, content in files.items():
        h.update(name.encode("utf-8") + b"\0" + str(len(content)).encode() + b"\0")
        h.update(content)
    return h.hexdigest()


def named_files(uploaded: Iterable) -> dict[str, bytes]:
    """`{name: bytes}` from `st.file_uploader` files; a repeated name gets " (2)" so no file is lost."""
    files: dict[str, bytes] = {}
    for item in uploaded:
        name = item.name
        if name in files:
            stem, suffix = Path(name).stem, Path(name).suffix
            n = 2
            while f"{stem} ({n}){suffix}" in files:
                n += 1
            name = f"{stem} ({n}){suffix}"
        files[name] = item.getvalue()
    return files


def remembered(files: Mapping[str, bytes]) -> Upload | None:
    """This session's result for exactly these files, if they were read already."""
    result = st.session_state.get(RESULT_STATE_KEY)
    return result if isinstance(result, Upload) and result.digest == digest(files) else None


def read(files: Mapping[str, bytes], limits: Limits) -> Upload:
    """Read and validate the files (never raises for bad input) and remember the result."""
    survey, problems = read_upload(dict(files), limits)  # parsed in a worker process, never here
    result = Upload(digest(files), tuple(files), survey, tuple(problems))
    st.session_state[RESULT_STATE_KEY] = result
    return result


def forget() -> None:
    """Drop the remembered result (the upload widget was emptied); a survey in use stays in use."""
    st.session_state.pop(RESULT_STATE_KEY, None)


def max_upload_mb(limits: Limits) -> int:
    """The largest file the upload widget takes: the data owner's limit, which Streamlit's own
    `server.maxUploadSize` caps (see docs/deployment.md — keep the two the same)."""
    mine = max(1, limits.max_bytes // (1024 * 1024))
    try:
        server = int(st.get_option("server.maxUploadSize"))
    except Exception:  # noqa: BLE001 - an unreadable option leaves the data owner's limit
        return mine
    return min(mine, server)


@st.cache_resource(show_spinner=False)
def template_bytes() -> bytes:
    """The blank template (the same for everyone; written once per process, not per rerun)."""
    return write_template()


@st.cache_resource(show_spinner=False)
def example_bytes(key: str) -> bytes:
    """The bundled workbook's bytes, read once per version of the file (`key`: size and mtime)."""
    return BUNDLED_WORKBOOK.read_bytes()


# ------------------------------------------------------------------ the session's data source


def is_uploaded(source: data.DataSource) -> bool:
    return source.key.startswith(UPLOAD_KEY_PREFIX)


def in_use() -> data.DataSource | None:
    """The uploaded source this session uses, or None while it shows the bundled data."""
    source = data.current_source()
    return source if is_uploaded(source) else None


def use(result: Upload) -> None:
    """Make the upload this session's data (a button callback: runs before the next rerun)."""
    if not result.usable:
        return
    survey = result.survey
    previous = data.current_survey()
    name = " + ".join(result.names)
    st.session_state[data.SOURCE_STATE_KEY] = data.DataSource(result.source_key, name, lambda: survey)
    reset_view(previous, survey)


def use_bundled() -> None:
    """Back to the bundled survey (a button callback)."""
    previous = data.current_survey()
    st.session_state.pop(data.SOURCE_STATE_KEY, None)
    reset_view(previous, data.current_survey())


def reset_view(*surveys: Survey) -> None:
    """Forget the sidebar's survey-specific choices (filters, grouping, focus, questions).

    Another survey has other municipalities, groups and questions. Forgetting the widgets'
    values makes them start again from the URL, where a value the new survey lacks is dropped
    with a notice (`dashboard.state`) instead of silently or with an error. Language, display
    and denominator mean the same for every survey and stay.
    """
    keys = {state.BREAKDOWN_KEY, state.FOCUS_KEY, state.EXPLORE_ITEM_KEY, ROUNDS_ITEM_KEY}
    for survey in surveys:
        keys |= {state.filter_key(survey, column) for column in survey.breakdowns}
    for key in keys:
        st.session_state.pop(key, None)
    # The grouping gets the new survey's default as a value, not just a forgotten one: the
    # browser still holds the old survey's option, which the new radio does not have, and
    # would show none chosen (issue 16).
    new = surveys[-1] if surveys else None
    if new is not None:
        st.session_state[state.BREAKDOWN_KEY] = default_breakdown(new)


# ------------------------------------------------------------------------------- reporting


REPORT_COLUMNS = ("file", "sheet", "row", "column", "value", "message")


def problem_frame(problems: Iterable[Problem], language: str, with_file: bool = False) -> pd.DataFrame:
    """Problems as rows a person can act on: (file,) sheet, row, column, value, message.

    The row is the spreadsheet row a person sees (header = row 1). Blank where a problem
    concerns a whole file, sheet or column.
    """
    rows = []
    for problem in problems:
        row = problem.as_dict(language)
        row["file"] = problem.params.get("name", "")
        rows.append(row)
    columns = [c for c in REPORT_COLUMNS if with_file or c != "file"]
    frame = pd.DataFrame({
        t(f"ui.data.col.{c}", language): (pd.array([r["row"] for r in rows], dtype="Int64") if c == "row"
                                          else ["" if r[c] is None else str(r[c]) for r in rows])
        for c in columns
    })
    return frame


def summary(survey: Survey, language: str) -> str:
    """One line (Markdown, the survey's text escaped) on what was read: respondents, questions, sections, groupings and rounds."""
    items = survey.ordered_items()
    sections = survey.sections()
    breakdowns = ", ".join(f"{breakdown_label(survey, column, language)} ({len(b.values)})"
                           for column, b in survey.breakdowns.items())
    text = markdown_t("ui.data.summary", language, title=survey.meta_text("title", language) or "–",
                      respondents=len(survey.responses), items=len(items), sections=len(sections),
                      section_names=", ".join(s or "–" for s in sections), breakdowns=breakdowns)
    column = round_column(survey)
    if column:
        text += " " + markdown_t("ui.data.summary_rounds", language, rounds=", ".join(survey.breakdowns[column].values))
    return text


def source_note(survey: Survey, language: str) -> str:
    """The banner's line for uploaded data ("" for the bundled data): which file, that only this
    browser session sees it, and where to switch back."""
    source = in_use()
    if source is None:
        return ""
    return markdown_t("ui.banner.uploaded", language, source=survey.source or source.name,
                      title=survey.meta_text("title", language) or source.name)
