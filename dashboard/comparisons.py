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
from analysis.compare import ALPHA, compare_groups, family_breakdown, family_contrasts, headline_item_ids, how_to_read
from analysis.formatting import format_number, format_pct
from analysis.numeric import compare_numeric
from report.strings import markdown_t, t
from analysis.protect import suppression_note
from analysis.safe_text import markdown
from analysis.weighting import weighted_headline, weighting_available, weighting_note
from dashboard import data
from dashboard.downloads import csv_download, opened, static_table
from report import charts
from report.view import View
from report.labels import breakdown_label, group_label, labelled, localised_groups

from report.keys import WEIGHTING_KEY


@st.cache_data(max_entries=64, show_spinner=False)
def _compare(key: str, family: str, denominator: str, language: str, selection: tuple, _survey: Survey) -> pd.DataFrame:
    """The whole family, every headline item: the correction is over the family, not a page;
    within `selection` ((breakdown, values) pairs) when there is one."""
    return compare_groups(_survey, family, None, denominator, language=language, selection=dict(selection) or None)


def tested_selection(survey: Survey, view: View, family: str) -> tuple:
    """The view's selection the family's tests can follow: all of it, unless it filters the
    family's own breakdown (then the tests cover the whole survey and say so)."""
    selection = view.query().selection
    return () if any(column == family_breakdown(survey, family) for column, _ in selection) else selection


@st.cache_data(max_entries=64, show_spinner=False)
def _compare_numeric(key: str, breakdown: str, language: str, _survey: Survey) -> pd.DataFrame:
    """Welch's t-tests of every numeric item over the family (BH across it, as the CLI's)."""
    return labelled(compare_numeric(_survey, breakdown), _survey, ("group_a", "group_b"), language)


@st.cache_data(max_entries=64, show_spinner=False)
def _weighted(key: str, by: tuple[str, ...], items: tuple[str, ...], denominator: str, focus, language: str,
              _survey: Survey) -> pd.DataFrame:
    return labelled(weighted_headline(_survey, by, items, denominator, focus=focus), _survey, by, language)


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
    if len(view.breakdown) == 1 and view.breakdown[0] in survey.breakdowns:  # any other breakdown: its own family
        return view.breakdown[0]
    return None


def _breakdown_or_none(survey: Survey, family: str) -> str | None:
    try:
        return family_breakdown(survey, family)
    except (KeyError, ValueError):
        return None


def verdict(row: dict, language: str) -> str:
    """A test's result in words: a clear difference (significant after the family's correction),
    no clear difference, or too few answers (a group hidden)."""
    if bool(row["suppressed"]):
        return t("ui.compare.verdict.too_few", language)
    return t("ui.compare.verdict.clear" if row["significant"] else "ui.compare.verdict.unclear", language)


def comparison_frame(table: pd.DataFrame, min_n: int, language: str) -> pd.DataFrame:
    """The test table as a reader needs it: question, comparison, the verdict in words, both
    groups' shares and the difference with its interval. p-values and tests are in
    `details_frame`. A hidden group's row says "For få svar" and shows no number."""
    rows = []
    for row in table.to_dict("records"):
        hidden = bool(row["suppressed"])
        shown = {t("ui.compare.col.question", language): row["question"],
                 t("ui.compare.col.contrast", language): row["contrast"],
                 t("ui.compare.col.verdict", language): verdict(row, language)}
        if hidden:
            shown.update({t("ui.compare.col.a", language): "", t("ui.compare.col.b", language): "",
                          t("ui.compare.col.diff", language): ""})
        else:
            shown.update({
                t("ui.compare.col.a", language): format_pct(row["pct_a"], language),
                t("ui.compare.col.b", language): format_pct(row["pct_b"], language),
                t("ui.compare.col.diff", language): t(
                    "ui.compare.diff", language, diff=format_number(row["diff_pp"], language, 1),
                    low=format_number(row["diff_ci_low"], language, 1), high=format_number(row["diff_ci_high"], language, 1)),
            })
        rows.append(shown)
    return pd.DataFrame(rows)


def numeric_comparison_frame(table: pd.DataFrame, survey: Survey, min_n: int, language: str) -> pd.DataFrame:
    """Welch's t-tests of numeric items as shown: difference in means with its interval, p, p adjusted."""
    rows = []
    for row in table.to_dict("records"):
        values = [row["diff"], row["ci_low"], row["ci_high"]]
        decimals = 1 if max((abs(v) for v in values if not pd.isna(v)), default=0) < 1000 else 0
        hidden = bool(row["suppressed"])
        rest = row["group_b"] if isinstance(row["group_b"], str) else ""
        rows.append({
            t("ui.compare.col.question", language): survey.items[row["item_id"]].title(language),
            t("ui.compare.col.contrast", language): f"{row['group_a']} – {rest}",
            t("ui.numeric.col.diff", language): suppression_note("primary", min_n, language) if hidden else t(
                "ui.compare.diff", language, diff=format_number(row["diff"], language, decimals),
                low=format_number(row["ci_low"], language, decimals), high=format_number(row["ci_high"], language, decimals)),
            t("ui.compare.col.p", language): "" if hidden else format_number(row["p_value"], language, 3),
            t("ui.compare.col.p_adjusted", language): "" if hidden else format_number(row["p_adjusted"], language, 3),
        })
    return pd.DataFrame(rows)


