"""The session's survey and every number the pages show: loaded once, aggregated once, protected.

All survey access goes through `current_survey()`. Today that is the bundled workbook; a data
page can put another `DataSource` (e.g. an upload) into `st.session_state[SOURCE_STATE_KEY]`
and every page follows, for that browser session only.

Caching is keyed on the source's `key` (its content, not its name) plus the view's
parameters, so a filter change recounts only the view it changes and a rerun that changes
nothing recounts nothing:
- the parsed survey is a `st.cache_resource` (one shared, read-only object per source; a
  `cache_data` copy per rerun would cost more than the counting at large sizes);
- every table is a `st.cache_data` entry, already passed through `analysis.protect` — pages
  never see an unprotected number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from analysis.codebook import Survey
from analysis.load import BUNDLED_WORKBOOK
from analysis.intake import load_workbook
from report import numbers
from report.view import Query, View, unit_and_group

from report.keys import SOURCE_STATE_KEY


@dataclass(frozen=True)
class DataSource:
    """Where a session's survey comes from. `key` must change whenever the content does."""

    key: str
    name: str
    load: Callable[[], Survey] = field(compare=False)


def bundled_source() -> DataSource:
    stat = BUNDLED_WORKBOOK.stat()
    return DataSource(f"bundled:{stat.st_size}:{stat.st_mtime_ns}", BUNDLED_WORKBOOK.name,
                      lambda: load_workbook(BUNDLED_WORKBOOK))


def current_source() -> DataSource:
    """The data source of this browser session (the bundled workbook unless one was chosen)."""
    return st.session_state.get(SOURCE_STATE_KEY) or bundled_source()


@st.cache_resource(max_entries=8, show_spinner=False)
def _load(key: str, _source: DataSource) -> Survey:
    return _source.load()


def current_survey() -> Survey:
    """The survey every page shows — the one function pages use to reach the data."""
    source = current_source()
    return _load(source.key, source)


def threshold(survey: Survey) -> int:
    """The suppression threshold in force (the data owner's; never lowered by a viewer)."""
    return numbers.threshold(survey)


# ------------------------------------------------------------------------- cached tables
# Each public function takes the view and returns protected rows. The cached function behind
# it takes the source key, the view's `query` (only what changes the numbers: filter, groups,
# focus, denominator, language) and the survey, which is not hashed (`_survey`), and calls the
# pure function of `report.numbers` that exports and the command line call too.


@st.cache_data(max_entries=512, show_spinner=False)
def _headline(key: str, query: Query, items: tuple[str, ...], _survey: Survey) -> pd.DataFrame:
    return numbers.headline_rows(_survey, query, items)


@st.cache_data(max_entries=512, show_spinner=False)
def _distribution(key: str, query: Query, items: tuple[str, ...], _survey: Survey) -> pd.DataFrame:
    return numbers.distribution_rows(_survey, query, items)


@st.cache_data(max_entries=256, show_spinner=False)
def _numeric(key: str, query: Query, items: tuple[str, ...], _survey: Survey) -> pd.DataFrame:
    return numbers.numeric_rows(_survey, query, items)


@st.cache_data(max_entries=256, show_spinner=False)
def _options(key: str, query: Query, question: str, _survey: Survey) -> pd.DataFrame:
    return numbers.option_rows(_survey, query, question)


@st.cache_data(max_entries=32, show_spinner=False)
def _respondents(key: str, by: tuple[str, ...], language: str, _survey: Survey) -> pd.DataFrame:
    return numbers.respondent_rows(_survey, by, language)


def headline(view: View, items: Sequence[str], by: Sequence[str] | None = None) -> pd.DataFrame:
    """Protected headline shares of `items` for the view (one counting pass for all of them),
    grouped by the view's breakdown or by `by` (Utvikling adds the round)."""
    return _headline(current_source().key, view.query(by), tuple(items), current_survey())


def distribution(view: View, items: Sequence[str]) -> pd.DataFrame:
    """Protected answer distributions of `items` for the view."""
    return _distribution(current_source().key, view.query(), tuple(items), current_survey())


def numeric(view: View, items: Sequence[str]) -> pd.DataFrame:
    """Protected mean, median, SD and 95 % interval of numeric `items` for the view."""
    return _numeric(current_source().key, view.query(), tuple(items), current_survey())


def options(view: View, question: str, by: Sequence[str]) -> pd.DataFrame:
    """Protected shares choosing each option of a multi-select question, grouped by `by`
    (which may differ from the view's breakdown: the overall chart drops the municipality)."""
    return _options(current_source().key, view.query(by), question, current_survey())


def top_options_per_unit(view: View, question: str, n: int = numbers.TOP_OPTIONS) -> pd.DataFrame:
    """The `n` most chosen options in each unit (municipality, or "mine vs the rest"), as the
    report shows them. A hidden unit keeps one row, flagged `suppressed`, so it can say why."""
    return numbers.top_per_unit(options(view, question, (view.unit,)), view.unit, n)


def respondents(view: View) -> pd.DataFrame:
    """Respondents, invited and response rate per unit × group (municipality × role) and their
    totals, under the whole survey's suppression pattern; rows outside the filter are left out
    (a total over a filtered breakdown would include the groups filtered away)."""
    survey = current_survey()
    by = unit_and_group(survey)
    return numbers.within_selection(_respondents(current_source().key, by, view.language, survey), view.query(), by)
