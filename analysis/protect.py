"""Disclosure control: the one place where small groups are hidden before numbers leave the core.

Primary suppression: a group with fewer than k answers (the owner's threshold, see
`analysis.config`), or a group under SMALL_GROUP where all or none are in the headline
measure, shows no count, share, distribution or interval. Secondary suppression: more cells —
and, where cells cannot do it, margins — are hidden until the audit of `analysis.audit` finds
nothing an integer-programming attacker can pin, over everything the product publishes about
the item. The pattern is decided once per item over the finest cells (`plan_suppression`) and
every view — pages, downloads, CLI, exports, weighted figures, comparisons — asks it, so no
two outputs can be combined to undo it. docs/statistics.md explains the rule for analysts.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import NamedTuple, Sequence

import numpy as np
import pandas as pd

from analysis.aggregate import REST_MARKER, Focus, count_answers, group_codes
from analysis.audit import (
    SMALL_GROUP,
    CellTable,
    Context,
    ItemCounts,
    KnownBlank,
    answer_counts,
    audit_item,
    audit_question,
    every_blank,
    headline_counts,
    integer_kernel,
    is_sensitive,
)
from analysis.codebook import Survey
from analysis.i18n import t

HIDDEN_HEADLINE = ("n", "k", "share", "pct", "ci_low", "ci_high", "dont_know", "blank", "rank")
HIDDEN_DISTRIBUTION = ("count", "n", "share")
INTEGER_COLUMNS = ("n", "k", "dont_know", "blank", "count")

__all__ = ["SMALL_GROUP", "is_sensitive", "PRIMARY", "SECONDARY", "ItemPattern", "plan_suppression",
           "suppression_pattern", "protect_headline", "protect_distribution", "suppression_note"]


# --- the rule -------------------------------------------------------------------------------

PRIMARY = "primary"
SECONDARY = "secondary"
MARGIN_WEIGHT = 2
"""A hidden margin costs twice the answers it holds: cells go first, margins when cheaper."""
_MAX_ROUNDS = 200
PRUNE_TRIALS = 24
"""Pruning tries at most this many secondary suppressions per item (the costliest first): in a
small table that is all of them; in a large sparse one the rest stay hidden (safe, just more)."""
_PLANS: "OrderedDict[bytes, tuple]" = OrderedDict()
_TABLES: "OrderedDict[bytes, CellTable]" = OrderedDict()
_CACHE_SIZE = 4096


def label(respondents, min_n: int) -> str:
    """The published reason of a hidden group, from public numbers only: "primary" (too few
    answers to show) when the group has fewer than `min_n` respondents, else "secondary"
    (hidden to protect a small group). A label that said "all or none answered alike" or "many
    skipped this item" would itself be an answer, so it never depends on the answers."""
    return PRIMARY if int(round(float(respondents))) < min_n else SECONDARY


class Protection(NamedTuple):
    hidden_cells: np.ndarray
    hidden_margins: np.ndarray


