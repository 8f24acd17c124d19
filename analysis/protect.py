"""Disclosure control: the one place where small groups are hidden before numbers leave the core.

Primary suppression: a group with fewer than k answers (the owner's threshold, see
`analysis.config`), or a group under SMALL_GROUP where all or none are in the headline
measure, shows no count, share, distribution or interval. Secondary suppression: when totals
are shown, enough other groups are hidden that no hidden one can be recovered by subtraction
(row/column totals, "my municipality vs the rest", filtered subsets, "don't know" and blank
counts). The pattern is decided once per item over the finest cells (`plan_suppression`) and
every view — pages, downloads, CLI, exports, weighted figures, comparisons — asks it, so no
two outputs can be combined to undo it. docs/statistics.md explains the rule for analysts.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from math import comb
from typing import NamedTuple, Sequence

import numpy as np
import pandas as pd

from analysis.aggregate import Focus, count_answers, headline_table
from analysis.codebook import Survey

HIDDEN_HEADLINE = ("n", "k", "share", "pct", "ci_low", "ci_high", "dont_know", "blank", "rank")
HIDDEN_DISTRIBUTION = ("count", "n", "share")
INTEGER_COLUMNS = ("n", "k", "dont_know", "blank", "count")


# --- the rule -------------------------------------------------------------------------------

PRIMARY = "primary"
SECONDARY = "secondary"
SMALL_GROUP = 10
"""Below this many substantive answers a group never shows 0 % or 100 % (everyone or no one)."""

_SEARCH_BUDGET = 3000
_EXHAUSTIVE_UNIONS = 12
_TOLERANCE = 1e-8


def is_sensitive(n_substantive, k, min_n: int) -> np.ndarray:
    """Which groups may not be shown on their own (primary suppression).

    A group is sensitive when fewer than `min_n` people took a position on the item
    (answered, not "don't know") — the smaller of the two possible bases, so the decision is
    the same whichever denominator a view uses — or when it has fewer than SMALL_GROUP such
    answers and all or none of them fall in the headline measure (a 0 % or 100 % there
    tells what each member answered). `min_n <= 1` switches disclosure control off.
    """
    n_substantive = np.asarray(n_substantive, dtype=np.int64)
    k = np.asarray(k, dtype=np.int64)
    if min_n <= 1:
        return np.zeros(np.broadcast(n_substantive, k).shape, dtype=bool)
    extreme = (n_substantive < SMALL_GROUP) & ((k == 0) | (k == n_substantive))
    return (n_substantive < min_n) | extreme


def _basis(rows: np.ndarray) -> np.ndarray:
    """Orthonormal basis of the row space: what a reader can compute from the shown totals."""
    if not len(rows):
        return np.zeros((0, rows.shape[1]))
    _, singular, vt = np.linalg.svd(rows, full_matrices=False)
    rank = int((singular > _TOLERANCE * max(1.0, singular[0])).sum())
    return vt[:rank]


def _derivable(basis: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """For each vector (a set of cells), whether its total follows from the shown totals."""
    if not len(vectors):
        return np.zeros(0, dtype=bool)
    residual = vectors - (vectors @ basis.T) @ basis
    return np.linalg.norm(residual, axis=1) < 1e-6


@dataclass
class ItemPattern:
    """The suppression pattern of one item over the finest cells (every breakdown crossed).

    `cells` has one row per finest cell present in the data: its breakdown values, counts and
    `suppression` ("primary", "secondary" or None). Any group — a cell, a row or column total,
    the grand total, "one municipality vs the rest", a filtered subset — is a set of cells
    and `status` decides it: shown only if it is not sensitive itself and its numbers can
    already be computed from the shown cells and totals (so showing it adds nothing).
    """

    item_id: str
    cells: pd.DataFrame
    min_n: int
    visible_basis: np.ndarray

    def members(self, **values) -> np.ndarray:
        """0/1 vector of the cells whose breakdown values are among the given ones."""
        mask = np.ones(len(self.cells), dtype=bool)
        for column, allowed in values.items():
            mask &= self.cells[column].isin(list(allowed)).to_numpy()
        return mask.astype(float)

    def status(self, members: np.ndarray) -> str | None:
        """The group made of these cells: "primary", "secondary" or None (shown)."""
        members = np.asarray(members, dtype=float)
        n_substantive = members @ self.cells["n_substantive"].to_numpy(dtype=float)
        k = members @ self.cells["k"].to_numpy(dtype=float)
        if is_sensitive(round(n_substantive), round(k), self.min_n).item():
            return PRIMARY
        if not _derivable(self.visible_basis, members[None, :])[0]:
            return SECONDARY
        return None


def _entities(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All groups a table can show, as 0/1 vectors over the cells: every cell, every margin
    over every subset of the breakdowns, the grand total (finest first, duplicates once)."""
    n_cells, n_keys = keys.shape
    vectors: list[np.ndarray] = []
    is_margin: list[bool] = []
    seen: set[bytes] = set()
    for size in range(n_keys, -1, -1):
        for subset in combinations(range(n_keys), size):
            sub = keys[:, list(subset)]
            groups: dict[tuple, list[int]] = {}
            for cell in range(n_cells):
                groups.setdefault(tuple(sub[cell]), []).append(cell)
            for _, members in sorted(groups.items()):
                vector = np.zeros(n_cells)
                vector[members] = 1
                fingerprint = vector.tobytes()
                if fingerprint in seen:
                    continue
                seen.add(fingerprint)
                vectors.append(vector)
                is_margin.append(len(members) > 1)
    return np.array(vectors), np.array(is_margin)


