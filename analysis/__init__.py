"""The survey core: load and validate, count, test, protect. No Streamlit in here.

Data flow: `intake` (every file) → `load` (validation) → `Survey` (`codebook`) → `aggregate`
(counts, shares, intervals from `stats`) → `protect` (small-group suppression) → pages, CLI
and exports.

The names below are imported on first use, so `import analysis` (and `python -m analysis`,
which must set up its environment before numpy is imported, see `analysis.fork_safe`) stays
light.
"""

from importlib import import_module

_EXPORTS = {
    "Focus": "analysis.aggregate", "count_answers": "analysis.aggregate", "distribution_table": "analysis.aggregate",
    "headline_table": "analysis.aggregate", "multi_select_table": "analysis.aggregate",
    "Item": "analysis.codebook", "Survey": "analysis.codebook",
    "BUNDLED_WORKBOOK": "analysis.load", "load_workbook": "analysis.load", "validate_workbook": "analysis.load",
    "Problem": "analysis.problems", "SurveyError": "analysis.problems",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