def protect_item(context: Context, start: Protection | None = None, prune: bool = True) -> Protection:
    """Which cells and margins of one item to hide so that the audit passes.

    1. primary: every sensitive cell and margin (`is_sensitive`);
    2. secondary: while the audit finds a count of a hidden cell the attacker can pin, or a
       small group of hidden cells whose total follows from what is shown, hide a box of
       cells through that cell (+1/−1 on its corners, so every shown margin keeps its
       numbers; `analysis.audit.Boxes`) whose move changes the count without a negative
       count — boxes varying fewer breakdowns need the margins they do not pool hidden too.
       The box chosen has the least cost per count it settles (cost: the answers newly hidden,
       a margin's counted MARGIN_WEIGHT times), then settles more, then comes first in table
       order — deterministic;
    3. pruning: each secondary suppression, most answers first (at most PRUNE_TRIALS of
       them), is shown again if the audit still passes without it.
    No cap on the table size or on the size of the sets of cells tested.
    """
    table, counts, min_n = context.table, context.counts, context.min_n
    n_cells, n_margins = table.n_cells, len(table.margins)
    hidden_cells = np.zeros(n_cells, dtype=bool)
    hidden_margins = np.zeros(n_margins, dtype=bool)
    if min_n <= 1 or not n_cells:
        return Protection(hidden_cells, hidden_margins)
    hidden_cells |= counts.sensitive(np.eye(n_cells, dtype=np.int64), min_n)
    if n_margins:
        hidden_margins |= counts.sensitive(table.margins, min_n)
    if start is not None:
        hidden_cells |= start.hidden_cells
        hidden_margins |= start.hidden_margins
    if not hidden_cells.any():
        return Protection(hidden_cells, np.zeros(n_margins, dtype=bool))
    answered = counts.n_answered
    cell_cost = answered + 1
    margin_cost = MARGIN_WEIGHT * ((table.margins.astype(np.int64) @ answered) + 1)
    added: list[tuple[str, int]] = []

    def hide(cells: np.ndarray, margins: np.ndarray) -> None:
        added.extend(("cell", int(c)) for c in np.flatnonzero(cells & ~hidden_cells))
        added.extend(("margin", int(m)) for m in np.flatnonzero(margins & ~hidden_margins))
        hidden_cells[cells] = True
        hidden_margins[margins] = True

    boxes = table.boxes
    for _ in range(_MAX_ROUNDS):
        audit = audit_item(context, hidden_cells, hidden_margins, exact=False)
        if audit.ok:
            break
        settled = np.zeros((n_cells, len(counts.quantities)), dtype=bool)
        needs: dict[int, np.ndarray] = {}
        for cell, quantity in audit.pinned:
            needs.setdefault(cell, np.zeros(len(counts.quantities), dtype=bool))[quantity] = True
        for cell in sorted(needs):
            need = needs[cell] & ~settled[cell]
            while need.any():
                box = _best_box(context, cell, need, hidden_cells, hidden_margins, cell_cost, margin_cost)
                if box is None:  # never seen: hiding everything leaves only group sizes
                    hide(np.ones(n_cells, bool), np.ones(n_margins, bool))
                    break
                certified = context.box_certificates[box]
                hide(boxes.cells[box], boxes.margins[box])
                settled[boxes.cells[box]] |= certified
                need &= ~certified
        for union in audit.unions:
            box = _best_union_box(context, union, hidden_cells, hidden_margins, cell_cost, margin_cost)
            hide(boxes.cells[box], boxes.margins[box])
    else:  # never seen; hiding everything leaves only the group sizes, which the audit accepts
        hide(np.ones(n_cells, bool), np.ones(n_margins, bool))
    if prune and added:
        _prune(context, added, hidden_cells, hidden_margins, cell_cost, margin_cost)
    return Protection(hidden_cells, hidden_margins)


def _prune(context: Context, added: list[tuple[str, int]], hidden_cells: np.ndarray, hidden_margins: np.ndarray,
           cell_cost: np.ndarray, margin_cost: np.ndarray) -> None:
    """Show again each secondary suppression (most answers first, at most PRUNE_TRIALS) that
    the audit does not need. A suppression is not tried when no box left without it moves
    some count that a box moves now (the audit would refuse it anyway)."""
    boxes = context.table.boxes
    certificates = context.box_certificates.astype(np.int64)
    cells = boxes.cells.astype(np.int64)

    def coverage():
        valid = ~((boxes.cells & ~hidden_cells[None, :]).any(axis=1) | (boxes.margins & ~hidden_margins[None, :]).any(axis=1))
        return valid, cells[valid].T @ certificates[valid]

    audit = audit_item(context, hidden_cells, hidden_margins, exact=False)
    valid, covered = coverage()
    costs = [int(cell_cost[i] if kind == "cell" else margin_cost[i]) for kind, i in added]
    for position in sorted(range(len(added)), key=lambda p: (-costs[p], -p))[:PRUNE_TRIALS]:
        kind, index = added[position]
        need = np.zeros(covered.shape, dtype=bool)
        if audit.exempt is not None:
            need[audit.hidden] = ~audit.exempt
        if kind == "cell":
            need[index] = False
        losing = valid & (boxes.cells[:, index] if kind == "cell" else boxes.margins[:, index])
        still = covered - cells[losing].T @ certificates[losing]
        if (need & (covered > 0) & (still <= 0)).any():
            continue
        target = hidden_cells if kind == "cell" else hidden_margins
        target[index] = False
        trial = audit_item(context, hidden_cells, hidden_margins, exact=False)
        if trial.ok:
            audit = trial
            valid, covered = coverage()
        else:
            target[index] = True