def details_frame(table: pd.DataFrame, min_n: int, language: str) -> pd.DataFrame:
    """The tests behind the verdicts: p before and after the family's correction, p for the whole
    answer distribution, and the tests used (none for a hidden group)."""
    rows = []
    for row in table.to_dict("records"):
        hidden = bool(row["suppressed"])
        number = (lambda value: "") if hidden else (lambda value: format_number(value, language, 3))
        rows.append({
            t("ui.compare.col.question", language): row["question"],
            t("ui.compare.col.contrast", language): row["contrast"],
            t("ui.compare.col.p", language): number(row["p_value"]),
            t("ui.compare.col.p_bh", language): number(row["p_adjusted"]),
            t("ui.compare.col.p_ordinal", language): number(row["ordinal_p_adjusted"]),
            t("ui.compare.col.test", language): "" if hidden else f"{row['test_label']}; {row['ordinal_test_label']}",
        })
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
    ids = tuple(item.id for item in items if item.kind not in ("multi_select", "numeric"))
    numeric = [item for item in items if item.kind == "numeric"]
    if not ids and not numeric:
        return
    min_n = data.threshold(survey)
    key = data.current_source().key
    st.header(t("ui.compare.title", language), divider="gray")
    family = family_for(survey, view)
    if family is None:
        message = "compare.cells_no_tests" if len(view.breakdown) > 1 else "ui.compare.choose_groups"
        cells = " × ".join(breakdown_label(survey, b, language) for b in view.breakdown if b in survey.breakdowns).lower()
        names = ", ".join(breakdown_label(survey, b, language).lower() for b in survey.breakdowns)
        unit = breakdown_label(survey, view.unit or next(iter(survey.breakdowns)), language).lower()
        st.info(markdown_t(message, language, cells=cells, breakdowns=names, unit=unit), icon=":material/info:")
    else:
        if numeric:
            _render_numeric(survey, view, family, numeric, min_n, key)
        if not ids:
            return
        how, scope, help_line, table, frame = _verdicts(key, family, view, ids, min_n, survey)
        st.caption(markdown(how))
        if scope:
            st.caption(markdown(scope))
        st.caption(help_line)
        static_table(frame)  # text wraps: fits the page at 1440 px
        box = opened(t("ui.compare.details", language), f"open-tester-{family}", ":material/functions:")
        if box is not None:
            with box:
                details = details_frame(table, min_n, language)
                static_table(details)
                download_csv(pd.concat([frame, details.iloc[:, 2:]], axis=1), f"tester-{family}", language)
    _render_weighting(survey, view, ids, min_n, key)


@st.cache_data(max_entries=256, show_spinner=False)
def _verdicts(key: str, family: str, view: View, ids: tuple[str, ...], min_n: int,
              _survey: Survey) -> tuple[str, str, str, pd.DataFrame, pd.DataFrame]:
    """What the tests section says for the view, made once per source × view (the lines were a
    third of a section page's rerun): how to read the tests, their scope, the verdicts' help, the
    family's tests of the page's items and the verdicts as shown."""
    survey, language = _survey, view.language
    selection = tested_selection(survey, view, family)
    table = _compare(key, family, view.denominator, language, selection, survey)
    table = table[table["item_id"].isin(ids)]
    if family == "municipality" and view.focus_spec is not None:
        table = table[table["group_a"] == view.focus]
    tested = survey.filter(**{column: list(values) for column, values in selection}) if selection else survey
    scope = charts.selection_text(view) if selection else charts.scope_line(survey, view, "tests")
    help_line = t("ui.compare.verdict_help", language, alpha=format_number(ALPHA, language, 2),
                  tests=format_number(len(family_contrasts(survey, family)) * len(headline_item_ids(survey)), language))
    return how_to_read(tested, family, language), scope or "", help_line, table, comparison_frame(table, min_n, language)


@st.cache_resource(max_entries=8, show_spinner=False)
def _weighting_available(key: str, _survey: Survey) -> bool:
    return weighting_available(_survey)


def _render_numeric(survey: Survey, view: View, family: str, items: Sequence[Item], min_n: int, key: str) -> None:
    """The numeric items' Welch tests for the view's family (the rest of the region with a focus)."""
    language = view.language
    breakdown = family_breakdown(survey, family)
    table = _compare_numeric(key, breakdown, language, survey)
    table = table[table["item_id"].isin([item.id for item in items])]
    if view.focus_spec is not None:
        table = table[table["group_a"] == view.focus]
    st.subheader(t("ui.numeric.compare_title", language))
    frame = numeric_comparison_frame(table, survey, min_n, language)
    static_table(frame)
    download_csv(frame, f"tester-numerisk-{breakdown}", language)


def _render_weighting(survey: Survey, view: View, ids: tuple[str, ...], min_n: int, key: str) -> None:
    language = view.language
    if not _weighting_available(key, survey):  # no toggle a survey without weights cannot honour
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
    static_table(frame)
    download_csv(frame, "vektet", language)


def download_csv(frame: pd.DataFrame, name: str, language: str) -> None:
    """The table as a formula-safe CSV (`exports.tables.screen_csv`), instead of `st.dataframe`'s own."""
    csv_download(t("ui.table.download", language), frame, f"{name}.csv", language, key=f"csv-{name}")
