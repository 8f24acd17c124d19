"""Who answered: invited, answered and response rate — overall and per group, protected.

The overview page and any report need the same three numbers; they are computed here, once,
from the responses and the `meta` sheet (`invited`, `invited_<value>_<value>` per cell).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.aggregate import group_codes
from analysis.codebook import Survey
from analysis.audit import size_counts
from analysis.protect import decide


def response_summary(survey: Survey) -> dict:
    """`invited` (None if unknown), `answered` and `response_rate` (answered / invited, or None)."""
    answered = len(survey.responses)
    invited = survey.invited
    return {"invited": invited, "answered": answered, "response_rate": answered / invited if invited else None}


def invited_in_cell(survey: Survey, values: Sequence[str]) -> int | None:
    """Invited in one cell, from the meta key `invited_<value>_<value>` (e.g. `invited_Grong_Folkevalgte`)."""
    raw = survey.meta.get("invited_" + "_".join(str(v) for v in values))
    try:
        return int(float(raw)) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def respondents_table(survey: Survey, by: Sequence[str], min_n: int, total_label: str = "Alle") -> pd.DataFrame:
    """Respondents, invited and response rate per cell of `by` and per total over each breakdown.

    One row per cell (every combination of `by` values with respondents; `cell` true), per
    margin (a breakdown's value summed over the others, labelled `total_label` in the others)
    and for everyone. Group sizes go through the same disclosure control as answers: a cell with fewer
    than `min_n` people is hidden, and so is whatever would let it be recovered by subtraction
    (`analysis.protect.decide`); hidden rows have `suppressed` true and no
    `respondents` or `response_rate`.
    """
    by = tuple(by)
    _, cells = group_codes(survey, by)
    keys = np.column_stack([pd.factorize(cells[c])[0] for c in by]) if by else np.zeros((len(cells), 0), dtype=np.int64)
    people = cells["respondents"].to_numpy(dtype=np.int64)
    # Counting people carries no answer: the group size is the one number, with no all-or-none rule.
    decision = decide(keys, size_counts(people), min_n)
    invited = np.array([invited_in_cell(survey, [row[c] for c in by]) if by else survey.invited
                        for row in cells.to_dict("records")], dtype=object)
    rows = []
    for vector, status in zip(decision.entities, decision.status):
        members = vector.astype(bool)
        labels = {c: (cells[c][members].iloc[0] if cells[c][members].nunique() == 1 else total_label) for c in by}
        count = int(people[members].sum())
        known = [v for v in invited[members] if v is not None]
        cell_invited = int(sum(known)) if len(known) == members.sum() else None
        if not by:
            cell_invited = survey.invited
        rows.append({**labels, "cell": members.sum() == 1, "respondents": count, "invited": cell_invited,
                     "response_rate": count / cell_invited if cell_invited else np.nan,
                     "suppressed": status is not None, "suppression": status})
    table = pd.DataFrame(rows)
    table["respondents"] = table["respondents"].astype("Int64").mask(table["suppressed"])
    table["invited"] = table["invited"].astype("Int64")
    table["response_rate"] = table["response_rate"].astype("Float64").mask(table["suppressed"])
    return table