def _box_costs(context: Context, candidates: np.ndarray, hidden_cells, hidden_margins, cell_cost, margin_cost):
    boxes = context.table.boxes
    # A box's cells as its padded corner list (−1 → the appended 0): a few corners, not every cell.
    shown_cost = np.append(cell_cost * ~hidden_cells, 0)
    return (shown_cost[boxes.corners[candidates]].sum(axis=1)
            + boxes.margins[candidates].astype(np.int64) @ (margin_cost * ~hidden_margins))


def _best_box(context: Context, cell: int, need: np.ndarray, hidden_cells, hidden_margins, cell_cost, margin_cost):
    """The box through `cell` with the least cost per needed count it certifies (the greedy
    rule for covering problems: cost counts only what is not hidden yet, so boxes that reuse
    hidden cells come first), then the one certifying more, then the first in table order;
    None when no box certifies any."""
    candidates = context.table.boxes.through[cell]
    cover = (context.box_certificates[candidates] & need[None, :]).sum(axis=1)
    return _cheapest(candidates, cover, lambda chosen: _box_costs(context, chosen, hidden_cells, hidden_margins,
                                                                  cell_cost, margin_cost))


def _cheapest(candidates: np.ndarray, cover: np.ndarray, costs) -> int | None:
    """Among the candidates that cover something, the least cost (`costs(candidates)`) per
    count covered, then the most covered, then the first; None when none covers any."""
    useful = cover > 0
    if not useful.any():
        return None
    candidates, cover = candidates[useful], cover[useful]
    order = np.lexsort((np.arange(len(candidates)), -cover, costs(candidates) / cover))
    return int(candidates[order[0]])


def _best_union_box(context: Context, union: np.ndarray, hidden_cells, hidden_margins, cell_cost, margin_cost):
    """The cheapest box through a cell of `union` that changes the union's total (so the total
    no longer follows from the shown numbers). The box of one cell always does."""
    boxes = context.table.boxes
    candidates = np.unique(np.concatenate([boxes.through[c] for c in union]))
    changes = boxes.signs[candidates][:, union].sum(axis=1) != 0
    candidates = candidates[changes]
    cost = _box_costs(context, candidates, hidden_cells, hidden_margins, cell_cost, margin_cost)
    return int(candidates[np.lexsort((candidates, cost))[0]])