def _cell_unions(n_cells: int) -> np.ndarray:
    """Sets of two or more cells an attacker could add up (all of them for small tables)."""
    largest = n_cells if n_cells <= _EXHAUSTIVE_UNIONS else 3
    rows = []
    for size in range(2, largest + 1):
        for subset in combinations(range(n_cells), size):
            row = np.zeros(n_cells, dtype=bool)
            row[list(subset)] = True
            rows.append(row)
    return np.array(rows, dtype=bool).reshape(-1, n_cells)


class Decision(NamedTuple):
    """`entities`: every group a table can show (0/1 over cells); `status` per entity;
    `visible_basis`: what the shown ones let a reader compute; `cell_status` per cell."""

    entities: np.ndarray
    status: np.ndarray
    visible_basis: np.ndarray
    cell_status: np.ndarray


def suppression_pattern(keys, n_answered, n_substantive, k, min_n: int) -> Decision:
    """Decide which cells and totals of one item to hide.

    `keys` holds one row of breakdown codes per finest cell. The rule, in order:
    1. primary: every sensitive group (see `is_sensitive`) — cells and totals alike;
    2. secondary: while some sensitive set of hidden cells can still be computed from what is
       shown (a row or column total minus the shown cells, the grand total minus the other
       totals, "my municipality vs the rest", …), hide more. Among the complements that close
       every such gap, take the fewest cells, then the fewest answers (the smallest cells),
       then the first in table order — so the choice is deterministic. Cells go before
       totals; totals are hidden only when no set of cells closes the gap.
    Exposure is tested exactly: a hidden set is recoverable iff its 0/1 vector lies in the
    linear span of the shown groups' vectors (counts add up, so every subtraction attack is
    a linear combination).
    """
    keys = np.asarray(keys)
    n_answered = np.asarray(n_answered, dtype=np.int64)
    n_substantive = np.asarray(n_substantive, dtype=np.int64)
    k = np.asarray(k, dtype=np.int64)
    entities, is_margin = _entities(keys)
    n_entities, n_cells = entities.shape
    cell_entity = np.array([np.flatnonzero((entities == np.eye(n_cells)[c]).all(axis=1))[0] for c in range(n_cells)])
    sensitive = is_sensitive(entities @ n_substantive, entities @ k, min_n)
    unions = _cell_unions(n_cells)
    unions = unions[is_sensitive(unions @ n_substantive, unions @ k, min_n)] if len(unions) else unions
    singles = np.eye(n_cells, dtype=bool)[is_sensitive(n_substantive, k, min_n)]
    exposed_sets = np.vstack([singles, unions]).astype(float) if len(unions) else singles.astype(float)

    def safe(hidden: np.ndarray) -> bool:
        hidden_cells = hidden[cell_entity]
        candidates = exposed_sets[~(exposed_sets.astype(bool) & ~hidden_cells).any(axis=1)]
        if not len(candidates):
            return True
        return not _derivable(_basis(entities[~hidden]), candidates).any()

    hidden = sensitive.copy()
    status = np.where(sensitive, PRIMARY, None).astype(object)
    if not safe(hidden):
        size = entities @ n_answered
        options = [e for e in range(n_entities) if not hidden[e]]
        for e in _search(options, is_margin, size, hidden, safe):
            status[e] = SECONDARY
            hidden[e] = True
    return Decision(entities, status, _basis(entities[~hidden]), status[cell_entity])


