"""Post-stratification weights from the invited counts: a sensitivity view, off by default.

Response rates differ a little between municipality × role cells (71–79 % in 2022), so a pooled
figure such as "Administrasjon" leans towards the cells that answered most. If the workbook's
`meta` sheet gives the number invited per cell (`invited_<Kommune>_<Rolle>`, e.g.
`invited_Røyrvik_Folkevalgte`), each respondent can be weighted by invited / answered in their
cell, so every cell counts with its share of those invited. The weighted figure is shown next
to the unweighted one, never instead of it: it answers "would the picture change if every
cell had answered at the same rate?", not "what is the true value?".

Weights cost precision. Kish's effective sample size n_eff = (Σw)² / Σw² says how many
unweighted answers the weighted figure is worth; its interval is a Wilson interval on n_eff
(an approximation, labelled as such in docs/statistics.md).

A survey with a weight column (`kind = weight`: design or post-stratification weights from
the survey's producer) is weighted by that column instead: the same view, each respondent
carrying their own weight, n_eff from the weights of those who answered. Suppression is
always decided on the unweighted counts.

Weighted figures mix cells with different weights, so a pooled weighted share containing a
hidden cell would add a new equation an attacker could solve. A weighted figure is therefore
shown only when every cell inside it is shown in the suppression pattern
(`analysis.protect.plan_suppression`).
"""

from __future__ import annotations

from itertools import product
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.aggregate import Denominator, Focus, count_answers, group_codes, headline_table
from analysis.codebook import Survey
from analysis.config import min_group_size
from analysis.i18n import t
from analysis.protect import SECONDARY, group_members, headline_status, plan_suppression
from analysis.stats import wilson_interval

INVITED_PREFIX = "invited_"


class WeightingUnavailable(ValueError):
    """The metadata do not give usable invited counts for every cell."""


def invited_key(values: Sequence[str]) -> str:
    """The meta key holding the number invited in one cell: `invited_Grong_Administrasjon`."""
    return INVITED_PREFIX + "_".join(values)


def cell_weights(survey: Survey) -> pd.DataFrame:
    """One row per cell (every breakdown crossed): invited, respondents and the weight
    invited / respondents given to each respondent in it.

    Raises `WeightingUnavailable` when a cell with respondents lacks an invited count, when a
    count is not a whole number, or when fewer were invited than answered — weights would
    then be meaningless, and the sensitivity view says so instead of guessing.
    """
    breakdowns = list(survey.breakdowns)
    present = survey.responses.groupby(breakdowns, observed=True).size()
    rows = []
    for combo in product(*(survey.breakdowns[b].values for b in breakdowns)):
        respondents = int(present.get(combo if len(combo) > 1 else combo[0], 0))
        raw = survey.meta.get(invited_key(combo))
        if raw in (None, ""):
            if respondents:
                raise WeightingUnavailable(f"meta lacks {invited_key(combo)}")
            continue
        try:
            invited = int(float(raw))
        except ValueError as err:
            raise WeightingUnavailable(f"{invited_key(combo)} is not a whole number: {raw!r}") from err
        if invited < respondents:
            raise WeightingUnavailable(f"{invited_key(combo)}: {invited} invited but {respondents} answered")
        if respondents == 0 and invited > 0:
            raise WeightingUnavailable(f"{invited_key(combo)}: nobody answered, so the cell cannot be weighted up")
        rows.append({**dict(zip(breakdowns, combo)), "invited": invited, "respondents": respondents})
    frame = pd.DataFrame(rows, columns=[*breakdowns, "invited", "respondents"])
    frame["weight"] = frame["invited"] / frame["respondents"].where(frame["respondents"] > 0)
    return frame


def weighting_available(survey: Survey) -> bool:
    """Whether the survey can be weighted: a weight column, or invited counts for every cell."""
    if survey.weight:
        return True
    try:
        cell_weights(survey)
    except WeightingUnavailable:
        return False
    return True


def unavailable_note(survey: Survey, language: str = "nb") -> str:
    """Why there is no weighted view (for the page to show instead)."""
    cells = " × ".join(b.label if language != "en" else (b.label_en or b.label) for b in survey.breakdowns.values())
    return t("weighting.unavailable", language, cells=cells.lower())


def kish_effective_n(weights, counts=None) -> float:
    """Kish's effective sample size (Σw)² / Σw², with `counts[i]` people carrying `weights[i]`."""
    w = np.asarray(weights, dtype=float)
    c = np.ones_like(w) if counts is None else np.asarray(counts, dtype=float)
    total = float((c * w).sum())
    squares = float((c * w**2).sum())
    return total**2 / squares if squares > 0 else float("nan")