def _protect_question(table: CellTable, options: Sequence[ItemCounts], min_n: int) -> list[Protection]:
    """The options of one multi-select question. Its blank count (who skipped the whole
    question) is the same for every option, and every option that shows a group publishes it.

    1. each option is protected as if every group's blank were public (`every_blank`): the
       attacker is given more than the product shows, so what this proves about the answers
       holds whatever the other options show;
    2. the blank of a cell that every option hides is not public, nor what follows from it:
       `audit_question` decides those counts over all options at once, and while it finds one
       pinned, a box through that cell whose joint move certifies it
       (`analysis.audit.joint_box_certificates`) is hidden in every option — least cost per
       count, then the first in table order — and each option is protected again from there
       (only additions, so this ends)."""
    if len(options) < 2:
        return [protect_item(Context(table, counts, min_n)) for counts in options]
    contexts = [Context(table, counts, min_n, every_blank(table)) for counts in options]
    protections = [protect_item(context) for context in contexts]
    if min_n <= 1:
        return protections
    answered = options[0].n_answered
    cell_cost = answered + 1
    margin_cost = MARGIN_WEIGHT * ((table.margins.astype(np.int64) @ answered) + 1)
    certificates = None
    for _ in range(_MAX_ROUNDS):
        audit = audit_question(table, options, min_n, protections, certificates=certificates)
        if audit.ok:
            return protections
        certificates = audit.certificates
        cells = np.zeros(table.n_cells, dtype=bool)
        margins = np.zeros(len(table.margins), dtype=bool)
        needs: dict[int, np.ndarray] = {}
        for option, cell, quantity in audit.pinned:
            needs.setdefault(cell, np.zeros(certificates.shape[1:], dtype=bool))[option, quantity] = True
        for cell in sorted(needs):
            box = _best_joint_box(contexts, certificates, cell, needs[cell], protections, cell_cost, margin_cost)
            if box is None:  # never seen: the box of the cell alone always moves its blank
                cells[:] = True
                margins[:] = True
                break
            cells |= table.boxes.cells[box]
            margins |= table.boxes.margins[box]
        protections = [protect_item(context, start=Protection(p.hidden_cells | cells, p.hidden_margins | margins))
                       for context, p in zip(contexts, protections)]
    everything = Protection(np.ones(table.n_cells, dtype=bool), np.ones(len(table.margins), dtype=bool))
    return [everything for _ in options]  # never seen; hiding everything leaves only the group sizes


def _best_joint_box(contexts: Sequence[Context], certificates: np.ndarray, cell: int, need: np.ndarray,
                    protections: Sequence[Protection], cell_cost, margin_cost):
    """The box through `cell` whose joint move certifies the most of `need` (options ×
    quantities) per cost (the answers it newly hides, summed over the options), then the first
    in table order; None when none certifies any."""
    candidates = contexts[0].table.boxes.through[cell]
    cover = (certificates[candidates] & need[None]).sum(axis=(1, 2))
    return _cheapest(candidates, cover, lambda chosen: sum(
        _box_costs(context, chosen, p.hidden_cells, p.hidden_margins, cell_cost, margin_cost)
        for context, p in zip(contexts, protections)))


# --- the pattern of an item and the groups it shows ---------------------------------------------------


@dataclass
class ItemPattern:
    """The suppression pattern of one item over the finest cells (every breakdown crossed).

    `cells` has one row per finest cell present in the data: its breakdown values, counts and
    `suppression` ("primary", "secondary" or None). Any group — a cell, a row or column total,
    the grand total, "one municipality vs the rest", a filtered subset — is a set of cells
    and `status` decides it: shown only if it is not sensitive itself and its numbers can
    already be computed from the shown cells and margins (so showing it adds nothing).
    """

    item_id: str
    cells: pd.DataFrame
    min_n: int
    hidden_cells: np.ndarray
    hidden_margins: np.ndarray
    kernel: np.ndarray
    table: CellTable | None = field(default=None, repr=False)
    counts: ItemCounts | None = field(default=None, repr=False)
    known_blank: KnownBlank | None = field(default=None, repr=False)
    all_or_none: bool = True

    def members(self, **values) -> np.ndarray:
        """0/1 vector of the cells whose breakdown values are among the given ones."""
        mask = np.ones(len(self.cells), dtype=bool)
        for column, allowed in values.items():
            mask &= self.cells[column].isin(list(allowed)).to_numpy()
        return mask.astype(float)

    def derivable(self, members: np.ndarray) -> bool:
        """Whether the group's numbers follow from the shown cells and margins."""
        part = np.asarray(members, dtype=float)[self.hidden_cells]
        if not part.any() or not self.kernel.size:
            return True
        return bool(np.abs(part @ self.kernel).max() < 1e-6)

    def status(self, members: np.ndarray) -> str | None:
        """The group made of these cells: "primary", "secondary" or None (shown)."""
        members = np.asarray(members, dtype=float)
        n_substantive = members @ self.cells["n_substantive"].to_numpy(dtype=float)
        k = members @ self.cells["k"].to_numpy(dtype=float)
        sensitive = is_sensitive(round(n_substantive), round(k), self.min_n, self.all_or_none).item()
        if not sensitive and self.derivable(members):
            return None
        return label(members @ self.cells["respondents"].to_numpy(dtype=float), self.min_n)


