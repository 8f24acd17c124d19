"""Significance tests and the weighted sensitivity view under a section page's charts.

The tests are the declared families of `analysis.compare` (administrasjon vs folkevalgte;
each municipality vs the rest), corrected within the family over the whole survey — not
over what a filter happens to show — so a page shows the same p-values as
`python -m analysis compare`. Municipality × role cells get intervals only, never stars.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from analysis.codebook import Item, Survey
from analysis.compare import compare_groups, family_breakdown, how_to_read
from analysis.formatting import format_number, format_pct
from report.strings import t
from analysis.protect import suppression_note
from analysis.safe_text import markdown
from analysis.weighting import weighted_headline, weighting_available, weighting_note
from dashboard import data
from dashboard.downloads import csv_download
from report import charts, tables
from report.view import View
from report.labels import breakdown_label, group_label, localised_groups

WEIGHTING_KEY = "vekting"


@st.cache_data(max_entries=64, show_spinner=False)
def _compare(key: str, family: str, denominator: str, language: str, _survey: Survey) -> pd.DataFrame:
    """The whole family, every headline item: the correction is over the family, not a page."""
    return compare_groups(_survey, family, None, denominator, language=language)


@st.cache_data(max_entries=64, show_spinner=False)
def _weighted(key: str, by: tuple[str, ...], items: tuple[str, ...], denominator: str, focus, language: str,
              _survey: Survey) -> pd.DataFrame:
    return weighted_headline(_survey, by, items, denominator, focus=focus, language=language)


def family_for(survey: Survey, view: View) -> str | None:
    """Which declared family answers the view's question, or None (cells, total, no groups)."""
    if view.focus_spec is not None:
        return "municipality"
    role = _breakdown_or_none(survey, "role")
    if view.breakdown == (role,) and role:
        return "role"
    unit = _breakdown_or_none(survey, "municipality")
    if view.breakdown == (unit,) and unit:
        return "municipality"
    return None


def _breakdown_or_none(survey: Survey, family: str) -> str | None:
    try:
        return family_breakdown(survey, family)
    except (KeyError, ValueError):
        return None


def comparison_frame(table: pd.DataFrame, min_n: int, language: str) -> pd.DataFrame:
    """The test table as shown: one row per item and contrast, formatted, hidden rows explained."""
    rows = []
    for row in table.to_dict("records"):
        hidden = bool(row["suppressed"])
        shown = {
            t("ui.compare.col.question", language): row["question"],
            t("ui.compare.col.contrast", language): row["contrast"],
        }
        if hidden:
            note = suppression_note(row["suppression"], min_n, language)
            shown.update({t("ui.compare.col.a", language): note, t("ui.compare.col.b", language): note,
                          t("ui.compare.col.diff", language): "", t("ui.compare.col.p", language): "",
                          t("ui.compare.col.p_adjusted", language): "", t("ui.compare.col.significant", language): "",
                          t("ui.compare.col.ordinal", language): ""})
        else:
            diff = t("ui.compare.diff", language, diff=format_number(row["diff_pp"], language, 1),
                     low=format_number(row["diff_ci_low"], language, 1), high=format_number(row["diff_ci_high"], language, 1))
            shown.update({
                t("ui.compare.col.a", language): format_pct(row["pct_a"], language),
                t("ui.compare.col.b", language): format_pct(row["pct_b"], language),
                t("ui.compare.col.diff", language): diff,
                t("ui.compare.col.p", language): format_number(row["p_value"], language, 3),
                t("ui.compare.col.p_adjusted", language): format_number(row["p_adjusted"], language, 3),
                t("ui.compare.col.significant", language): t("ui.yes" if row["significant"] else "ui.no", language),
                t("ui.compare.col.ordinal", language): format_number(row["ordinal_p_adjusted"], language, 3),
            })
        shown[t("ui.compare.col.test", language)] = f"{row['test_label']}; {row['ordinal_test_label']}"
        rows.append(shown)
    return pd.DataFrame(rows)


def weighted_frame(table: pd.DataFrame, by: Sequence[str], min_n: int, language: str, survey: Survey) -> pd.DataFrame:
    rows = []
    for row in localised_groups(table, survey, by, language).to_dict("records"):
        group = group_label(row, by, t("group.total", language))
        shown = {t("ui.compare.col.question", language): row["question"], t("ui.weighting.col.group", language): group}
        if row["suppressed"]:
            note = suppression_note(row["suppression"], min_n, language)
            shown.update({t("ui.weighting.col.unweighted", language): note, t("ui.weighting.col.weighted", language): note,
                          t("ui.weighting.col.n_eff", language): ""})
        else:
            shown.update({
                t("ui.weighting.col.unweighted", language): format_pct(row["pct"], language),
                t("ui.weighting.col.weighted", language): t(
                    "ui.weighting.value", language, pct=format_pct(row["weighted_pct"], language),
                    low=format_pct(100 * row["weighted_ci_low"], language), high=format_pct(100 * row["weighted_ci_high"], language)),
                t("ui.weighting.col.n_eff", language): format_number(row["n_eff"], language, 1),
            })
        rows.append(shown)
    return pd.DataFrame(rows)


def render(survey: Survey, view: View, items: Sequence[Item]) -> None:
    """The tests for the page's items under the charts, and the weighted view on request."""
    language = view.language
    ids = tuple(item.id for item in items if item.kind != "multi_select")
    if not ids:
        return
    min_n = data.threshold(survey)
    key = data.current_source().key
    st.header(t("ui.compare.title", language), divider="gray")
    family = family_for(survey, view)
    if family is None:
        message = "compare.cells_no_tests" if len(view.breakdown) > 1 else "ui.compare.choose_groups"
        cells = " × ".join(breakdown_label(survey, b, language) for b in view.breakdown if b in survey.breakdowns).lower()
        st.info(t(message, language, cells=cells), icon=":material/info:")
    else:
        table = _compare(key, family, view.denominator, language, survey)
        table = table[table["item_id"].isin(ids)]
        if family == "municipality" and view.focus_spec is not None:
            table = table[table["group_a"] == view.focus]
        st.caption(markdown(how_to_read(survey, family, language)))
        scope = charts.scope_line(survey, view, "tests")
        if scope:
            st.caption(markdown(scope))
        frame = comparison_frame(table, min_n, language)
        st.dataframe(frame, hide_index=True, width="stretch")  # its own CSV download is off (config.toml)
        download_csv(frame, f"tester-{family}", language)
    _render_weighting(survey, view, ids, min_n, key)


def _render_weighting(survey: Survey, view: View, ids: tuple[str, ...], min_n: int, key: str) -> None:
    language = view.language
    if not weighting_available(survey):  # no toggle a survey without weights cannot honour
        return
    on = st.toggle(t("weighting.label", language), value=False, key=WEIGHTING_KEY, bind="query-params")
    if not on:
        return
    by = view.by
    table = _weighted(key, by, ids, view.denominator, view.focus_spec, language, survey)
    st.caption(markdown(weighting_note(survey, language)))
    scope = charts.scope_line(survey, view, "weighting")
    if scope:
        st.caption(markdown(scope))
    frame = weighted_frame(table, by, min_n, language, survey)
    st.dataframe(frame, hide_index=True, width="stretch")
    download_csv(frame, "vektet", language)


def download_csv(frame: pd.DataFrame, name: str, language: str) -> None:
    """The table as a formula-safe CSV (`exports.tables.screen_csv`), instead of `st.dataframe`'s own."""
    csv_download(t("ui.table.download", language), frame, f"{name}.csv", language, key=f"csv-{name}")
