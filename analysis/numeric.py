"""Numeric items (`kind = numeric`: age, income, days a week): n, mean, median, SD and a 95 %
interval per group, weighted when the survey has a weight column, and their comparison.

Protection. Every group any view shows is a union of whole finest cells (every breakdown
crossed), and what it publishes — n, Σx, Σx² behind the mean and SD — adds up over cells. The
item's pattern (`analysis.protect.count_pattern`) treats its answered count per cell as the
published count: cells with fewer than `min_n` answers are sensitive, and more cells and
margins are hidden until the audit pins no count of a hidden cell — so no hidden cell is a
combination of shown groups, and neither is its sum of anything. A group is shown when the
pattern shows it (`ItemPattern.status`), exactly as for headline shares.

The interval is Student's t on n − 1 degrees of freedom; weighted, the weighted mean with
Kish's effective n (Σw)² / Σw² in place of n (docs/statistics.md). The comparison of two
groups is Welch's t-test (`scipy.stats.ttest_ind(equal_var=False)`) with its interval for the
difference of means; p-values are adjusted with Benjamini–Hochberg across the family.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.aggregate import Focus, group_codes
from analysis.codebook import Item, Survey
from analysis.config import min_group_size
from analysis.protect import count_pattern, group_members
from analysis.stats import benjamini_hochberg, welch_test

COLUMNS = ["item_id", "question", "respondents", "n", "mean", "median", "sd", "ci_low", "ci_high", "n_effective",
           "weighted", "suppressed", "suppression"]
HIDDEN = ("n", "mean", "median", "sd", "ci_low", "ci_high", "n_effective")


def _t_quantile(df) -> np.ndarray:
    from scipy.special import stdtrit  # Student's t quantile; scipy.stats costs ~0.8 s to import

    df = np.asarray(df, dtype=float)
    return np.where(df > 0, stdtrit(np.where(df > 0, df, 1), 0.975), np.nan)


def _status(survey: Survey, item: Item, by: Sequence[str], groups: pd.DataFrame, answered: np.ndarray,
            min_n: int, focus: Focus | None) -> np.ndarray:
    """Per group: "primary", "secondary" or None, from the item's pattern over the finest cells."""
    if min_n <= 1:
        return np.full(len(groups), None, dtype=object)
    pattern = count_pattern(survey, item.id, answered, min_n)
    members = group_members(groups, tuple(by), survey, pattern.cells, focus, None)
    return np.array([pattern.status(row) for row in members], dtype=object)


def numeric_table(survey: Survey, by: Sequence[str] = (), items: Sequence[str] | None = None,
                  min_n: int | None = None, weighted: bool = False, focus: Focus | None = None) -> pd.DataFrame:
    """One row per numeric item × group, protected (see the module): n, mean, median, sd,
    ci_low/ci_high (95 %), n_effective (Kish; = n unweighted), `suppression` as elsewhere.
    `weighted` uses the survey's weight column (a ValueError when it has none). Pass the
    unfiltered survey's subset for a filtered view: cells are whole, so the rule holds."""
    threshold = min_group_size(survey, min_n)
    chosen: list[Item] = [survey.items[i] for i in items] if items is not None else survey.numeric_items()
    if weighted and not survey.weight:
        raise ValueError("the survey has no weight column")
    codes, groups = group_codes(survey, list(by), focus)
    weight = survey.responses[survey.weight].to_numpy(dtype=float) if weighted else None
    frames = []
    for item in chosen:
        x = survey.responses[item.id].to_numpy(dtype=float)
        answered = ~np.isnan(x)
        frame = groups[list(by)].copy()
        frame.insert(0, "item_id", item.id)
        frame.insert(1, "question", item.title())
        frame["respondents"] = groups["respondents"].to_numpy()
        g, values = codes[answered], x[answered]
        w = weight[answered] if weight is not None else np.ones(len(values))
        size = len(groups)
        n = np.bincount(g, minlength=size)
        total_w = np.bincount(g, weights=w, minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.bincount(g, weights=w * values, minlength=size) / total_w
            centred = values - mean[g]
            if weight is None:
                sd = np.sqrt(np.bincount(g, weights=centred ** 2, minlength=size) / (n - 1))
                n_eff = n.astype(float)
            else:
                n_eff = total_w ** 2 / np.bincount(g, weights=w ** 2, minlength=size)
                variance = np.bincount(g, weights=w * centred ** 2, minlength=size) / total_w
                sd = np.sqrt(variance * n_eff / (n_eff - 1))
            half = _t_quantile(n_eff - 1) * sd / np.sqrt(n_eff)
        frame["n"] = n
        frame["mean"] = np.where(n > 0, mean, np.nan)
        frame["median"] = _medians(g, values, w if weight is not None else None, size)
        frame["sd"] = np.where(n > 1, sd, np.nan)
        frame["ci_low"] = np.where(n > 1, mean - half, np.nan)
        frame["ci_high"] = np.where(n > 1, mean + half, np.nan)
        frame["n_effective"] = n_eff
        frame["weighted"] = weight is not None
        status = _status(survey, item, by, groups, answered, threshold, focus)
        frame["suppression"] = pd.Series(status, dtype=object)
        frame["suppressed"] = np.array([s is not None for s in status], dtype=bool)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["item_id", "question", *by, *COLUMNS[2:]])
    table = pd.concat(frames, ignore_index=True)
    for column in HIDDEN:
        table[column] = table[column].astype("Float64")
        table.loc[table["suppressed"], column] = pd.NA
    table["n"] = table["n"].astype("Int64")
    return table


