"""The audit of a whole survey: the pattern `analysis.protect` publishes, checked count by count
by the attacker of `analysis.audit` (`audit_survey`). Its own module because it needs both:
protect builds on the audit's kernels, and this report builds on protect's plan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.audit import Context, QuestionAudit, audit_item, audit_question
from analysis.protect import clear_caches as protect_caches
from analysis.protect import plan_suppression

_REPORTS: dict[bytes, pd.DataFrame] = {}


def clear_caches() -> None:
    """Forget every cached pattern, table and audit report (a cold start)."""
    protect_caches()
    _REPORTS.clear()


def _question_audits(survey, plan, min_n: int) -> dict[str, tuple[QuestionAudit, int]]:
    """The joint audit of every multi-select question with an option in `plan`, per option:
    (the question's audit, the option's position in it)."""
    found = {}
    for options in survey.question_groups().values():
        ids = [o.id for o in options]
        if len(ids) < 2 or not any(i in plan for i in ids):
            continue
        patterns = plan_suppression(survey, min_n, ids)
        table = patterns[ids[0]].table
        audit = audit_question(table, [patterns[i].counts for i in ids], min_n,
                               [(patterns[i].hidden_cells, patterns[i].hidden_margins) for i in ids])
        for position, item_id in enumerate(ids):
            found[item_id] = (audit, position)
    return found


def audit_survey(survey, min_n: int, items: Sequence[str] | None = None, intervals: bool = False):
    """The audit of what the product publishes for a survey at threshold `min_n`: one row per
    hidden cell and protected count (item, the cell's breakdown values, `count`, `exempt`,
    `protected`) and one per small group of hidden cells whose total follows (`count` "small
    group", `protected` False). With `intervals`, also the integer attacker's exact interval
    `low`–`high` of every count (two MILPs each: slow for large tables). Cached by the items'
    counts per cell and the threshold. A pattern from `analysis.protect` always passes; this
    is the proof, for tests, benchmarks and anyone who wants to see it."""
    plan = plan_suppression(survey, min_n, items)
    key = hashlib.sha1(str((min_n, intervals)).encode() + b"".join(
        p.counts.digest() + p.hidden_cells.tobytes() + p.hidden_margins.tobytes() + item.encode()
        for item, p in plan.items())).digest()
    if key in _REPORTS:
        return _REPORTS[key].copy()
    breakdowns = list(survey.breakdowns)
    joint = _question_audits(survey, plan, min_n)
    rows = []
    for item_id, pattern in plan.items():
        if not pattern.hidden_cells.any():
            continue
        context = Context(pattern.table, pattern.counts, min_n, pattern.known_blank)
        audit = audit_item(context, pattern.hidden_cells, pattern.hidden_margins, exact=True)
        pinned = set(audit.pinned)
        system = audit.system
        exempt, checked, shared = audit.exempt, np.zeros_like(audit.exempt), None
        if item_id in joint:
            shared, option = joint[item_id]
            exempt, checked = shared.exempt[option], shared.checked[option]
            pinned |= {(cell, quantity) for o, cell, quantity in shared.pinned if o == option}
        for position, cell in enumerate(audit.hidden):
            where = {b: pattern.cells[b].iloc[cell] for b in breakdowns}
            for quantity, name in enumerate(pattern.counts.quantity_names):
                row = {"item_id": item_id, **where, "count": name, "exempt": bool(exempt[position, quantity]),
                       "protected": (int(cell), quantity) not in pinned}
                if intervals:
                    if checked[position, quantity]:
                        low = shared.joint.extreme(option, position, quantity, 1)
                        high = shared.joint.extreme(option, position, quantity, -1)
                    else:
                        low, high = system.extreme(position, quantity, 1), system.extreme(position, quantity, -1)
                    row["low"], row["high"] = low, high
                rows.append(row)
        for union in audit.unions:
            rows.append({"item_id": item_id, **{b: " + ".join(map(str, pattern.cells[b].iloc[union])) for b in breakdowns},
                         "count": "small group", "exempt": False, "protected": False})
    report = pd.DataFrame(rows, columns=["item_id", *breakdowns, "count", "exempt", "protected",
                                         *(["low", "high"] if intervals else [])])
    _REPORTS[key] = report
    while len(_REPORTS) > 64:
        _REPORTS.pop(next(iter(_REPORTS)))
    return report.copy()
