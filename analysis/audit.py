"""The attacker's view of a survey: everything the product publishes about an item as one
linear system over the unknown counts, and what an integer-programming attacker can infer.

The unknowns of an item are `x[c, j]`: how many people in finest cell c (every breakdown
crossed) gave answer j — each answer category, "don't know" and blank. What the attacker
knows about them:

- the number of respondents in every cell (group sizes are published, also for hidden groups),
  so `sum_j x[c, j]` is known;
- every count of every shown cell and every shown margin (a margin: the cells sharing the
  values of some of the breakdowns — a municipality, a role, the grand total, a municipality
  pooled over rounds …): each category, "don't know", blank, both bases and the headline k;
- for a multi-select question, the blank count (who skipped the whole question): it is one
  number for every option, shown with any option that shows the group. Each option's audit
  (`audit_item`) is given every group's blank (`every_blank`, more than is shown: safe for the
  answers); `audit_question` then decides, over all options at once (`JointSystem`), the blank of
  each cell that every option hides and whatever follows from it.

Every other output — a filtered subset, "my municipality vs the rest", the other base, a
comparison, a weighted figure, a round change, a rank — is shown only when its group's 0/1
vector over the cells lies in the span of the shown cells and margins (`analysis.protect`):
its numbers are linear combinations of those above, so they add no equation. The system below
is therefore the whole published set of the item, for every page, download, deck and command.

`audit_item` answers, for one item and one pattern of hidden cells and margins:

- which counts of a hidden cell an attacker can pin to a single value (the protection rule of
  docs/statistics.md, "Small groups": every count of a hidden cell — each category, "don't
  know", blank, k, n on both bases, n − k on both bases — must keep at least two possible
  values, unless it follows from a zero published for a shown margin containing the cell and
  the group sizes);
- which sets of hidden cells that together form a small group (fewer than k who took a
  position, or all-or-none under 10) have counts that follow linearly from what is shown.

"Can be pinned" is decided exactly for an integer attacker: a count is safe only when two
integer solutions of the whole system with different values are exhibited (the true counts and
one moved along a kernel vector, or one found by `scipy.optimize.milp`); it is pinned when the
linear system fixes it or when HiGHS proves that no integer solution has another value.
`interval_rows` gives the exact integer interval of every such count (two MILPs each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations, product
from typing import Sequence

import numpy as np

SMALL_GROUP = 10
"""Below this many substantive answers a group never shows 0 % or 100 % (everyone or no one)."""

_TOLERANCE = 1e-7
_MAX_DENOMINATOR = 64
_ENUMERATED_UNIONS = 14  # up to this many candidate cells every subset is tried; beyond, a MILP searches
_MILP_OPTIONS = {"disp": False, "presolve": True, "time_limit": 30.0, "mip_rel_gap": 0.0}


def is_sensitive(n_substantive, k, min_n: int, all_or_none: bool = True) -> np.ndarray:
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
    small = n_substantive < min_n
    if not all_or_none:
        return small
    extreme = (n_substantive < SMALL_GROUP) & ((k == 0) | (k == n_substantive))
    return small | extreme


# --- the cells and every margin ------------------------------------------------------------------


@dataclass(frozen=True)
class Boxes:
    """Every move of a table that no shown margin can see, as boxes: +1/−1 on the corners of a
    box of cells (two values of each varied breakdown, the others fixed; the sign flips with
    each step). A box sums to zero over every margin that pools one of its varied breakdowns;
    the margins that do not (`margins`) must be hidden too. The box varying every breakdown
    needs no margin hidden; the box varying none is one cell with every margin containing it.

    `cells`/`signs`: box × cell (0 off the box); `corners`/`values`: the same as padded lists
    (−1 / 0 padding); `through[c]`: the boxes with a corner at cell c, in table order (most
    breakdowns varied first, then by code) — the order that breaks ties."""

    cells: np.ndarray
    signs: np.ndarray
    margins: np.ndarray
    corners: np.ndarray
    values: np.ndarray
    varied: tuple[tuple[int, ...], ...]
    through: tuple[np.ndarray, ...]


class CellTable:
    """The finest cells of a survey (one row of breakdown codes each) and every margin: for
    every proper subset of the breakdowns, the groups of cells sharing those values (the
    grand total included). A margin made of one cell is that cell; identical groups are kept
    once (the first, finest subset first)."""

    def __init__(self, keys):
        keys = np.asarray(keys, dtype=np.int64)
        self.keys = keys.reshape(len(keys), -1)
        n_cells, n_keys = self.keys.shape
        self.subsets: tuple[tuple[int, ...], ...] = tuple(
            subset for size in range(n_keys - 1, -1, -1) for subset in combinations(range(n_keys), size))
        self.group = np.full((len(self.subsets), n_cells), -1, dtype=np.int64)
        vectors: list[np.ndarray] = []
        subset_of: list[int] = []
        seen: dict[bytes, int] = {}
        for position, subset in enumerate(self.subsets):
            if not n_cells:
                break
            if subset:
                _, inverse = np.unique(self.keys[:, list(subset)], axis=0, return_inverse=True)
                inverse = np.asarray(inverse).ravel()
            else:
                inverse = np.zeros(n_cells, dtype=np.int64)
            order = np.argsort(inverse, kind="stable")
            bounds = np.flatnonzero(np.diff(inverse[order])) + 1
            for members in np.split(order, bounds):
                if len(members) < 2:
                    continue
                members = np.sort(members)
                fingerprint = members.tobytes()
                index = seen.get(fingerprint)
                if index is None:
                    index = seen[fingerprint] = len(vectors)
                    vector = np.zeros(n_cells, dtype=bool)
                    vector[members] = True
                    vectors.append(vector)
                    subset_of.append(position)
                self.group[position, members] = index
        self.margins = np.array(vectors, dtype=bool).reshape(len(vectors), n_cells)
        self.margin_subset = np.array(subset_of, dtype=np.int64)
        self._lookup = {tuple(row): i for i, row in enumerate(self.keys.tolist())}
        self._values = [np.unique(self.keys[:, b]).tolist() for b in range(n_keys)]
        self._boxes: Boxes | None = None

    @property
    def n_cells(self) -> int:
        return len(self.keys)

    @property
    def boxes(self) -> Boxes:
        if self._boxes is None:
            self._boxes = self._enumerate_boxes()
        return self._boxes

    def _enumerate_boxes(self) -> Boxes:
        n_cells, n_keys = self.keys.shape
        corner_lists, sign_lists, margin_lists, varied_list = [], [], [], []
        for size in range(n_keys, -1, -1):
            for varied in combinations(range(n_keys), size):
                fixed = [b for b in range(n_keys) if b not in varied]
                needs = [s for s, subset in enumerate(self.subsets) if set(varied) <= set(subset)]
                fixed_values = np.unique(self.keys[:, fixed], axis=0).tolist() if fixed else [[]]
                pairs = [list(combinations(self._values[b], 2)) for b in varied]
                flips = list(product((0, 1), repeat=size))
                signs = np.array([-1 if sum(f) % 2 else 1 for f in flips], dtype=np.int64)
                for base in fixed_values:
                    for chosen in product(*pairs):
                        corners = []
                        for flip in flips:
                            codes = [0] * n_keys
                            for b, value in zip(fixed, base):
                                codes[b] = value
                            for b, pair, f in zip(varied, chosen, flip):
                                codes[b] = pair[f]
                            index = self._lookup.get(tuple(codes))
                            if index is None:
                                break
                            corners.append(index)
                        else:
                            corners_array = np.array(corners, dtype=np.int64)
                            required = self.group[needs][:, corners_array].ravel() if needs else np.zeros(0, np.int64)
                            corner_lists.append(corners_array)
                            sign_lists.append(signs)
                            margin_lists.append(np.unique(required[required >= 0]))
                            varied_list.append(varied)
        n_boxes = len(corner_lists)
        width = max((len(c) for c in corner_lists), default=1)
        corners = np.full((n_boxes, width), -1, dtype=np.int64)
        values = np.zeros((n_boxes, width), dtype=np.int64)
        cells = np.zeros((n_boxes, n_cells), dtype=bool)
        signs = np.zeros((n_boxes, n_cells), dtype=np.int64)
        margins = np.zeros((n_boxes, len(self.margins)), dtype=bool)
        through: list[list[int]] = [[] for _ in range(n_cells)]
        for b, (corner, sign, margin) in enumerate(zip(corner_lists, sign_lists, margin_lists)):
            corners[b, : len(corner)] = corner
            values[b, : len(corner)] = sign
            cells[b, corner] = True
            signs[b, corner] = sign
            margins[b, margin] = True
            for c in corner:
                through[c].append(b)
        return Boxes(cells, signs, margins, corners, values, tuple(varied_list),
                     tuple(np.array(t, dtype=np.int64) for t in through))


# --- one item's counts and the counts to protect ------------------------------------------------------


@dataclass(eq=False)
class ItemCounts:
    """The true counts of one item per finest cell (`x`: cells × categories) and what they mean.

    The last real categories are "don't know" (if any) and blank; `slack` is an extra column
    for tables whose group sizes are not public (the respondents table): it absorbs whatever
    the published categories leave, so `sum_j x[c, j]` says nothing. `quantities` are the
    counts the rule protects, as sets of categories (one row each)."""

    x: np.ndarray
    labels: tuple[str, ...]
    measure: np.ndarray
    substantive: np.ndarray
    dont_know: np.ndarray
    blank: np.ndarray
    slack: np.ndarray
    quantities: np.ndarray
    quantity_names: tuple[str, ...]
    sizes_public: bool = True
    all_or_none: bool = True

    @property
    def n_substantive(self) -> np.ndarray:
        return self.x[:, self.substantive].sum(axis=1)

    @property
    def k(self) -> np.ndarray:
        return self.x[:, self.measure].sum(axis=1)

    @property
    def n_answered(self) -> np.ndarray:
        return self.x[:, ~self.blank & ~self.slack].sum(axis=1)

    @property
    def respondents(self) -> np.ndarray:
        return self.x[:, ~self.slack].sum(axis=1)

    def sensitive(self, members: np.ndarray, min_n: int) -> np.ndarray:
        """Sensitivity of groups given as 0/1 rows over the cells."""
        members = np.atleast_2d(members).astype(np.int64)
        return is_sensitive(members @ self.n_substantive, members @ self.k, min_n, self.all_or_none)

    def digest(self) -> bytes:
        flags = np.array([self.sizes_public, self.all_or_none], dtype=np.int8)
        masks = np.vstack([self.measure, self.substantive, self.dont_know, self.blank, self.slack]).astype(np.int8)
        return b"|".join([np.ascontiguousarray(self.x).tobytes(), masks.tobytes(), flags.tobytes(),
                          str(self.x.shape).encode()])


def _quantities(masks: dict[str, np.ndarray], singles: Sequence[str], real: np.ndarray,
                sizes_public: bool) -> tuple[np.ndarray, tuple[str, ...]]:
    """One row per distinct count to protect. With public group sizes a count and its
    complement (n and blank, k and everything else) are pinned together, so one is kept."""
    rows, names, seen = [], [], set()
    candidates = [(name, np.eye(len(real), dtype=bool)[j]) for j, name in enumerate(singles) if real[j]]
    candidates += list(masks.items())
    for name, mask in candidates:
        mask = mask & real
        if not mask.any() or (sizes_public and (mask == real).all()):
            continue
        bits = int(np.dot(mask, 1 << np.arange(len(mask), dtype=np.int64)))
        full = int(np.dot(real, 1 << np.arange(len(real), dtype=np.int64)))
        key = min(bits, full ^ bits) if sizes_public else bits
        if key in seen:
            continue
        seen.add(key)
        rows.append(mask)
        names.append(name)
    return np.array(rows, dtype=bool).reshape(len(rows), len(real)), tuple(names)


def answer_counts(x, labels: Sequence[str], measure_labels: Sequence[str], dont_know: str | None,
                  blank_label: str = "(blank)") -> ItemCounts:
    """Counts of an item's categories per cell: `x` has one column per label plus blank last."""
    x = np.asarray(x, dtype=np.int64)
    labels = (*labels, blank_label)
    width = len(labels)
    measure = np.array([label in measure_labels for label in labels[:-1]] + [False])
    dont = np.array([dont_know is not None and label == dont_know for label in labels[:-1]] + [False])
    blank = np.zeros(width, dtype=bool)
    blank[-1] = True
    substantive = ~dont & ~blank
    slack = np.zeros(width, dtype=bool)
    masks = {"k": measure, "n": ~blank, "n_substantive": substantive, "n_substantive - k": substantive & ~measure,
             "n - k": ~blank & ~measure}
    singles = [("dont_know" if dont[j] else "blank" if blank[j] else labels[j]) for j in range(width)]
    quantities, names = _quantities(masks, singles, ~slack, True)
    return ItemCounts(x, labels, measure, substantive, dont, blank, slack, quantities, names)


