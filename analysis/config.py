"""The suppression threshold in force — the data owner's setting, never the viewer's.

`SURVEY_MIN_GROUP_SIZE` (declared in `analysis.settings`, default 5, at least 1) is the
smallest group whose numbers may be shown. A workbook's `meta` sheet may ask for a higher
threshold; the higher of the two applies, so neither a file nor a URL nor a command-line flag
can lower the owner's setting. An invalid value (0, −5, "fem") stops the app and the CLI at
start-up (`analysis.settings.check`) instead of weakening protection.
"""

from __future__ import annotations

from analysis import settings
from analysis.codebook import Survey

DEFAULT_MIN_GROUP_SIZE = settings.BY_NAME["SURVEY_MIN_GROUP_SIZE"].default


def configured_min_group_size() -> int:
    """The data owner's threshold (raises `SettingsError` for an invalid one, never falls back)."""
    return int(settings.value("SURVEY_MIN_GROUP_SIZE"))


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