def _search(options, is_margin, size, hidden, safe) -> list[int]:
    """Fewest complements first (cells before totals), then fewest answers hidden."""
    cells = [e for e in options if not is_margin[e]]
    budget = _SEARCH_BUDGET
    for pool in (cells, options):
        for count in range(1, len(pool) + 1):
            if comb(len(pool), count) > budget:
                break
            combos = sorted(combinations(pool, count),
                            key=lambda c: (sum(bool(is_margin[e]) for e in c), sum(int(size[e]) for e in c), c))
            budget -= len(combos)
            for combo in combos:
                trial = hidden.copy()
                trial[list(combo)] = True
                if safe(trial):
                    return list(combo)
    # Large tables: add complements one at a time (cells before totals, smallest first) until
    # safe, then drop any that turned out not to be needed.
    trial = hidden.copy()
    chosen: list[int] = []
    for e in sorted(options, key=lambda e: (bool(is_margin[e]), int(size[e]), e)):
        trial[e] = True
        chosen.append(e)
        if safe(trial):
            break
    for e in reversed(list(chosen)):
        trial[e] = False
        if safe(trial):
            chosen.remove(e)
        else:
            trial[e] = True
    return chosen


# --- the pattern for a survey, and its use on tables -------------------------------------------


def plan_suppression(survey: Survey, min_n: int, items: Sequence[str] | None = None) -> dict[str, ItemPattern]:
    """The suppression pattern of every item over the survey's finest cells (all breakdowns).

    One pattern per item serves every view of it — totals, any breakdown, "vs the rest",
    filtered subsets, both denominators, headline and distribution, weighted figures — so no
    two views can be combined to undo each other's suppression.
    """
    breakdowns = list(survey.breakdowns)
    counts = count_answers(survey, breakdowns, items)
    table = headline_table(survey, breakdowns, items, "report", counts=counts)
    n_groups = len(counts.groups)
    keys = np.column_stack([
        counts.groups[b].map({v: i for i, v in enumerate(survey.breakdowns[b].values)}).to_numpy(dtype=np.int64)
        for b in breakdowns
    ])
    labels = {b: counts.groups[b].to_numpy(dtype=object) for b in breakdowns}
    columns = {c: table[c].to_numpy(dtype=np.int64) for c in ("respondents", "n", "k", "dont_know", "blank")}
    patterns: dict[str, ItemPattern] = {}
    for i, item in enumerate(counts.items):
        rows = slice(i * n_groups, (i + 1) * n_groups)
        n_answered, k = columns["n"][rows], columns["k"][rows]
        n_substantive = n_answered - columns["dont_know"][rows]
        decided = suppression_pattern(keys, n_answered, n_substantive, k, min_n)
        cells = pd.DataFrame({
            **labels,
            "respondents": columns["respondents"][rows],
            "n_answered": n_answered,
            "n_substantive": n_substantive,
            "k": k,
            "dont_know": columns["dont_know"][rows],
            "blank": columns["blank"][rows],
            "suppression": pd.Series(decided.cell_status, dtype=object),
        })
        patterns[item.id] = ItemPattern(item.id, cells, min_n, decided.visible_basis)
    return patterns


def group_members(groups: pd.DataFrame, by: Sequence[str], survey: Survey, cells: pd.DataFrame,
                 focus: Focus | None, selection: dict | None) -> np.ndarray:
    """Which finest cells each row's group is made of (rows × cells, 0/1).

    A value of a `by` column that is not one of the breakdown's values is "the rest" (all
    values but the focus one); breakdowns not in `by` contribute their `selection`, or all.
    """
    members = np.ones((len(groups), len(cells)), dtype=bool)
    for column, breakdown in survey.breakdowns.items():
        cell_values = cells[column].to_numpy(dtype=object)
        chosen = (selection or {}).get(column) or breakdown.values
        in_selection = np.isin(cell_values, list(chosen))
        if column not in by:
            members &= in_selection[None, :]
            continue
        values = groups[column].to_numpy(dtype=object)
        real = np.isin(values, list(breakdown.values))
        same = values[:, None] == cell_values[None, :]
        if not real.all():
            focus_value = focus.value if focus is not None and focus.breakdown == column else None
            if focus_value is None:
                present = set(values[real])
                if len(present) != 1:
                    raise ValueError(f"cannot tell which group of {column!r} the rest is the rest of; pass focus=")
                focus_value = present.pop()
            rest = (cell_values != focus_value)[None, :]
            same = np.where(real[:, None], same, rest)
        members &= same & in_selection[None, :]
    return members.astype(float)