def headline_counts(n_answered, n_substantive, k, respondents=None) -> ItemCounts:
    """Counts of a table that publishes only headline numbers (k, both bases, blanks): its
    categories are k, the other substantive answers, "don't know" and blank."""
    n_answered = np.asarray(n_answered, dtype=np.int64)
    n_substantive = np.asarray(n_substantive, dtype=np.int64)
    k = np.asarray(k, dtype=np.int64)
    blank = np.zeros_like(k) if respondents is None else np.asarray(respondents, dtype=np.int64) - n_answered
    x = np.column_stack([k, n_substantive - k, n_answered - n_substantive, np.maximum(blank, 0)])
    return answer_counts(x, ("measure", "other", "dont_know"), ("measure",), "dont_know")


def size_counts(people) -> ItemCounts:
    """Group sizes as the published number (the respondents table): one category, sizes not
    public, and no all-or-none rule (counting people carries no answer)."""
    people = np.asarray(people, dtype=np.int64)
    big = max(int(people.sum()), 1) * 4
    x = np.column_stack([people, np.full(len(people), big, dtype=np.int64)])
    measure = np.array([False, False])
    real = np.array([True, False])
    slack = ~real
    quantities, names = _quantities({}, ["respondents", "slack"], real, False)
    return ItemCounts(x, ("respondents", "(rest)"), measure, real.copy(), np.zeros(2, bool), np.zeros(2, bool), slack,
                      quantities, names, sizes_public=False, all_or_none=False)


