"""Data: bring your own survey — upload, read the validation report, use it in this session.

Nothing uploaded is used before the report has been shown: errors (the file cannot be used)
and warnings (it can) stand apart, each with file, sheet, row, column and value. "Use this
survey" makes it the data of every page for this browser session only; the bundled survey
stays the default for everyone else. The blank template and the bundled example can be
downloaded here as a starting point.
"""

import streamlit as st

from analysis.formatting import format_number
from report.strings import markdown_t, t
from analysis.intake import Limits
from analysis.load import BUNDLED_WORKBOOK
from analysis.safe_text import markdown
from analysis.template import survey_workbook
from dashboard import data, layout, upload
from dashboard.downloads import csv_download, download, static_table
from report import charts, docs, tables

survey, view = layout.page()
language = view.language
layout.page_title("data", language)
limits = Limits.from_settings()
REPORT_ROWS = 200  # more would make a slow page; the CSV has them all



def report_table(frame, name: str) -> None:
    """Problems as a static table (long messages wrap), the first `REPORT_ROWS` of them; all in the CSV.
    The file's values in it are shown as text (`downloads.static_table`)."""
    static_table(tables.shown(frame.head(REPORT_ROWS), language))
    if len(frame) > REPORT_ROWS:
        st.caption(t("ui.data.more_problems", language, shown=REPORT_ROWS, count=len(frame)))
    csv_download(t("ui.data.download_report", language), frame, f"valideringsrapport-{name}.csv", language,
                 key=f"data-report-{name}")


# ------------------------------------------------------------------------- what is in use
active = upload.in_use()
with st.container(border=True):
    if active is None:
        st.markdown(markdown_t("ui.data.using_bundled", language, name=BUNDLED_WORKBOOK.name))
    else:
        st.markdown(markdown_t("ui.data.using_upload", language, name=active.name,
                               title=survey.meta_text("title", language) or active.name))
        st.button(t("ui.data.back_to_bundled", language), on_click=upload.use_bundled, icon=":material/undo:",
                  key="data-back")

scope = charts.scope_line(survey, view, "data")
if scope:
    st.caption(markdown(scope))

# ------------------------------------------------------------------------------- upload
st.header(t("ui.data.upload_title", language), divider="gray")
st.markdown(t("ui.data.upload_help", language))
max_mb = upload.max_upload_mb(limits)
st.caption(t("ui.data.limits", language, mb=max_mb, rows=format_number(limits.max_rows, language),
             columns=limits.max_columns))
# No `type=` filter: a wrong or renamed file should get our message, not only the widget's.
uploaded = st.file_uploader(t("ui.data.uploader", language), accept_multiple_files=True, key="data-upload",
                            max_upload_size=max_mb, help=t("ui.data.uploader_help", language))

if not uploaded:
    upload.forget()
else:
    files = upload.named_files(uploaded)
    result = upload.remembered(files)
    if result is None:
        with st.status(t("ui.data.reading", language, count=len(files)), expanded=False) as status:
            st.markdown(markdown(", ".join(files)))
            result = upload.read(files, limits)
            status.update(label=t("ui.data.read_done" if result.usable else "ui.data.read_failed", language),
                          state="complete" if result.usable else "error")

    st.subheader(t("ui.data.report_title", language))
    with_file = len(result.names) > 1
    if result.errors:
        st.error(t("ui.data.errors", language, count=len(result.errors)), icon=":material/error:")
        report_table(upload.problem_frame(result.errors, language, with_file), "feil")
    if result.warnings:
        st.warning(t("ui.data.warnings", language, count=len(result.warnings)), icon=":material/warning:")
        report_table(upload.problem_frame(result.warnings, language, with_file), "advarsler")
    if result.usable:
        if not result.warnings:
            st.success(t("ui.data.no_problems", language), icon=":material/check_circle:")
        st.markdown(upload.summary(result.survey, language))
        if active is not None and active.key == result.source_key:
            st.info(t("ui.data.in_use", language), icon=":material/check:")
        else:
            st.button(t("ui.data.use", language), type="primary", on_click=upload.use, args=(result,),
                      icon=":material/upload_file:", key="data-use")
        if not all(name.lower().endswith(".xlsx") for name in result.names):
            # CSV and SPSS imports: the codebook may be guessed; a workbook can be corrected and uploaded.
            download(t("ui.data.download_as_workbook", language), survey_workbook(result.survey), "undersokelse.xlsx",
                     "xlsx", key="data-as-workbook")

# ------------------------------------------------------------------- templates and format
st.header(t("ui.data.start_title", language), divider="gray")
left, right = st.columns(2)
download(t("ui.data.download_template", language), upload.template_bytes(), "mal_undersokelse.xlsx", "xlsx",
         key="data-template", container=left)
left.caption(t("ui.data.template_help", language))
download(t("ui.data.download_example", language), upload.example_bytes(data.bundled_source().key),
         BUNDLED_WORKBOOK.name, "xlsx", key="data-example", container=right)
right.caption(t("ui.data.example_help", language))
with st.expander(t("ui.data.format_title", language), icon=":material/description:"):
    st.caption(t("ui.data.format_source", language))
    for heading in ("Sheet `responses` — one row per respondent", "Sheet `codebook` — one row per column of `responses`",
                    "Sheet `meta` — key / value pairs", "Survey rounds", "Other file types", "Small groups"):
        text = docs.section(heading)
        if text:
            st.markdown(f"#### {heading}\n\n{text}")