def _pattern_parts(table: CellTable, protection: Protection) -> np.ndarray:
    """The kernel (over the hidden cells) of the shown margins: a group is derivable exactly
    when its hidden part is orthogonal to it."""
    hidden = protection.hidden_cells
    visible = table.margins[~protection.hidden_margins][:, hidden]
    kernel, _ = integer_kernel(visible[visible.any(axis=1)].astype(np.int64) if len(visible) else visible.astype(np.int64))
    return kernel


def _table_for(keys: np.ndarray) -> CellTable:
    key = hashlib.sha1(np.ascontiguousarray(keys).tobytes() + str(keys.shape).encode()).digest()
    table = _TABLES.get(key)
    if table is None:
        table = _TABLES[key] = CellTable(keys)
        while len(_TABLES) > 64:
            _TABLES.popitem(last=False)
    else:
        _TABLES.move_to_end(key)
    return table


def clear_caches() -> None:
    """Forget every cached pattern and table (for benchmarks that time a cold start; the
    audit's reports too: `analysis.audit_report.clear_caches`)."""
    _PLANS.clear()
    _TABLES.clear()


def _remember(key: bytes, make):
    if key in _PLANS:
        _PLANS.move_to_end(key)
        return _PLANS[key]
    value = _PLANS[key] = make()
    while len(_PLANS) > _CACHE_SIZE:
        _PLANS.popitem(last=False)
    return value


class Decision(NamedTuple):
    """`entities`: every group a table can show (0/1 over cells: the cells, then every margin);
    `status` per entity; `cell_status` per cell."""

    entities: np.ndarray
    status: np.ndarray
    cell_status: np.ndarray


def decide(keys, counts: ItemCounts, min_n: int) -> Decision:
    """The pattern of one table protected on its own: its rows are the cells."""
    keys = np.asarray(keys, dtype=np.int64).reshape(len(counts.x), -1)
    table = CellTable(keys)
    protection = protect_item(Context(table, counts, min_n))
    kernel = _pattern_parts(table, protection)
    pattern = ItemPattern("", pd.DataFrame({"n_substantive": counts.n_substantive, "k": counts.k,
                                            "respondents": counts.respondents}), min_n,
                          protection.hidden_cells, protection.hidden_margins, kernel, all_or_none=counts.all_or_none)
    entities = np.vstack([np.eye(table.n_cells), table.margins.astype(float)])
    status = np.array([pattern.status(row) for row in entities], dtype=object)
    return Decision(entities, status, status[: table.n_cells])


def suppression_pattern(keys, n_answered, n_substantive, k, min_n: int, respondents=None) -> Decision:
    """Decide which cells and totals of one table (rows = cells, `keys` their breakdown codes)
    to hide, from its headline numbers alone — see `protect_item` for the rule."""
    return decide(keys, headline_counts(n_answered, n_substantive, k, respondents), min_n)


# --- the pattern for a survey, and its use on tables -------------------------------------------