def certify_moves(counts: ItemCounts, corners: np.ndarray, values: np.ndarray, blank_ok=True) -> np.ndarray:
    """Which quantities each move certifies (moves × quantities). A move adds `values[m, i]`
    people to category j1 and takes as many from j2 in cell `corners[m, i]` (−1 pads), along a
    kernel vector (every shown margin keeps its numbers). It is possible for some pair
    (j1, j2) when no count goes negative; then every quantity holding exactly one of j1, j2
    takes another value in each moved cell. Pairs through blank need `blank_ok` (no other
    table shows the blank counts the move changes)."""
    corners = np.atleast_2d(corners)
    values = np.atleast_2d(np.asarray(values, dtype=np.int64))
    rows = counts.x[np.maximum(corners, 0)]  # moves × corners × categories
    need = np.abs(values)[:, :, None]
    gaining = (values > 0)[:, :, None]
    losing = (values < 0)[:, :, None]
    can_lose_j2 = (~gaining | (rows >= need)).all(axis=1)
    can_lose_j1 = (~losing | (rows >= need)).all(axis=1)
    can_lose_j2[:, counts.slack] = True
    can_lose_j1[:, counts.slack] = True
    valid = can_lose_j1[:, :, None] & can_lose_j2[:, None, :]
    valid[:, np.eye(valid.shape[1], dtype=bool)] = False
    blank_ok = np.broadcast_to(np.asarray(blank_ok, dtype=bool), (len(values),))
    if (~blank_ok).any() and counts.blank.any():
        blocked = np.flatnonzero(~blank_ok)
        valid[np.ix_(blocked, counts.blank, np.arange(valid.shape[2]))] = False
        valid[np.ix_(blocked, np.arange(valid.shape[1]), counts.blank)] = False
    inside = counts.quantities.astype(np.int64)
    outside = 1 - inside
    v = valid.astype(np.int64)
    across = np.einsum("qi,mij,qj->mq", inside, v, outside) + np.einsum("qi,mij,qj->mq", outside, v, inside)
    return across > 0


# --- the attacker's system for one hidden pattern ---------------------------------------------------------


@dataclass
class KnownBlank:
    """Groups whose blank count the attacker is given by another table (the other options of a
    multi-select question: `published_blanks`, or `every_blank` in each option's own audit),
    cells and margins as 0/1 masks."""

    cells: np.ndarray
    margins: np.ndarray


class Context:
    """One item of one table at one threshold: what every audit of its patterns shares — the
    certificates of every box (they depend on the counts only), the costs the search uses."""

    def __init__(self, table: CellTable, counts: ItemCounts, min_n: int, known_blank: KnownBlank | None = None):
        self.table, self.counts, self.min_n, self.known_blank = table, counts, min_n, known_blank
        self._box_certificates: np.ndarray | None = None

    @property
    def box_certificates(self) -> np.ndarray:
        """boxes × quantities: what each box's move certifies once its cells and margins are hidden."""
        if self._box_certificates is None:
            boxes = self.table.boxes
            blank_ok = True
            if self.known_blank is not None:
                blank_ok = ~((boxes.cells & self.known_blank.cells[None, :]).any(axis=1)
                             | (boxes.margins & self.known_blank.margins[None, :]).any(axis=1))
            self._box_certificates = certify_moves(self.counts, boxes.corners, boxes.values, blank_ok)
        return self._box_certificates


def _unique_rows(rows: np.ndarray) -> np.ndarray:
    """The rows that are not all zero, each once (first occurrence kept, order kept)."""
    rows = rows[rows.any(axis=1)] if len(rows) else rows
    if len(rows) < 2:
        return rows
    packed = np.packbits(rows.astype(bool), axis=1)
    _, first = np.unique(packed.view(np.dtype((np.void, packed.shape[1]))).ravel(), return_index=True)
    return rows[np.sort(first)]


