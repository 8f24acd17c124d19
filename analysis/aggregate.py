"""Counting answers: headline shares, full distributions and multi-select shares per group.

All counting happens on category codes with `numpy.bincount` over (group, category) —
no melt, no groupby — so the same function serves 93 respondents and a million. Tables
are built from the resulting count cube (item × group × category).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from analysis.codebook import Item, Survey
from analysis.stats import pct_half_up, wilson_interval

Denominator = Literal["report", "substantive"]
DENOMINATORS: tuple[Denominator, ...] = ("report", "substantive")
BLANK = "(blank)"
REST_MARKER = "__rest__"


@dataclass(frozen=True)
class Focus:
    """Compare one value of a breakdown with all the others ("Grong vs the rest")."""

    breakdown: str
    value: str


@dataclass
class Counts:
    """The count cube: `array[item, group, category]`, the last category being "blank".

    `groups` has one row per group (one column per breakdown, in `by` order) and a
    `respondents` column; `categories[i]` lists item i's category labels.
    """

    items: list[Item]
    groups: pd.DataFrame
    by: tuple[str, ...]
    array: np.ndarray

    @property
    def blank_index(self) -> int:
        return self.array.shape[2] - 1


def group_codes(survey: Survey, by: Sequence[str], focus: Focus | None = None) -> tuple[np.ndarray, pd.DataFrame]:
    """One integer code per respondent for its combination of `by` values, plus the groups.

    Mixed-radix codes over the breakdowns' category codes; with a `focus`, that breakdown
    collapses to two values: the focus value and the rest. Only groups that have
    respondents are returned.
    """
    n = len(survey.responses)
    code = np.zeros(n, dtype=np.int64)
    levels: list[list[str]] = []
    for column in by:
        if column not in survey.breakdowns:
            raise KeyError(column)
        values = survey.responses[column]
        column_codes = values.cat.codes.to_numpy().astype(np.int64)
        labels = list(values.cat.categories)
        if focus is not None and focus.breakdown == column:
            column_codes = np.where(column_codes == labels.index(focus.value), 0, 1)
            labels = [focus.value, REST_MARKER]
        code = code * len(labels) + column_codes
        levels.append(labels)
    sizes = [len(level) for level in levels]
    total = int(np.prod(sizes)) if sizes else 1
    respondents = np.bincount(code, minlength=total)
    present = np.flatnonzero(respondents)
    index = np.unravel_index(present, sizes) if sizes else ()
    groups = pd.DataFrame({column: [levels[i][j] for j in index[i]] for i, column in enumerate(by)})
    groups["respondents"] = respondents[present]
    remap = np.full(total, -1, dtype=np.int64)
    remap[present] = np.arange(len(present))
    return remap[code], groups


def count_answers(
    survey: Survey,
    by: Sequence[str] = (),
    items: Sequence[str] | None = None,
    focus: Focus | None = None,
) -> Counts:
    """Count every answer category (and blanks) per item and group.

    One `bincount` per item over `group * width + category` codes: vectorised over
    respondents, and it never materialises a respondents × items matrix, so peak memory
    stays near the size of one column (see benchmarks/core_scale.py).
    """
    by = tuple(by)
    chosen = [survey.items[i] for i in items] if items is not None else survey.ordered_items()
    codes, groups = group_codes(survey, by, focus)
    n_groups = len(groups)
    width = max((len(item.categories) for item in chosen), default=0) + 1  # + blank
    cube = np.zeros((len(chosen), n_groups, width), dtype=np.int64)
    if not chosen or not len(codes):
        return Counts(chosen, groups, by, cube)
    base = codes * width + (width - 1)  # every respondent's "blank" cell, shifted per answer
    for j, item in enumerate(chosen):
        column = survey.responses[item.id].cat.codes.to_numpy()
        # code -1 (blank) maps to width - 1; category c maps to c.
        flat = base + np.where(column < 0, 0, column.astype(np.int64) - (width - 1))
        cube[j] = np.bincount(flat, minlength=n_groups * width).reshape(n_groups, width)
    return Counts(chosen, groups, by, cube)


def _category_masks(counts: Counts) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks [item, category]: the measure's categories and "don't know"."""
    width = counts.array.shape[2]
    measure = np.zeros((len(counts.items), width), dtype=bool)
    dont_know = np.zeros((len(counts.items), width), dtype=bool)
    for i, item in enumerate(counts.items):
        for label in item.measure_categories:
            measure[i, item.categories.index(label)] = True
        if item.dont_know:
            dont_know[i, item.categories.index(item.dont_know)] = True
    return measure, dont_know