def _check_counts(groups: pd.DataFrame, members: np.ndarray, cells: pd.DataFrame, checks: dict[str, str]) -> None:
    """Refuse a table that was not counted from this survey and selection (a forgotten filter
    would otherwise get the wrong pattern)."""
    for table_column, cell_column in checks.items():
        if table_column not in groups:
            continue
        expected = members @ cells[cell_column].to_numpy(dtype=float)
        found = groups[table_column].to_numpy(dtype=float)
        if not np.allclose(expected, found):
            raise ValueError("the table does not match the survey: pass the unfiltered survey and the filter as selection=")


def _local_status(keys_frame: pd.DataFrame, n_answered, n_substantive, k, min_n: int) -> np.ndarray:
    """Pattern for a table protected on its own (no survey given): its rows are the cells."""
    keys = np.column_stack([pd.factorize(keys_frame[c])[0] for c in keys_frame.columns]) if keys_frame.shape[1] else np.zeros((len(keys_frame), 0), dtype=np.int64)
    return suppression_pattern(keys, n_answered, n_substantive, k, min_n).cell_status


def _statuses(groups: pd.DataFrame, n_answered, n_substantive, k, min_n: int, by: tuple[str, ...],
              survey: Survey | None, focus: Focus | None, selection: dict | None,
              plan: dict[str, ItemPattern] | None, checks: dict[str, str]) -> np.ndarray:
    """Status per group row (one row per item × group), from the survey's pattern when the
    survey is given, else from the groups themselves (`checks`: table column → cell column
    that must add up, so a mismatched table is refused)."""
    status = np.full(len(groups), None, dtype=object)
    if min_n <= 1 or not len(groups):
        return status
    item_ids = groups["item_id"].to_numpy()
    if survey is not None:
        plan = plan or plan_suppression(survey, min_n, list(dict.fromkeys(item_ids)))
    for item_id in dict.fromkeys(item_ids):
        rows = np.flatnonzero(item_ids == item_id)
        block = groups.iloc[rows]
        if survey is None:
            status[rows] = _local_status(block[list(by)], n_answered[rows], n_substantive[rows], k[rows], min_n)
            continue
        pattern = plan[item_id]
        members = group_members(block, by, survey, pattern.cells, focus, selection)
        _check_counts(block, members, pattern.cells, checks)
        status[rows] = [pattern.status(row) for row in members]
    return status


def headline_status(table: pd.DataFrame, min_n: int, by: Sequence[str] = (), survey: Survey | None = None,
                    focus: Focus | None = None, selection: dict | None = None,
                    plan: dict[str, ItemPattern] | None = None) -> np.ndarray:
    """Per row of a headline table: "primary", "secondary" or None (see `protect_headline`)."""
    substantive = table["denominator"].eq("substantive").to_numpy() if "denominator" in table else np.zeros(len(table), bool)
    n = table["n"].to_numpy(dtype=np.int64)
    dont_know = table["dont_know"].to_numpy(dtype=np.int64)
    n_answered = np.where(substantive, n + dont_know, n)
    n_substantive = np.where(substantive, n, n - dont_know)
    return _statuses(table, n_answered, n_substantive, table["k"].to_numpy(dtype=np.int64), min_n, tuple(by), survey,
                     focus, selection, plan, {"respondents": "respondents", "k": "k", "blank": "blank"})


def protect_headline(table: pd.DataFrame, min_n: int, by: tuple[str, ...] | list[str] = (),
                     survey: Survey | None = None, *, focus: Focus | None = None,
                     selection: dict | None = None, plan: dict[str, ItemPattern] | None = None) -> pd.DataFrame:
    """Hide every row that is sensitive or would let a reader work out one that is.

    Adds `suppressed` (bool) and `suppression` ("primary": too few answers, or 0 %/100 % in
    a group under SMALL_GROUP; "secondary": hidden so a primary one cannot be recovered by
    subtraction; None: shown). A hidden row keeps its group labels and `respondents` (group
    sizes are not answers) and loses n, k, share, pct, ci_low, ci_high, dont_know, blank.

    `by` names the table's group columns (as passed to `headline_table`). Pass `survey` —
    the unfiltered survey — so the pattern is the survey-wide one that every view shares
    (`plan_suppression`); with a filtered view pass its filter as `selection`
    ({breakdown: values}), with a "vs the rest" view its `focus`. A table whose counts do not
    match the survey and selection is refused. Without `survey` the table is protected on its
    own: safe for that table alone, not against combining it with other views. `plan`
    reuses a `plan_suppression` result when many tables of one survey are protected at once.
    """
    status = headline_status(table, min_n, by, survey, focus, selection, plan)
    return _rerank(_hide(table, status, HIDDEN_HEADLINE), by)


