"""Protected tables for a view, without Streamlit: the functions `dashboard.data` caches.

Every table is counted by `analysis.aggregate` and passed through `analysis.protect` here,
so the pages (through `dashboard.data`'s cache) and the command line and exports (through
`SurveyNumbers`) get the same protected rows for the same view — nothing downstream of this
module sees an unprotected number.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.aggregate import distribution_table, headline_table, multi_select_table, top_options
from analysis.codebook import Survey
from analysis.config import min_group_size
from analysis.numeric import numeric_table
from report.strings import t
from analysis.overview import respondents_table
from analysis.protect import protect_distribution, protect_headline
from report.labels import labelled
from report.view import Query, View, unit_and_group

TOP_OPTIONS = 5  # options per municipality in the report's multi-select charts


def threshold(survey: Survey) -> int:
    """The suppression threshold in force (the data owner's; never lowered by a viewer)."""
    return min_group_size(survey)


def counted(survey: Survey, query: Query) -> tuple[Survey, dict[str, list[str]] | None]:
    """The filtered survey to count, and the filter as `analysis.protect` wants it."""
    selection = {column: list(values) for column, values in query.selection}
    return (survey.filter(**selection) if selection else survey), (selection or None)


def headline_rows(survey: Survey, query: Query, items: Sequence[str]) -> pd.DataFrame:
    """Protected headline shares of `items` (one counting pass for all of them)."""
    subset, selection = counted(survey, query)
    table = headline_table(subset, query.by, list(items), query.denominator, query.focus)
    return _named(protect_headline(table, threshold(survey), query.by, survey, focus=query.focus, selection=selection),
                  survey, query)


def distribution_rows(survey: Survey, query: Query, items: Sequence[str]) -> pd.DataFrame:
    """Protected answer distributions of `items`."""
    subset, selection = counted(survey, query)
    table = distribution_table(subset, query.by, list(items), query.denominator, query.focus)
    return _named(protect_distribution(table, threshold(survey), query.by, survey, focus=query.focus,
                                       selection=selection), survey, query)


def numeric_rows(survey: Survey, query: Query, items: Sequence[str]) -> pd.DataFrame:
    """Protected mean, median, SD and 95 % interval of numeric `items` (`analysis.numeric`):
    the filtered subset's whole cells, the survey's threshold."""
    subset, _ = counted(survey, query)
    return _named(numeric_table(subset, query.by, list(items), threshold(survey), focus=query.focus), survey, query)


def option_rows(survey: Survey, query: Query, question: str) -> pd.DataFrame:
    """Protected shares choosing each option of a multi-select question."""
    subset, selection = counted(survey, query)
    table = multi_select_table(subset, question, query.by, query.focus)
    return _named(protect_headline(table, threshold(survey), query.by, survey, focus=query.focus, selection=selection),
                  survey, query)


def _named(table: pd.DataFrame, survey: Survey, query: Query) -> pd.DataFrame:
    return labelled(table, survey, query.by, query.language)


def top_per_unit(table: pd.DataFrame, unit: str, n: int = TOP_OPTIONS) -> pd.DataFrame:
    """The `n` most chosen options in each unit of a protected options table grouped by `unit`.
    A hidden unit keeps one row, flagged `suppressed`, so its chart can say why."""
    top = top_options(table, (unit,), n)
    hidden = table[table["suppressed"]].drop_duplicates([unit])
    order = {value: i for i, value in enumerate(dict.fromkeys(table[unit]))}
    combined = pd.concat([top, hidden], ignore_index=True)
    return combined.sort_values(unit, key=lambda values: values.map(order), kind="stable").reset_index(drop=True)


def respondent_rows(survey: Survey, by: Sequence[str], language: str) -> pd.DataFrame:
    """Respondents, invited and response rate per cell of `by` and per total, protected."""
    return respondents_table(survey, tuple(by), threshold(survey), t("group.total", language))


def selection_summary(survey: Survey, view: View, respondents: pd.DataFrame) -> dict | None:
    """Oversikt's tiles — `invited`, `answered`, `response_rate` — for the view's selection, summed
    from the protected respondents rows (`respondent_rows` within the selection): the chosen
    values' margins (or cells, when both unit and group are filtered). None when there is no
    selection or the rows cannot tell: a filter on a breakdown beyond unit and group, a chosen
    row hidden or missing, or invited unknown for one of them — then the tiles count the whole
    survey and say so (`report.charts.scope_line`)."""
    selection = dict(view.query().selection)
    by = unit_and_group(survey)
    if not selection or any(column not in by for column in selection):
        return None
    total = t("group.total", view.language)
    keep = pd.Series(True, index=respondents.index)
    for column in by:
        keep &= respondents[column].isin(selection[column]) if column in selection else respondents[column] == total
    rows = respondents[keep]
    expected = 1
    for values in selection.values():
        expected *= len(values)
    if len(rows) != expected or rows["suppressed"].any() or rows["invited"].isna().any():
        return None
    invited, answered = int(rows["invited"].sum()), int(rows["respondents"].sum())
    return {"invited": invited, "answered": answered, "response_rate": answered / invited if invited else None}


def within_selection(table: pd.DataFrame, query: Query, by: Sequence[str]) -> pd.DataFrame:
    """Rows of a respondents table inside the query's filter (a total over a filtered breakdown
    would include the groups filtered away, so those rows go too)."""
    keep = pd.Series(True, index=table.index)
    for column, values in query.selection:
        if column in by:
            keep &= table[column].isin(values)
    return table[keep].reset_index(drop=True)


class SurveyNumbers:
    """The protected tables of one survey for any view, with the same methods as
    `dashboard.data` (which caches them per browser session) — for code that runs without
    Streamlit: the `deck` command, exports in tests. Results are kept for the object's life."""

    def __init__(self, survey: Survey):
        self.survey = survey
        self._memo: dict[tuple, pd.DataFrame] = {}

    def _kept(self, key: tuple, make) -> pd.DataFrame:
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def threshold(self, survey: Survey | None = None) -> int:
        return threshold(self.survey)

    def headline(self, view: View, items: Sequence[str], by: Sequence[str] | None = None) -> pd.DataFrame:
        query = view.query(by)
        return self._kept(("headline", query, tuple(items)), lambda: headline_rows(self.survey, query, items))

    def distribution(self, view: View, items: Sequence[str]) -> pd.DataFrame:
        query = view.query()
        return self._kept(("distribution", query, tuple(items)), lambda: distribution_rows(self.survey, query, items))

    def numeric(self, view: View, items: Sequence[str]) -> pd.DataFrame:
        query = view.query()
        return self._kept(("numeric", query, tuple(items)), lambda: numeric_rows(self.survey, query, items))

    def options(self, view: View, question: str, by: Sequence[str]) -> pd.DataFrame:
        query = view.query(by)
        return self._kept(("options", query, question), lambda: option_rows(self.survey, query, question))

    def top_options_per_unit(self, view: View, question: str, n: int = TOP_OPTIONS) -> pd.DataFrame:
        return top_per_unit(self.options(view, question, (view.unit,)), view.unit, n)

    def respondents(self, view: View) -> pd.DataFrame:
        by = unit_and_group(self.survey)
        table = self._kept(("respondents", by, view.language), lambda: respondent_rows(self.survey, by, view.language))
        return within_selection(table, view.query(), by)