def _item_counts(counts, index: int) -> ItemCounts:
    item = counts.items[index]
    width = len(item.categories)
    cube = counts.array[index]
    x = np.concatenate([cube[:, :width], cube[:, counts.blank_index:counts.blank_index + 1]], axis=1)
    return answer_counts(x, item.categories, item.measure_categories, item.dont_know)


def plan_suppression(survey: Survey, min_n: int, items: Sequence[str] | None = None) -> dict[str, ItemPattern]:
    """The suppression pattern of every item over the survey's finest cells (all breakdowns).

    One pattern per item serves every view of it — totals, any breakdown, "vs the rest",
    filtered subsets, both denominators, headline and distribution, weighted figures — so no
    two views can be combined to undo each other's suppression. The options of a multi-select
    question are decided together (they share the blank count, treated as public). Patterns are cached by the
    item's counts per cell and the threshold, so every table of a view reuses them.
    """
    chosen = list(items) if items is not None else [item.id for item in survey.ordered_items()]
    question_of = {option.id: question for question, options in survey.question_groups().items() for option in options}
    questions = survey.question_groups()
    expanded: list[str] = []
    for item_id in chosen:
        group = [o.id for o in questions[question_of[item_id]]] if item_id in question_of else [item_id]
        expanded += [i for i in group if i not in expanded]
    breakdowns = list(survey.breakdowns)
    counts = count_answers(survey, breakdowns, expanded)
    keys = np.column_stack([
        counts.groups[b].map({v: i for i, v in enumerate(survey.breakdowns[b].values)}).to_numpy(dtype=np.int64)
        for b in breakdowns
    ]) if breakdowns else np.zeros((len(counts.groups), 0), dtype=np.int64)
    table = _table_for(keys)
    table_key = hashlib.sha1(np.ascontiguousarray(keys).tobytes() + str(keys.shape).encode()).digest()
    position = {item.id: i for i, item in enumerate(counts.items)}
    item_counts = {item_id: _item_counts(counts, position[item_id]) for item_id in expanded}
    labels = {b: counts.groups[b].to_numpy(dtype=object) for b in breakdowns}
    labels_key = "\x1f".join(f"{b}={'|'.join(map(str, v))}" for b, v in labels.items()).encode()
    patterns: dict[str, ItemPattern] = {}
    done: set[str] = set()
    for item_id in expanded:
        if item_id in done:
            continue
        group = [o.id for o in questions[question_of[item_id]]] if item_id in question_of else [item_id]
        group_counts = [item_counts[i] for i in group]
        digest = hashlib.sha1(table_key + str(min_n).encode() + b"".join(c.digest() for c in group_counts)).digest()
        decided = _remember(digest, lambda: _decide_group(table, group_counts, min_n))
        for item, counts_of, (protection, kernel, known) in zip(group, group_counts, decided):
            done.add(item)
            if item not in chosen:
                continue
            key = digest + item.encode() + b"\x1e" + labels_key
            patterns[item] = _remember(key, lambda: _item_pattern(item, counts_of, labels, min_n, table, protection,
                                                                  kernel, known))
    return patterns