def integer_kernel(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A basis of the kernel of a 0/1 matrix as fundamental circuits: Gauss–Jordan elimination
    (partial pivoting, columns in order) gives one vector per free column, each scaled to
    integers where possible and then checked exactly. Returns the basis (columns) and which
    columns are exactly integral kernel vectors. Elementwise numpy only: the threaded LAPACK
    routines cost far more than the arithmetic on matrices this small."""
    n_rows, n_cols = matrix.shape
    if not n_cols:
        return np.zeros((0, 0)), np.zeros(0, dtype=bool)
    if not n_rows:
        return np.eye(n_cols), np.ones(n_cols, dtype=bool)
    reduced = matrix.astype(float)
    pivots: list[int] = []
    row = 0
    for column in range(n_cols):
        if row == n_rows:
            break
        below = np.abs(reduced[row:, column])
        best = int(below.argmax())
        if below[best] < 1e-9:
            continue
        if best:
            reduced[[row, row + best]] = reduced[[row + best, row]]
        reduced[row] /= reduced[row, column]
        factors = reduced[:, column].copy()
        factors[row] = 0.0
        reduced -= factors[:, None] * reduced[row][None, :]
        pivots.append(column)
        row += 1
    free = np.setdiff1d(np.arange(n_cols), pivots)
    kernel = np.zeros((n_cols, len(free)))
    if not len(free):
        return kernel, np.zeros(0, dtype=bool)
    kernel[free, np.arange(len(free))] = 1.0
    if pivots:
        kernel[pivots] = -reduced[: len(pivots)][:, free]
    # Fundamental circuits of a 0/1 matrix have small rational entries: scale each to integers.
    # Most are integral already (scale 1): only the others are tried against every scale.
    scales = np.arange(1, _MAX_DENOMINATOR + 1, dtype=float)
    first = np.where((np.abs(kernel - np.round(kernel)) < 1e-6).all(axis=0), 0, -1)
    rest = np.flatnonzero(first < 0)
    if len(rest):
        scaled = kernel[:, rest, None] * scales[None, None, 1:]
        near = (np.abs(scaled - np.round(scaled)) < 1e-6).all(axis=0)  # columns × scales 2…
        first[rest] = np.where(near.any(axis=1), near.argmax(axis=1) + 1, -1)
    integral = first >= 0
    if integral.any():
        columns = np.flatnonzero(integral)
        candidate = np.round(kernel[:, columns] * scales[first[columns]][None, :]).astype(np.int64)
        exact = ((matrix.astype(np.int64) @ candidate) == 0).all(axis=0)
        kernel[:, columns[exact]] = candidate[:, exact]
        integral[columns[~exact]] = False
    return kernel, integral


class System:
    """The attacker's equations for one item and one pattern, reduced to the hidden cells
    (shown cells are known exactly and drop out)."""

    def __init__(self, context: Context, hidden_cells: np.ndarray, hidden_margins: np.ndarray):
        table, counts, known_blank = context.table, context.counts, context.known_blank
        self.context, self.counts = context, counts
        self.hidden_cells = np.asarray(hidden_cells, dtype=bool)
        self.hidden_margins = np.asarray(hidden_margins, dtype=bool)
        self.hidden = np.flatnonzero(self.hidden_cells)
        visible = table.margins[~self.hidden_margins]
        self.x = counts.x[self.hidden]
        self.M = _unique_rows(visible[:, self.hidden]).astype(np.int64)
        width = counts.x.shape[1]
        # Counts of shown margins that are 0: every cell inside has 0 there (published zeros).
        zero = (visible.astype(np.int64) @ counts.x) == 0
        zero[:, counts.slack] = False
        self.zero = (visible[:, self.hidden].T.astype(np.int64) @ zero.astype(np.int64)) > 0
        self.known = np.zeros((len(self.hidden), width), dtype=bool)
        self.blank_rows = np.zeros((0, len(self.hidden)), dtype=np.int64)
        self.blank_index = int(np.flatnonzero(counts.blank)[0]) if counts.blank.any() else -1
        if known_blank is not None and self.blank_index >= 0:
            b = self.blank_index
            others = table.margins[np.asarray(known_blank.margins, dtype=bool)]
            cells = np.asarray(known_blank.cells, dtype=bool)[self.hidden]
            self.known[cells, b] = True
            others_zero = (others.astype(np.int64) @ counts.x[:, b]) == 0
            self.zero[:, b] |= others[others_zero][:, self.hidden].any(axis=0)
            self.blank_rows = _unique_rows(np.vstack([others[:, self.hidden].astype(np.int64),
                                                      np.eye(len(self.hidden), dtype=np.int64)[cells]]))
        self._kernel: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def kernel(self) -> np.ndarray:
        """A basis of the moves no shown margin sees (columns over the hidden cells)."""
        if self._kernel is None:
            self._kernel = integer_kernel(self.M)
        return self._kernel[0]

    @property
    def integral(self) -> np.ndarray:
        self.kernel
        return self._kernel[1]

    @property
    def pinned_linear(self) -> np.ndarray:
        """Hidden cells whose every count follows by linear algebra from what is shown."""
        if not len(self.hidden):
            return np.zeros(0, dtype=bool)
        return ~(np.abs(self.kernel) > _TOLERANCE).any(axis=1)

    @property
    def alone(self) -> np.ndarray:
        """Hidden cells that are the only hidden cell of a shown margin (pinned by subtraction:
        the quick part of `pinned_linear`)."""
        single = self.M[self.M.sum(axis=1) == 1]
        return single.any(axis=0) if len(single) else np.zeros(len(self.hidden), dtype=bool)

    # which counts need protecting --------------------------------------------------------------

    def exempt(self) -> np.ndarray:
        """hidden cells × quantities: counts that follow from published numbers about groups
        that may be shown (a zero in a shown margin holds for every member; a blank count
        another option shows) and the public group size — outside the rule."""
        counts = self.counts
        fixed = self.zero | self.known
        real = ~counts.slack
        free = real[None, :] & ~fixed
        q = counts.quantities
        effective = q[None, :, :] & free[:, None, :]
        empty = ~effective.any(axis=2)
        if counts.sizes_public:
            known_total = (self.x * self.known).sum(axis=1)
            nothing_left = (self.x[:, real].sum(axis=1) - known_total) == 0
            full = (effective == free[:, None, :]).all(axis=2)
            return empty | full | nothing_left[:, None]
        return empty

    # certificates: integer moves that keep every published number ------------------------------

    def hidden_boxes(self) -> np.ndarray:
        """The boxes whose cells and margins the pattern hides (their moves are invisible)."""
        boxes = self.context.table.boxes
        return np.flatnonzero(~((boxes.cells & ~self.hidden_cells[None, :]).any(axis=1)
                                | (boxes.margins & ~self.hidden_margins[None, :]).any(axis=1)))

    def box_certified(self) -> np.ndarray:
        """hidden cells × quantities certified by the move of a hidden box."""
        chosen = self.hidden_boxes()
        certified = np.zeros((len(self.hidden), len(self.counts.quantities)), dtype=bool)
        if len(chosen):
            moved = self.context.table.boxes.cells[chosen][:, self.hidden]
            certified |= (moved.T.astype(np.int64) @ self.context.box_certificates[chosen].astype(np.int64)) > 0
        return certified

    def box_vectors(self) -> np.ndarray:
        """The hidden boxes as kernel vectors (columns over the hidden cells)."""
        return self.context.table.boxes.signs[self.hidden_boxes()][:, self.hidden].T.astype(float)

    def circuit_certified(self) -> np.ndarray:
        """hidden cells × quantities certified by a fundamental circuit of the shown margins."""
        m = len(self.hidden)
        certified = np.zeros((m, len(self.counts.quantities)), dtype=bool)
        columns = self.kernel[:, self.integral].astype(np.int64).T  # circuits × hidden cells
        if len(columns):
            width = int((columns != 0).sum(axis=1).max())
            order = np.argsort(columns == 0, axis=1, kind="stable")[:, :width]
            values = np.take_along_axis(columns, order, axis=1)
            corners = np.where(values != 0, self.hidden[order], -1)
            blank_ok = ~(self.blank_rows @ columns.T).any(axis=0) if len(self.blank_rows) else True
            result = certify_moves(self.counts, corners, values, blank_ok)
            moved = columns != 0
            certified |= (moved.T.astype(np.int64) @ result.astype(np.int64)) > 0
        return certified

    # the exact integer attacker ------------------------------------------------------------------

    def _model(self):
        """Equality constraints and bounds of the integer program over x[hidden cell, category]."""
        if hasattr(self, "_cached_model"):
            return self._cached_model
        m, width = self.x.shape
        n_vars = m * width
        index = np.arange(n_vars).reshape(m, width)
        rows, cols, vals, rhs = [], [], [], []
        row = 0
        for j in np.flatnonzero(~self.counts.slack):
            system = self.M
            if j == self.blank_index and len(self.blank_rows):
                system = _unique_rows(np.vstack([self.M, self.blank_rows]))
            for equation in system:
                members = np.flatnonzero(equation)
                rows.extend([row] * len(members))
                cols.extend(index[members, j])
                vals.extend(equation[members])
                rhs.append(float(equation[members] @ self.x[members, j]))
                row += 1
        for i in range(m):  # group sizes (with a slack column when they are not public)
            rows.extend([row] * width)
            cols.extend(index[i])
            vals.extend([1] * width)
            rhs.append(float(self.x[i].sum()))
            row += 1
        import scipy.sparse  # here: scipy.optimize and scipy.sparse cost ~0.3 s to import, and most
        from scipy.optimize import Bounds, LinearConstraint  # patterns never reach an integer program

        matrix = scipy.sparse.csr_array((np.array(vals, dtype=float), (rows, cols)), shape=(row, n_vars))
        upper = np.repeat(self.x.sum(axis=1)[:, None], width, axis=1).astype(float)
        lower = np.zeros((m, width))
        fixed = self.zero | self.known
        lower[fixed] = self.x[fixed]
        upper[fixed] = self.x[fixed]
        rhs = np.array(rhs)
        self._cached_model = (LinearConstraint(matrix, rhs, rhs), Bounds(lower.ravel(), upper.ravel()))
        return self._cached_model

    def solve(self, objective: np.ndarray) -> np.ndarray | None:
        """An integer solution minimising `objective` (over x[hidden, category]), or None."""
        from scipy.optimize import milp

        constraints, bounds = self._model()
        result = milp(objective.ravel().astype(float), constraints=constraints, bounds=bounds,
                      integrality=np.ones(objective.size), options=_MILP_OPTIONS)
        if result.x is None or result.status != 0:
            return None
        return np.round(result.x).astype(np.int64).reshape(self.x.shape)

    def extreme(self, position: int, quantity: int, sign: int) -> int | None:
        """The integer attacker's smallest (sign=+1) or largest (sign=−1) value of a count of
        the hidden cell at `position`."""
        objective = np.zeros(self.x.shape)
        objective[position, self.counts.quantities[quantity]] = sign
        solution = self.solve(objective)
        return None if solution is None else int(solution[position, self.counts.quantities[quantity]].sum())


@dataclass
class ItemAudit:
    """What an attacker can infer about one item under one pattern.

    `pinned`: (cell, quantity) pairs — cell indices into the table, quantity indices into
    `ItemCounts.quantities` — that the attacker can pin and the rule does not exempt.
    `unions`: sets of hidden cells forming a small group whose counts follow linearly."""

    hidden: np.ndarray
    pinned: list[tuple[int, int]] = field(default_factory=list)
    unions: list[np.ndarray] = field(default_factory=list)
    exempt: np.ndarray | None = None
    system: System | None = None

    @property
    def ok(self) -> bool:
        return not self.pinned and not self.unions


def audit_item(context: Context, hidden_cells, hidden_margins, exact: bool = True) -> ItemAudit:
    """Audit one item's pattern against the integer attacker (see the module docstring).

    A count is safe only when a second integer solution with another value is exhibited: a
    move along a kernel vector (the fundamental circuits of the shown margins, and every box
    the pattern hides, `Boxes`) that keeps every count non-negative. With `exact`, what no
    move certifies goes to `scipy.optimize.milp`, which either finds a solution with another
    value or proves that there is none; without it, such a count is reported as pinned —
    never wrongly safe, only sometimes wrongly unsafe (what `analysis.protect` uses while it
    searches, where a false alarm only hides one more box)."""
    hidden_cells = np.asarray(hidden_cells, dtype=bool)
    hidden = np.flatnonzero(hidden_cells)
    if not len(hidden):
        return ItemAudit(hidden)
    counts = context.counts
    system = System(context, hidden_cells, hidden_margins)
    exempt = system.exempt()
    todo = ~exempt
    if not exact:  # quick verdicts first: a cell alone in a shown margin; every count moved by a box
        alone = system.alone[:, None] & todo
        if alone.any():
            return ItemAudit(hidden, [(int(hidden[p]), int(q)) for p, q in zip(*np.nonzero(alone))], [], exempt, system)
    by_box = system.box_certified()
    if not exact and not (todo & ~by_box).any():
        unions = _readable_small_groups(system, counts, context.min_n, system.box_vectors(), ~system.alone)
        if not unions:
            return ItemAudit(hidden, [], [], exempt, system)
    pinned = np.zeros_like(todo)
    pinned[system.pinned_linear] = todo[system.pinned_linear]
    todo[system.pinned_linear] = False
    todo &= ~by_box
    if todo.any():
        todo &= ~system.circuit_certified()
    if not exact:
        pinned |= todo
        todo[:] = False
    # What is left: the exact integer program decides (and every solution it finds is a
    # certificate for every other count it moves).
    truth = system.x
    values = (truth[:, None, :] * counts.quantities[None, :, :]).sum(axis=2)
    for position, quantity in zip(*np.nonzero(todo)):
        if not todo[position, quantity]:
            continue
        moved = False
        for sign in (-1, 1):
            objective = np.zeros(truth.shape)
            objective[position, counts.quantities[quantity]] = sign
            solution = system.solve(objective)
            if solution is None:
                continue
            found = (solution[:, None, :] * counts.quantities[None, :, :]).sum(axis=2)
            todo &= found == values
            if found[position, quantity] != values[position, quantity]:
                moved = True
                break
        if not moved:
            pinned[position, quantity] = True
            todo[position, quantity] = False
    pairs = [(int(hidden[p]), int(q)) for p, q in zip(*np.nonzero(pinned))]
    unions = _readable_small_groups(system, counts, context.min_n, system.kernel, ~system.pinned_linear)
    return ItemAudit(hidden, pairs, unions, exempt, system)


def _readable_small_groups(system: System, counts: ItemCounts, min_n: int, kernel: np.ndarray,
                           candidates: np.ndarray) -> list[np.ndarray]:
    """Sets of two or more hidden cells that together are a sensitive group and whose total
    follows linearly from the shown cells and margins: their 0/1 vector is orthogonal to the
    kernel (`kernel`: its basis; with only some kernel vectors the test errs on the side of
    "readable"). One set per kind of sensitivity (too few; none in the measure; all in it)."""
    if min_n <= 1:
        return []
    n_sub = counts.n_substantive[system.hidden]
    k = counts.k[system.hidden]
    kinds = [(candidates & (n_sub < min_n), min_n - 1)]
    if counts.all_or_none:
        kinds.append((candidates & (k == 0) & (n_sub < SMALL_GROUP), SMALL_GROUP - 1))
        kinds.append((candidates & (k == n_sub) & (n_sub < SMALL_GROUP), SMALL_GROUP - 1))
    found = []
    for domain_mask, limit in kinds:
        domain = np.flatnonzero(domain_mask)
        if len(domain) < 2:
            continue
        union = _smallest_readable(kernel[domain], n_sub[domain], limit)
        if union is not None:
            found.append(system.hidden[domain[union]])
    return found


def _possible_members(kernel_rows: np.ndarray, sizes: np.ndarray, limit: int) -> np.ndarray:
    """The rows that some subset (≥ 2) summing to zero with total size ≤ limit could contain —
    exact exclusions only, repeated until none applies: a row too large to pair with the
    smallest other, and every row whose entry in some kernel column is non-zero while every
    other remaining non-zero entry of that column has the same sign (a subset holding it
    would sum to non-zero there)."""
    keep = np.ones(len(kernel_rows), dtype=bool)
    sign = np.sign(np.where(np.abs(kernel_rows) < 1e-6, 0.0, kernel_rows)).astype(np.int64)
    while keep.sum() >= 2:
        rest = np.sort(sizes[keep])
        dropped = keep & (sizes + np.where(sizes == rest[0], rest[1], rest[0]) > limit)
        if sign.shape[1]:
            positive = (sign[keep] > 0).any(axis=0)
            negative = (sign[keep] < 0).any(axis=0)
            one_signed = positive ^ negative
            dropped |= keep & (sign[:, one_signed] != 0).any(axis=1)
        if not dropped.any():
            break
        keep &= ~dropped
    return np.flatnonzero(keep)


def _smallest_readable(kernel_rows: np.ndarray, sizes: np.ndarray, limit: int,
                       weights: np.ndarray | None = None) -> np.ndarray | None:
    """The smallest subset (≥ 2) of rows summing to zero with total size ≤ limit, or None;
    among subsets of one size the one with the lowest set of positions (bit mask order)."""
    if np.sort(sizes)[:2].sum() > limit:
        return None
    possible = _possible_members(kernel_rows, sizes, limit)
    if len(possible) < 2:
        return None
    if len(possible) < len(kernel_rows):  # the same search over the rows that can take part
        weights = 1.0 + np.arange(len(kernel_rows)) / (10.0 * len(kernel_rows)) if weights is None else weights
        found = _smallest_readable(kernel_rows[possible], sizes[possible], limit, weights[possible])
        return None if found is None else possible[found]
    n = len(kernel_rows)
    if n <= _ENUMERATED_UNIONS:
        masks = np.arange(1, 1 << n, dtype=np.int64)
        members = ((masks[:, None] >> np.arange(n)) & 1).astype(np.int64)
        size = members.sum(axis=1)
        ok = (size >= 2) & (members @ sizes <= limit)
        masks, members, size, ok = masks[ok], members[ok], size[ok], np.ones(int(ok.sum()), dtype=bool)
        if kernel_rows.shape[1] and len(members):
            rounded = np.round(kernel_rows)
            if np.array_equal(rounded, kernel_rows):  # integer arithmetic (no threaded BLAS)
                ok &= ~(members @ rounded.astype(np.int64)).any(axis=1)
            else:
                ok &= (np.abs(members @ kernel_rows) < 1e-6).all(axis=1)
        if not ok.any():
            return None
        order = np.lexsort((masks[ok], size[ok]))
        return np.flatnonzero(members[ok][order[0]])
    d = kernel_rows.shape[1]
    rows = [np.ones((1, n)), sizes[None, :].astype(float)]
    lower = [2.0, 0.0]
    upper = [np.inf, float(limit)]
    if d:
        rows.append(kernel_rows.T)
        lower += [-1e-9] * d
        upper += [1e-9] * d
    from scipy.optimize import Bounds, LinearConstraint, milp

    constraints = LinearConstraint(np.vstack(rows), np.array(lower), np.array(upper))
    weights = 1.0 + np.arange(n) / (10.0 * n) if weights is None else weights
    result = milp(weights, constraints=constraints, bounds=Bounds(0, 1), integrality=np.ones(n),
                  options=_MILP_OPTIONS)
    if result.x is None or result.status != 0:
        return None
    return np.flatnonzero(np.round(result.x) > 0)


# --- a multi-select question: its options share one blank count -----------------------------------------


def every_blank(table: CellTable) -> KnownBlank:
    """Every group's blank count, as if it were public (what each option's own audit assumes)."""
    return KnownBlank(np.ones(table.n_cells, dtype=bool), np.ones(len(table.margins), dtype=bool))


def published_blanks(hidden_cells: Sequence[np.ndarray], hidden_margins: Sequence[np.ndarray]) -> KnownBlank:
    """The blank counts a multi-select question publishes: those of the groups that at least one
    of its options shows (every option's row for a group carries the question's blank)."""
    return KnownBlank(~np.logical_and.reduce([np.asarray(h, dtype=bool) for h in hidden_cells]),
                      ~np.logical_and.reduce([np.asarray(h, dtype=bool) for h in hidden_margins]))


def joint_box_certificates(table: CellTable, options: Sequence[ItemCounts]) -> np.ndarray:
    """boxes × options × quantities: what each box's joint move certifies once every option hides
    its cells and margins. The move takes people from answering to skipping the question (blank
    ±1 on the corners, the same in every option) and, in each option, the other way in one of
    its answer categories; it needs the blank to give on the corners where it loses and, in every
    option, some category to give where the blank gains. A count takes another value when it holds
    exactly one of the blank and the category that moves with it."""
    boxes = table.boxes
    first = options[0]
    blank = int(np.flatnonzero(first.blank)[0])
    corners = np.maximum(boxes.corners, 0)
    certified = np.zeros((len(corners), len(options), len(first.quantities)), dtype=bool)
    blanks = first.x[corners, blank]
    for sign in (1, -1):
        values = sign * boxes.values
        need = np.abs(values)
        blank_gives = ((values >= 0) | (blanks >= need)).all(axis=1)
        gives = []
        for counts in options:
            rows = counts.x[corners]
            can = ((values <= 0)[:, :, None] | (rows >= need[:, :, None])).all(axis=1)  # boxes × categories
            can[:, counts.blank | counts.slack] = False
            gives.append(can)
        valid = blank_gives & np.logical_and.reduce([can.any(axis=1) for can in gives])
        for o, (counts, can) in enumerate(zip(options, gives)):
            q = counts.quantities.astype(np.int64)
            inside = (can.astype(np.int64) @ q.T) > 0  # a category that gives lies in the count
            outside = (can.astype(np.int64) @ (1 - q).T) > 0
            moves = np.where(counts.quantities[:, blank][None, :], outside, inside)
            certified[:, o] |= valid[:, None] & moves
    return certified


class JointSystem:
    """The attacker's integer program over every option of one question at once: each option's
    system (with the blank counts the question publishes) side by side, and one blank per cell
    hidden in every option, shared by all of them."""

    def __init__(self, systems: Sequence[System], everywhere: np.ndarray):
        self.systems = list(systems)
        models = [s._model() for s in self.systems]
        sizes = [s.x.size for s in self.systems]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        blocks = [m[0].A for m in models]
        lower = [m[0].lb for m in models]
        upper = [m[0].ub for m in models]
        link_rows, link_cols, link_vals = [], [], []
        shared = np.flatnonzero(everywhere)
        row = 0
        if len(shared) and len(self.systems) > 1:
            width = [s.x.shape[1] for s in self.systems]
            position = [{int(c): p for p, c in enumerate(s.hidden)} for s in self.systems]
            first = self.systems[0]
            for cell in shared:
                a = self.offsets[0] + position[0][int(cell)] * width[0] + first.blank_index
                for o in range(1, len(self.systems)):
                    s = self.systems[o]
                    b = self.offsets[o] + position[o][int(cell)] * width[o] + s.blank_index
                    link_rows += [row, row]
                    link_cols += [a, b]
                    link_vals += [1.0, -1.0]
                    row += 1
        import scipy.sparse
        from scipy.optimize import Bounds, LinearConstraint

        matrix = scipy.sparse.block_diag([scipy.sparse.csr_array(b) for b in blocks], format="csr")
        if row:
            links = scipy.sparse.csr_array((link_vals, (link_rows, link_cols)), shape=(row, int(self.offsets[-1])))
            matrix = scipy.sparse.vstack([matrix, links], format="csr")
            lower.append(np.zeros(row))
            upper.append(np.zeros(row))
        self.constraints = LinearConstraint(matrix, np.concatenate(lower), np.concatenate(upper))
        self.bounds = Bounds(np.concatenate([m[1].lb for m in models]), np.concatenate([m[1].ub for m in models]))

    def solve(self, option: int, position: int, categories: np.ndarray, sign: int) -> list[np.ndarray] | None:
        """An integer solution minimising (sign=+1) or maximising (−1) the count of `categories`
        of option `option`'s hidden cell at `position`, per option, or None."""
        objective = np.zeros(int(self.offsets[-1]))
        width = self.systems[option].x.shape[1]
        start = self.offsets[option] + position * width
        objective[start: start + width] = sign * categories
        from scipy.optimize import milp

        result = milp(objective, constraints=self.constraints, bounds=self.bounds,
                      integrality=np.ones(objective.size), options=_MILP_OPTIONS)
        if result.x is None or result.status != 0:
            return None
        x = np.round(result.x).astype(np.int64)
        return [x[self.offsets[o]: self.offsets[o + 1]].reshape(s.x.shape) for o, s in enumerate(self.systems)]

    def extreme(self, option: int, position: int, quantity: int, sign: int) -> int | None:
        categories = self.systems[option].counts.quantities[quantity]
        solution = self.solve(option, position, categories.astype(float), sign)
        return None if solution is None else int(solution[option][position, categories].sum())


