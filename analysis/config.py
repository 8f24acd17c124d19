"""Settings the data owner controls (environment variables), never the viewer.

`SURVEY_MIN_GROUP_SIZE` — smallest group whose numbers may be shown (default 5). A
workbook's `meta` sheet may ask for a higher threshold; the higher of the two applies, so
neither a file nor a URL nor a command-line flag can lower the owner's setting.
"""

from __future__ import annotations

import os

from analysis.codebook import Survey

DEFAULT_MIN_GROUP_SIZE = 5


def configured_min_group_size() -> int:
    value = os.environ.get("SURVEY_MIN_GROUP_SIZE", "")
    try:
        return max(1, int(value)) if value.strip() else DEFAULT_MIN_GROUP_SIZE
    except ValueError:
        return DEFAULT_MIN_GROUP_SIZE


def min_group_size(survey: Survey | None = None, requested: int | None = None) -> int:
    """The threshold in force: the highest of configuration, the survey's meta and a request."""
    candidates = [configured_min_group_size()]
    if survey is not None:
        try:
            candidates.append(int(float(survey.meta.get("min_group_size", 0) or 0)))
        except ValueError:
            pass
    if requested is not None:
        candidates.append(int(requested))
    return max(candidates)