def headline_table(survey: Survey, by: Sequence[str] = (), items: Sequence[str] | None = None,
                   denominator: Denominator = "report", focus: Focus | None = None,
                   counts: Counts | None = None) -> pd.DataFrame:
    """Headline share per item and group: k, n, share, Wilson 95 % interval, DK and blanks.

    Denominator `report`: everyone who answered the item, "don't know" included, blanks
    excluded (the 2022 report's rule). `substantive`: "don't know" excluded as well.
    One row per item × group; `pct` is the share in percent rounded half-up to one decimal.
    Counted on codes, in no UI language: `question` and `measure` are the codebook's own text,
    "the rest" of a `focus` is the code `REST_MARKER` (`report.labels.labelled` names both).
    The table is unprotected: pass it through `analysis.protect` before showing it.
    """
    if denominator not in DENOMINATORS:
        raise ValueError(f"denominator must be one of {DENOMINATORS}")
    counts = counts or count_answers(survey, by, items, focus)
    measure, dont_know = _category_masks(counts)
    cube = counts.array
    k = np.einsum("igc,ic->ig", cube, measure)
    dk = np.einsum("igc,ic->ig", cube, dont_know)
    blank = cube[:, :, counts.blank_index]
    answered = cube.sum(axis=2) - blank
    n = answered - dk if denominator == "substantive" else answered
    low, high = wilson_interval(k.ravel(), n.ravel())
    n_items, n_groups = k.shape
    groups = counts.groups
    table = pd.DataFrame(
        {
            "item_id": np.repeat([i.id for i in counts.items], n_groups),
            "question": np.repeat([i.title() for i in counts.items], n_groups),
            "section": np.repeat([i.section for i in counts.items], n_groups),
            "subsection": np.repeat([i.subsection for i in counts.items], n_groups),
            "measure": np.repeat([i.measure_text() for i in counts.items], n_groups),
        }
    )
    for column in counts.by:
        table[column] = np.tile(groups[column].to_numpy(), n_items)
    table["respondents"] = np.tile(groups["respondents"].to_numpy(), n_items)
    table["n"] = n.ravel()
    table["k"] = k.ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share"] = np.where(table["n"] > 0, table["k"] / table["n"].where(table["n"] > 0, 1), np.nan)
    table["pct"] = pct_half_up(table["k"].to_numpy(), table["n"].to_numpy())
    table["ci_low"] = low
    table["ci_high"] = high
    table["dont_know"] = dk.ravel()
    table["blank"] = blank.ravel()
    table["denominator"] = denominator
    return table


def distribution_table(survey: Survey, by: Sequence[str] = (), items: Sequence[str] | None = None,
                       denominator: Denominator = "report", focus: Focus | None = None,
                       counts: Counts | None = None) -> pd.DataFrame:
    """Every answer category's count and share per item and group (long, for charts/export).

    Blanks are a row of their own (`category == "(blank)"`, share NaN); with the
    `substantive` denominator the "don't know" share is NaN as well, since it is outside
    the base.
    """
    counts = counts or count_answers(survey, by, items, focus)
    groups = counts.groups
    frames = []
    for i, item in enumerate(counts.items):
        labels = list(item.categories) + [BLANK]
        cube = counts.array[i][:, : len(item.categories)]
        blank = counts.array[i][:, counts.blank_index]
        block = np.concatenate([cube, blank[:, None]], axis=1)
        dk_index = item.categories.index(item.dont_know) if item.dont_know else None
        base = cube.sum(axis=1)
        if denominator == "substantive" and dk_index is not None:
            base = base - cube[:, dk_index]
        share = np.divide(block, base[:, None], out=np.full(block.shape, np.nan), where=base[:, None] > 0)
        share[:, -1] = np.nan
        if denominator == "substantive" and dk_index is not None:
            share[:, dk_index] = np.nan
        n_groups = len(groups)
        frame = pd.DataFrame(
            {
                "item_id": item.id,
                "question": item.title(),
                "category": np.tile(labels, n_groups),
                "category_order": np.tile(np.arange(len(labels)), n_groups),
                "is_dont_know": np.tile([c == item.dont_know for c in labels], n_groups),
                "is_blank": np.tile([c == BLANK for c in labels], n_groups),
                "count": block.ravel(),
                "n": np.repeat(base, len(labels)),
                "share": share.ravel(),
            }
        )
        for column in counts.by:
            frame.insert(2, column, np.repeat(groups[column].to_numpy(), len(labels)))
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["item_id", "question", *counts.by, "category", "count", "n", "share"])
    table = pd.concat(frames, ignore_index=True)
    table["denominator"] = denominator
    return table


def multi_select_table(
    survey: Survey,
    question: str,
    by: Sequence[str] = (),
    focus: Focus | None = None,
) -> pd.DataFrame:
    """Share of respondents choosing each option of a multi-select question, per group.

    The base is everyone who answered the question (a row with any option filled in);
    rank 1 is the most chosen option in the group, ties broken by codebook order.
    """
    options = survey.question_groups().get(question)
    if not options:
        raise KeyError(question)
    table = headline_table(survey, by, [o.id for o in options], "report", focus)
    table["option"] = np.repeat([o.title() for o in options], len(table) // len(options))
    table["question"] = options[0].text("question")
    table["option_order"] = np.repeat(np.arange(len(options)), len(table) // len(options))
    keys = list(by) or None
    ordered = table.sort_values(["share", "option_order"], ascending=[False, True], kind="stable")
    ranks = ordered.groupby(keys, sort=False).cumcount() + 1 if keys else pd.Series(np.arange(1, len(ordered) + 1), index=ordered.index)
    table["rank"] = ranks.reindex(table.index)
    return table


def top_options(table: pd.DataFrame, by: Sequence[str] = (), n: int = 5) -> pd.DataFrame:
    """The `n` most chosen options per group, groups in table order, options by rank."""
    top = table[table["rank"] <= n]
    if not by:
        return top.sort_values("rank", kind="stable")
    order = {key: i for i, key in enumerate(dict.fromkeys(map(tuple, table[list(by)].to_numpy())))}
    position = top[list(by)].apply(lambda row: order[tuple(row)], axis=1)
    return top.assign(_group=position).sort_values(["_group", "rank"], kind="stable").drop(columns="_group")