def _rerank(protected: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Multi-select ranks among the shown options only (a hidden option has no rank).

    Ranks counted over every option would leave a gap where a hidden one sits — "the missing
    rank is the last one" is exactly the 0 % that the hiding is meant to keep back.
    """
    if "rank" not in protected or "option_order" not in protected or not protected["suppressed"].any():
        return protected
    shown = protected[~protected["suppressed"]]
    ordered = shown.sort_values(["share", "option_order"], ascending=[False, True], kind="stable")
    keys = list(by)
    ranks = ordered.groupby(keys, sort=False).cumcount() + 1 if keys else pd.Series(np.arange(1, len(ordered) + 1), index=ordered.index)
    protected.loc[ranks.index, "rank"] = ranks.astype(float)
    return protected


def distribution_status(table: pd.DataFrame, min_n: int, by: Sequence[str] = (), survey: Survey | None = None,
                        focus: Focus | None = None, selection: dict | None = None,
                        plan: dict[str, ItemPattern] | None = None) -> np.ndarray:
    """Per row of a distribution table (decided per group): "primary", "secondary" or None."""
    if not len(table):
        return np.full(0, None, dtype=object)
    keys = ["item_id", *by]
    group_index = table.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    blank = table["is_blank"].to_numpy(dtype=bool)
    dont_know = table["is_dont_know"].to_numpy(dtype=bool)
    count = table["count"].to_numpy(dtype=np.int64)
    firsts = pd.Series(np.arange(len(table))).groupby(group_index).first().to_numpy()
    groups = table.iloc[firsts][keys].reset_index(drop=True)
    groups["respondents"] = np.bincount(group_index, weights=count)
    n_answered = np.bincount(group_index, weights=np.where(blank, 0, count))
    substantive_count = np.where(blank | dont_know, 0, count)
    n_substantive = np.bincount(group_index, weights=substantive_count)
    # On its own the table does not say which categories make the headline measure: there
    # "everyone in one category" stands in for the 0 %/100 % case. With the survey, the
    # pattern decides and this value is not used.
    largest = pd.Series(substantive_count).groupby(group_index).max().to_numpy()
    status = _statuses(groups, n_answered.astype(np.int64), n_substantive.astype(np.int64), largest, min_n, tuple(by),
                       survey, focus, selection, plan, {"respondents": "respondents"})
    return status[group_index]


def protect_distribution(table: pd.DataFrame, min_n: int, by: tuple[str, ...] | list[str] = (),
                         survey: Survey | None = None, *, focus: Focus | None = None,
                         selection: dict | None = None, plan: dict[str, ItemPattern] | None = None) -> pd.DataFrame:
    """The distribution counterpart of `protect_headline`, with the same pattern.

    Every category row of a hidden group loses `count`, `n` and `share`; the rows keep their
    labels and gain `suppressed` / `suppression`. Pass the unfiltered `survey` (and
    `selection` / `focus`) exactly as for `protect_headline`, so a group hidden in one view
    is hidden in all of them.
    """
    status = distribution_status(table, min_n, by, survey, focus, selection, plan)
    return _hide(table, status, HIDDEN_DISTRIBUTION)


def suppression_note(suppression: str | None, min_n: int, language: str = "nb", long: bool = False) -> str:
    """What to show in place of a hidden number ("" for a shown one).

    Primary suppression has two causes (too few answers; 0 %/100 % in a small group); the
    note names both, never which one applied — telling "all or none" apart would give away
    the answer it hides.
    """
    from analysis.i18n import t

    if suppression == PRIMARY:
        return t("protect.primary_long" if long else "protect.primary", language, k=min_n, small=SMALL_GROUP)
    if suppression == SECONDARY:
        return t("protect.secondary_long" if long else "protect.secondary", language)
    return ""


def _hide(table: pd.DataFrame, status: np.ndarray, columns: Sequence[str]) -> pd.DataFrame:
    protected = table.copy()
    suppressed = np.array([s is not None for s in status], dtype=bool)
    protected["suppressed"] = suppressed
    protected["suppression"] = pd.Series(status, index=protected.index, dtype=object)
    for column in columns:
        if column in protected:
            if column == "rank":  # plain float: NaN compares False, so `rank <= 5` filters cleanly
                protected[column] = protected[column].astype(float)
                protected.loc[suppressed, column] = np.nan
                continue
            integer = column in INTEGER_COLUMNS
            protected[column] = protected[column].astype("Int64" if integer else "Float64")
            protected.loc[suppressed, column] = pd.NA
    return protected