def count_pattern(survey: Survey, name: str, answered: np.ndarray, min_n: int) -> ItemPattern:
    """The pattern of a published count per finest cell — how many answered a numeric item
    (`analysis.numeric`): cells with fewer than `min_n` are sensitive, and the search hides more
    until the audit pins no count of a hidden cell, so no hidden cell's sum (of anything) is a
    combination of the shown groups' sums. `answered` is one bool per respondent."""

    breakdowns = list(survey.breakdowns)
    codes, groups = group_codes(survey, breakdowns)
    n = np.bincount(codes[answered], minlength=len(groups))
    respondents = groups["respondents"].to_numpy(dtype=np.int64)
    counts = headline_counts(n, n, n // 2, respondents)
    keys = np.column_stack([
        groups[b].map({v: i for i, v in enumerate(survey.breakdowns[b].values)}).to_numpy(dtype=np.int64)
        for b in breakdowns
    ]) if breakdowns else np.zeros((len(groups), 0), dtype=np.int64)
    table = _table_for(keys)
    digest = hashlib.sha1(b"count" + np.ascontiguousarray(keys).tobytes() + str(min_n).encode()
                          + counts.digest()).digest()
    protection, kernel = _remember(digest, lambda: (lambda p: (p, _pattern_parts(table, p)))(
        protect_item(Context(table, counts, min_n))))
    labels = {b: groups[b].to_numpy(dtype=object) for b in breakdowns}
    return _item_pattern(name, counts, labels, min_n, table, protection, kernel, None)


def _decide_group(table: CellTable, group_counts: Sequence[ItemCounts], min_n: int) -> list[tuple]:
    protections = _protect_question(table, group_counts, min_n)
    known = every_blank(table) if len(protections) > 1 else None
    return [(protection, _pattern_parts(table, protection), known) for protection in protections]


def _item_pattern(item_id: str, counts: ItemCounts, labels: dict, min_n: int, table: CellTable,
                  protection: Protection, kernel: np.ndarray, known: KnownBlank | None) -> ItemPattern:
    respondents = counts.respondents
    status = np.array([label(r, min_n) if hidden else None for r, hidden in zip(respondents, protection.hidden_cells)],
                      dtype=object)
    cells = pd.DataFrame({
        **labels,
        "respondents": respondents,
        "n_answered": counts.n_answered,
        "n_substantive": counts.n_substantive,
        "k": counts.k,
        "dont_know": counts.x[:, counts.dont_know].sum(axis=1),
        "blank": counts.x[:, counts.blank].sum(axis=1),
        "suppression": pd.Series(status, dtype=object),
    })
    return ItemPattern(item_id, cells, min_n, protection.hidden_cells, protection.hidden_margins, kernel,
                       table, counts, known)


def group_members(groups: pd.DataFrame, by: Sequence[str], survey: Survey, cells: pd.DataFrame,
                 focus: Focus | None, selection: dict | None) -> np.ndarray:
    """Which finest cells each row's group is made of (rows × cells, 0/1).

    A `by` value equal to the code `REST_MARKER` is "the rest" (all values but the focus one);
    breakdowns not in `by` contribute their `selection`, or all.
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
        real = values != REST_MARKER
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


def _local_status(keys_frame: pd.DataFrame, n_answered, n_substantive, k, min_n: int, respondents=None) -> np.ndarray:
    """Pattern for a table protected on its own (no survey given): its rows are the cells."""
    keys = np.column_stack([pd.factorize(keys_frame[c])[0] for c in keys_frame.columns]) if keys_frame.shape[1] else np.zeros((len(keys_frame), 0), dtype=np.int64)
    return suppression_pattern(keys, n_answered, n_substantive, k, min_n, respondents).cell_status


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
            respondents = block["respondents"].to_numpy(dtype=np.int64) if "respondents" in block else None
            status[rows] = _local_status(block[list(by)], n_answered[rows], n_substantive[rows], k[rows], min_n, respondents)
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

    Adds `suppressed` (bool) and `suppression` ("primary": the group has fewer than `min_n`
    people; "secondary": any other hidden group — sensitive itself, or hidden so that another
    cannot be recovered; see `label`; None: shown). A hidden row keeps its group labels and `respondents` (group
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

    The label comes from the group's size alone (`label`): "primary" — too few people to
    show — or "secondary" — hidden to protect a small group, itself or another. The note never
    says whether a group of five or more was hidden for few answers, for all-or-none, or for
    another group: telling "all or none" apart would give away the answer it hides.
    """
    if suppression == PRIMARY:
        return t("protect.primary_long" if long else "protect.primary", language, k=min_n, small=SMALL_GROUP)
    if suppression == SECONDARY:
        return t("protect.secondary_long" if long else "protect.secondary", language, k=min_n, small=SMALL_GROUP)
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
