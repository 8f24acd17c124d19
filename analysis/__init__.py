"""The survey core: load and validate, count, test, protect. No Streamlit in here.

Data flow: `load` → `Survey` (`codebook`) → `aggregate` (counts, shares, intervals from
`stats`) → `protect` (small-group suppression) → pages, CLI and exports.
"""

from analysis.aggregate import Focus, count_answers, distribution_table, headline_table, multi_select_table
from analysis.codebook import Item, Survey
from analysis.load import BUNDLED_WORKBOOK, load_workbook, validate_workbook
from analysis.problems import Problem, SurveyError

__all__ = [
    "BUNDLED_WORKBOOK",
    "Focus",
    "Item",
    "Problem",
    "Survey",
    "SurveyError",
    "count_answers",
    "distribution_table",
    "headline_table",
    "load_workbook",
    "multi_select_table",
    "validate_workbook",
]