@dataclass
class QuestionAudit:
    """What an attacker with every option of a multi-select question can infer about the counts
    that the options' own audits take as given because they assume every blank public.

    Per option (lists, one entry each): `hidden` cell indices, `exempt` (hidden × quantities: the
    rule's exemption with only the blanks the question publishes), `checked` (the counts decided
    here: exempt under "every blank public" but not under the published ones). `pinned`:
    (option, cell, quantity) triples the attacker pins. `certificates`: `joint_box_certificates`,
    for the search to reuse."""

    hidden: list[np.ndarray]
    exempt: list[np.ndarray]
    checked: list[np.ndarray]
    systems: list[System]
    published: KnownBlank
    pinned: list[tuple[int, int, int]] = field(default_factory=list)
    certificates: np.ndarray | None = None
    _joint: JointSystem | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.pinned

    @property
    def joint(self) -> JointSystem:
        if self._joint is None:
            self._joint = JointSystem(self.systems, ~self.published.cells)
        return self._joint


def audit_question(table: CellTable, options: Sequence[ItemCounts], min_n: int, patterns, exact: bool = True,
                   certificates: np.ndarray | None = None) -> QuestionAudit:
    """Audit the shared blank of a multi-select question's options, each with its pattern
    (`patterns`: (hidden cells, hidden margins) per option).

    Each option's own audit (`audit_item` with `every_blank`) gives the attacker every group's
    blank count: more than is published, so what it certifies holds here too (a move of one
    option's answers that keeps the blanks keeps every other option's numbers). What it cannot
    judge is what it takes as given: the blank of a cell that every option hides, and the counts
    that follow from it. Those are decided here, over all options at once: certified by a joint
    box move (`joint_box_certificates`), else by HiGHS on the joint program (`JointSystem`); without
    `exact` an uncertified count is reported as pinned (never wrongly safe)."""
    hidden_cells = [np.asarray(p[0], dtype=bool) for p in patterns]
    hidden_margins = [np.asarray(p[1], dtype=bool) for p in patterns]
    published = published_blanks(hidden_cells, hidden_margins)
    everything = every_blank(table)
    systems, hidden, exempt, checked = [], [], [], []
    for counts, cells, margins in zip(options, hidden_cells, hidden_margins):
        system = System(Context(table, counts, min_n, published), cells, margins)
        own = System(Context(table, counts, min_n, everything), cells, margins).exempt()
        systems.append(system)
        hidden.append(system.hidden)
        exempt.append(system.exempt())
        checked.append(own & ~exempt[-1])
    audit = QuestionAudit(hidden, exempt, checked, systems, published)
    if min_n <= 1 or not any(c.any() for c in checked):
        return audit
    everywhere = ~published.cells
    if certificates is None:
        certificates = joint_box_certificates(table, options)
    audit.certificates = certificates
    boxes = table.boxes
    usable = ~((boxes.cells & ~everywhere[None, :]).any(axis=1)
               | (boxes.margins & published.margins[None, :]).any(axis=1))
    todo = []
    for o, system in enumerate(systems):
        remaining = checked[o].copy()
        chosen = np.flatnonzero(usable)
        if len(chosen) and remaining.any():
            moved = boxes.cells[chosen][:, system.hidden].T.astype(np.int64)  # hidden × boxes
            remaining &= ~((moved @ certificates[chosen, o].astype(np.int64)) > 0)
        todo.append(remaining)
    if not any(t.any() for t in todo):
        return audit
    if not exact:
        audit.pinned = [(o, int(hidden[o][p]), int(q)) for o in range(len(options)) for p, q in zip(*np.nonzero(todo[o]))]
        return audit
    joint = audit.joint
    truth = [(s.x[:, None, :] * s.counts.quantities[None, :, :]).sum(axis=2) for s in systems]
    # The blank count is one number for every option: decided once, for all of them.
    blank_quantity = [np.flatnonzero((c.quantities == c.blank[None, :]).all(axis=1)) for c in options]
    positions = [{int(cell): p for p, cell in enumerate(h)} for h in hidden]
    for o in range(len(options)):
        for position, quantity in zip(*np.nonzero(todo[o])):
            if not todo[o][position, quantity]:
                continue
            moved = False
            categories = options[o].quantities[quantity].astype(float)
            for sign in (-1, 1):
                solution = joint.solve(o, position, categories, sign)
                if solution is None:
                    continue
                for p, (s, x) in enumerate(zip(systems, solution)):  # every count it moves is settled too
                    found = (x[:, None, :] * s.counts.quantities[None, :, :]).sum(axis=2)
                    todo[p] &= found == truth[p]
                if int(solution[o][position] @ categories) != truth[o][position, quantity]:
                    moved = True
                    break
            if moved:
                continue
            cell = int(hidden[o][position])
            shared = len(blank_quantity[o]) and quantity == blank_quantity[o][0]
            for p in (range(len(options)) if shared else [o]):
                q = int(blank_quantity[p][0]) if shared else int(quantity)
                if checked[p][positions[p][cell], q]:
                    audit.pinned.append((p, cell, q))
                todo[p][positions[p][cell], q] = False
    return audit


# --- the report -----------------------------------------------------------------------------------------


def interval_rows(context: Context, hidden_cells, hidden_margins) -> list[dict]:
    """The exact integer interval of every protected count of every hidden cell (two MILPs
    each), with whether the rule exempts it and whether it is protected."""
    audit = audit_item(context, hidden_cells, hidden_margins)
    rows = []
    if audit.system is None:
        return rows
    system = audit.system
    pinned = set(audit.pinned)
    for position, cell in enumerate(system.hidden):
        for quantity, name in enumerate(context.counts.quantity_names):
            low = system.extreme(position, quantity, 1)
            high = system.extreme(position, quantity, -1)
            exempt = bool(audit.exempt[position, quantity])
            rows.append({"cell": int(cell), "count": name, "low": low, "high": high, "exempt": exempt,
                         "protected": exempt or (int(cell), quantity) not in pinned})
    return rows