def _medians(g: np.ndarray, values: np.ndarray, w: np.ndarray | None, size: int) -> np.ndarray:
    """Median per group (weighted: the smallest value whose cumulative weight reaches half)."""
    result = np.full(size, np.nan)
    order = np.lexsort((values, g))
    g, values = g[order], values[order]
    weights = np.ones(len(values)) if w is None else w[order]
    bounds = np.searchsorted(g, np.arange(size + 1))
    for group in range(size):
        part = slice(bounds[group], bounds[group + 1])
        if bounds[group] == bounds[group + 1]:
            continue
        if w is None:
            result[group] = float(np.median(values[part]))
        else:
            cumulative = np.cumsum(weights[part])
            result[group] = float(values[part][np.searchsorted(cumulative, cumulative[-1] / 2)])
    return result


def compare_numeric(survey: Survey, breakdown: str, items: Sequence[str] | None = None,
                    min_n: int | None = None) -> pd.DataFrame:
    """Each value of `breakdown` against the rest (two values: the pair), per numeric item:
    difference of means with Welch's 95 % interval, Welch's t-test, BH-adjusted p-values.
    A contrast with a hidden group shows no numbers and is not adjusted."""
    threshold = min_group_size(survey, min_n)
    chosen = list(items) if items is not None else [i.id for i in survey.numeric_items()]
    present = set(survey.responses[breakdown].dropna().astype(str))
    values = [v for v in survey.breakdowns[breakdown].values if v in present]
    contrasts = [(values[0], values[1])] if len(values) == 2 else [(v, None) for v in values]
    rows = []
    for value_a, value_b in contrasts:
        focus = Focus(breakdown, value_a) if value_b is None else None
        table = numeric_table(survey, [breakdown], chosen, threshold, focus=focus)
        column = survey.responses[breakdown].astype(str).to_numpy()
        in_a = column == value_a
        in_b = ~in_a if value_b is None else column == value_b
        for item_id in chosen:
            block = table[table["item_id"] == item_id]
            group_a = block.iloc[0][breakdown]
            group_b = block.iloc[1][breakdown] if value_b is None else value_b
            hidden = bool(block["suppressed"].any())
            row = {"item_id": item_id, "group_a": group_a, "group_b": group_b, "suppressed": hidden,
                   "diff": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
            if not hidden:
                x = survey.responses[item_id].to_numpy(dtype=float)
                a, b = x[in_a & ~np.isnan(x)], x[in_b & ~np.isnan(x)]
                difference, low, high, p_value = welch_test(a, b)
                row.update(diff=difference, ci_low=low, ci_high=high, p_value=p_value)
            rows.append(row)
    result = pd.DataFrame(rows, columns=["item_id", "group_a", "group_b", "diff", "ci_low", "ci_high", "p_value",
                                         "suppressed"])
    result["p_adjusted"] = benjamini_hochberg(result["p_value"].astype(float))
    return result