def weighted_headline(
    survey: Survey,
    by: Sequence[str] = (),
    items: Sequence[str] | None = None,
    denominator: Denominator = "report",
    min_n: int | None = None,
    focus: Focus | None = None,
) -> pd.DataFrame:
    """Unweighted and post-stratified headline shares side by side, protected.

    One row per item × group (as `headline_table`): the unweighted `n`, `pct`, `ci_low`,
    `ci_high` (proportions for the interval, as everywhere) and `weighted_pct`,
    `weighted_ci_low`, `weighted_ci_high`, `n_eff`, `design_effect` (n / n_eff) and
    `diff_pp` (weighted − unweighted, percentage points). Rows hidden by the suppression
    pattern, or containing a hidden cell, carry no numbers (`suppressed`, `suppression`).
    With a weight column the respondents' own weights are used. Raises
    `WeightingUnavailable` when there is no weight column and the metadata lack invited counts.
    """
    weights = None if survey.weight else cell_weights(survey)
    threshold = min_group_size(survey, min_n)
    by = tuple(by)
    table = headline_table(survey, by, items, denominator, focus)
    item_ids = list(dict.fromkeys(table["item_id"]))
    plan = plan_suppression(survey, threshold, item_ids)
    status = headline_status(table, threshold, by, survey, focus=focus, plan=plan)
    breakdowns = list(survey.breakdowns)
    cells = count_answers(survey, breakdowns, item_ids)
    cell_table = headline_table(survey, breakdowns, item_ids, denominator, counts=cells)
    n_cells = len(cells.groups)
    if weights is not None:
        cell_weight = cells.groups[breakdowns].merge(weights, on=breakdowns, how="left")["weight"].to_numpy(dtype=float)
    columns = {name: [] for name in ("weighted_pct", "weighted_ci_low", "weighted_ci_high", "n_eff", "design_effect")}
    final_status = status.copy()
    for position, (item_id, block) in enumerate(table.groupby("item_id", sort=False)):
        index = item_ids.index(item_id)
        rows = slice(index * n_cells, (index + 1) * n_cells)
        k = cell_table["k"].to_numpy(dtype=float)[rows]
        n = cell_table["n"].to_numpy(dtype=float)[rows]
        pattern = plan[item_id]
        members = group_members(block, by, survey, pattern.cells, focus, None)
        hidden_cells = pattern.cells["suppression"].notna().to_numpy()
        if weights is not None:
            sums = cell_weight * n, cell_weight * k, cell_weight**2 * n
        else:
            sums = _column_sums(survey, item_id, denominator, n_cells)
        weighted_n, weighted_k, squares = (members @ part for part in sums)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = weighted_k / weighted_n
            n_eff = np.where(squares > 0, weighted_n**2 / squares, np.nan)
        low, high = wilson_interval(share * n_eff, n_eff)
        unweighted_n = members @ n
        positions = np.flatnonzero(table["item_id"].to_numpy() == item_id)
        for j, row_position in enumerate(positions):
            if final_status[row_position] is None and (members[j].astype(bool) & hidden_cells).any():
                final_status[row_position] = SECONDARY
        columns["weighted_pct"].extend(np.round(100 * share, 1))
        columns["weighted_ci_low"].extend(low)
        columns["weighted_ci_high"].extend(high)
        columns["n_eff"].extend(np.round(n_eff, 1))
        columns["design_effect"].extend(np.where(n_eff > 0, unweighted_n / n_eff, np.nan))
    result = table[["item_id", "question", "section", "subsection", "measure", *by, "respondents", "n", "k", "pct",
                    "ci_low", "ci_high", "denominator"]].copy()
    for name, values in columns.items():
        result[name] = np.asarray(values, dtype=float)
    result["diff_pp"] = result["weighted_pct"] - 100 * result["k"] / result["n"].where(result["n"] > 0)
    suppressed = np.array([s is not None for s in final_status])
    result["suppressed"] = suppressed
    result["suppression"] = pd.Series(final_status, index=result.index, dtype=object)
    for name in ("n", "k"):
        result[name] = result[name].astype("Int64")
    for name in ("pct", "ci_low", "ci_high", *columns, "diff_pp"):
        result[name] = result[name].astype("Float64")
    hidden = ["n", "k", "pct", "ci_low", "ci_high", *columns, "diff_pp"]
    result.loc[suppressed, hidden] = pd.NA
    return result


def _column_sums(survey: Survey, item_id: str, denominator: Denominator, n_cells: int):
    """Per finest cell, from the weight column: Σw over those in the base, Σw over those in
    the measure, Σw² over the base (cells in `count_answers` order)."""
    item = survey.items[item_id]
    fine, _ = group_codes(survey, list(survey.breakdowns))
    w = survey.responses[survey.weight].to_numpy(dtype=float)
    codes = survey.responses[item_id].cat.codes.to_numpy()
    base = codes >= 0
    if denominator == "substantive" and item.dont_know:
        base &= codes != item.categories.index(item.dont_know)
    measure = np.isin(codes, [item.categories.index(c) for c in item.measure_categories]) & base
    return (np.bincount(fine[base], weights=w[base], minlength=n_cells),
            np.bincount(fine[measure], weights=w[measure], minlength=n_cells),
            np.bincount(fine[base], weights=w[base] ** 2, minlength=n_cells))


def weighting_note(survey: Survey, language: str = "nb") -> str:
    """The label text for the weighted sensitivity view."""
    if survey.weight:
        return t("weighting.note_column", language, weight=survey.weight)
    cells = " × ".join(b.label if language != "en" else (b.label_en or b.label) for b in survey.breakdowns.values())
    return t("weighting.note", language, cells=cells.lower())
