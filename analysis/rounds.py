"""Survey rounds: combining files of the same survey and testing change between rounds.

A survey holds several rounds either as one breakdown column named in meta
(`round_column`, e.g. `år`) or by combining several uploaded files with
`combine_rounds`, which adds the breakdown `runde`. Items asked in only some rounds are
reported (never silently dropped): in the rounds without them they are blank.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.aggregate import Denominator, headline_table
from analysis.codebook import Breakdown, Survey
from analysis.problems import Problem
from analysis.protect import protect_headline
from analysis.stats import fisher_exact_p, newcombe_interval

COMBINED_ROUND_COLUMN = "runde"


def round_column(survey: Survey) -> str | None:
    """The breakdown that identifies the round, if the survey has one."""
    named = survey.meta.get("round_column")
    if named and named in survey.breakdowns:
        return named
    return COMBINED_ROUND_COLUMN if COMBINED_ROUND_COLUMN in survey.breakdowns else None


def combine_rounds(rounds: Sequence[tuple[str, Survey]]) -> tuple[Survey | None, list[Problem]]:
    """Stack surveys (oldest first) into one with a `runde` breakdown.

    Items must agree on kind and scale across rounds (a changed scale is an error: the
    shares would not be comparable); an item missing from a round is blank there and
    reported as a warning. Breakdown values are the union, in first-seen order.
    """
    problems: list[Problem] = []
    labels = [label for label, _ in rounds]
    if len(set(labels)) != len(labels):
        problems.append(Problem("round_duplicate_label", params={"labels": ", ".join(labels)}))
        return None, problems
    items: dict = {}
    breakdowns: dict[str, Breakdown] = {}
    for label, survey in rounds:
        for item_id, item in survey.items.items():
            first = items.get(item_id)
            if first is None:
                items[item_id] = item
            elif (first.kind, first.categories, first.measure) != (item.kind, item.categories, item.measure):
                problems.append(Problem("round_scale_mismatch", column=item_id, params={"round": label}))
        for column, breakdown in survey.breakdowns.items():
            known = breakdowns.get(column)
            values = list(known.values) if known else []
            values += [v for v in breakdown.values if v not in values]
            breakdowns[column] = replace(breakdown, values=tuple(values)) if known is None else replace(known, values=tuple(values))
    if any(p.severity == "error" for p in problems):
        return None, problems
    for item_id in items:
        missing = [label for label, survey in rounds if item_id not in survey.items]
        if missing:
            problems.append(Problem("round_item_missing", severity="warning", column=item_id,
                                    params={"rounds": ", ".join(missing)}))
    frames = []
    id_column = rounds[0][1].id_column
    for label, survey in rounds:
        frame = survey.responses.copy()
        frame[id_column] = label + ":" + frame[survey.id_column].astype(str)
        frame[COMBINED_ROUND_COLUMN] = label
        frames.append(frame)
    combined = pd.concat(frames, ignore_index=True)
    for column, breakdown in breakdowns.items():
        combined[column] = pd.Categorical(combined[column].astype(object), categories=list(breakdown.values))
    for item_id, item in items.items():
        combined[item_id] = pd.Categorical(combined[item_id].astype(object), categories=list(item.categories), ordered=True)
    combined[COMBINED_ROUND_COLUMN] = pd.Categorical(combined[COMBINED_ROUND_COLUMN], categories=labels)
    round_breakdown = Breakdown(COMBINED_ROUND_COLUMN, "Runde", tuple(labels), "Round")
    base = rounds[-1][1]
    survey = Survey(
        items=items,
        # The round goes last: the dashboard takes the first breakdown as the unit
        # (municipality) and the second as the group (role), as in a single round.
        breakdowns={**breakdowns, COMBINED_ROUND_COLUMN: round_breakdown},
        responses=combined,
        meta={**base.meta, **_pooled_invited(rounds), "round_column": COMBINED_ROUND_COLUMN},
        id_column=id_column,
        source=" + ".join(s.source or label for label, s in rounds),
        codebook=base.codebook,
    )
    return survey, problems


def _pooled_invited(rounds: Sequence[tuple[str, Survey]]) -> dict[str, str]:
    """`invited` (and `invited_<cell>`) for the combined rows: the sum over the rounds, or blank
    when a round does not say. The last round's count alone would give a response rate over
    100 % once the rows of every round are counted as answered."""
    keys = {key for _, survey in rounds for key in survey.meta if key == "invited" or key.startswith("invited_")}
    pooled = {}
    for key in keys:
        try:
            pooled[key] = str(sum(int(float(survey.meta[key])) for _, survey in rounds))
        except (KeyError, TypeError, ValueError):
            pooled[key] = ""
    return pooled


def round_coverage(survey: Survey) -> pd.DataFrame:
    """Per item, the rounds in which anyone answered it; items missing somewhere are flagged."""
    column = round_column(survey)
    if column is None:
        return pd.DataFrame(columns=["item_id", "rounds", "complete"])
    rounds = list(survey.breakdowns[column].values)
    rows = []
    for item in survey.ordered_items():
        answered = survey.responses[item.id].notna().groupby(survey.responses[column], observed=False).any()
        present = [r for r in rounds if bool(answered.get(r, False))]
        rows.append({"item_id": item.id, "question": item.question, "rounds": present, "complete": present == rounds})
    return pd.DataFrame(rows)


def round_changes(
    survey: Survey,
    min_n: int,
    by: Sequence[str] = (),
    items: Sequence[str] | None = None,
    denominator: Denominator = "report",
) -> pd.DataFrame:
    """Headline share per round and group, and the change between consecutive rounds.

    Each change carries the difference in percentage points with its Newcombe 95 %
    interval and Fisher's exact p on the 2×2 table. A change involving a suppressed group
    (fewer than `min_n` answers) carries no numbers. These are single comparisons, not a
    corrected family: read them as descriptive.
    """
    column = round_column(survey)
    if column is None:
        raise ValueError("the survey has no round column")
    by = [b for b in by if b != column]
    table = protect_headline(headline_table(survey, [column, *by], items, denominator),
                             min_n, [column, *by], survey=survey)
    return changes_between_rounds(table, column, survey.breakdowns[column].values, by)


def changes_between_rounds(table: pd.DataFrame, column: str, rounds: Sequence[str], by: Sequence[str] = ()) -> pd.DataFrame:
    """The change between consecutive rounds from an already protected headline table.

    `table` holds one row per item × round × group (`headline_table` grouped by the round
    `column` and `by`, passed through `analysis.protect`), so the dashboard can test exactly
    the numbers it draws — filtered, focused or not. A pair with a hidden group, or with no
    answers in one round (the item was not asked), carries no numbers and is `suppressed`.
    """
    by = [b for b in by if b != column]
    rows = []
    keys = ["item_id", *by]
    for key, group in table.groupby(keys, sort=False, observed=True):
        by_round = group.set_index(column)
        for earlier, later in zip(rounds, rounds[1:]):
            if earlier not in by_round.index or later not in by_round.index:
                continue
            a, b = by_round.loc[earlier], by_round.loc[later]
            row = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
            row.update(question=a["question"], measure=a["measure"], round_from=earlier, round_to=later)
            hidden = bool(a["suppressed"]) or bool(b["suppressed"]) or not (a["n"] > 0 and b["n"] > 0)
            row["suppressed"] = hidden
            if hidden:
                row.update(n_from=None, n_to=None, pct_from=None, pct_to=None, diff_pp=None,
                           diff_ci_low=None, diff_ci_high=None, p_value=None)
            else:
                k_a, n_a, k_b, n_b = int(a["k"]), int(a["n"]), int(b["k"]), int(b["n"])
                low, high = newcombe_interval(k_b, n_b, k_a, n_a)
                row.update(
                    n_from=n_a, n_to=n_b, pct_from=float(a["pct"]), pct_to=float(b["pct"]),
                    diff_pp=round(100 * (k_b / n_b - k_a / n_a), 1),
                    diff_ci_low=round(100 * float(np.asarray(low).ravel()[0]), 1),
                    diff_ci_high=round(100 * float(np.asarray(high).ravel()[0]), 1),
                    p_value=fisher_exact_p([[k_b, n_b - k_b], [k_a, n_a - k_a]]),
                )
            rows.append(row)
    return pd.DataFrame(rows)
