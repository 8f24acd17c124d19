"""Disclosure control, attacked: a small survey where one municipality × role cell has three
people, and an attacker who collects every output and solves for that cell.

The survey (built below, every count checkable by hand): three municipalities × two roles,
cells of 6, 6, 7, 7, 6 and 3 respondents; the 3-person cell is Cby × Pol. Threshold 5.
On q4 every one of the 7 in Bby × Pol answered "Ja" — 100 % in a group under 10.

The attacker sees every breakdown (total, role, municipality, municipality × role, each
municipality vs the rest, and those by role), both denominators, the distributions, the
comparisons and the CLI's CSV. Each shown number is an equation over the unknown counts
per cell and answer category; with the public group sizes and 0 ≤ count it is an integer
program. We ask it for the smallest and largest value the protected cell's counts can take:
if they are equal, the cell is disclosed.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from analysis.aggregate import REST_MARKER, Focus, distribution_table, headline_table
from cli.main import main
from analysis.compare import compare_groups
from analysis.intake import load_workbook
from analysis.protect import (
    PRIMARY,
    SECONDARY,
    SMALL_GROUP,
    is_sensitive,
    plan_suppression,
    protect_distribution,
    protect_headline,
    suppression_note,
    suppression_pattern,
)
from conftest import LIKERT, write_workbook

MIN_N = 5
SL, L, N, S, SS, DK = "I svært liten grad", "I liten grad", "I noen grad", "I stor grad", "I svært stor grad", "Vet ikke"
MUNICIPALITIES = ["Aby", "Bby", "Cby"]
ROLES = ["Adm", "Pol"]
SMALL = ("Cby", "Pol")
ALL_OR_NONE = ("Bby", "Pol")  # q4: all 7 answered "Ja"

CODEBOOK = [
    {"column": "id", "kind": "id", "question": "ID", "label": "ID"},
    {"column": "kommune", "kind": "breakdown", "question": "Kommune", "label": "Kommune", "scale": "Aby | Bby | Cby"},
    {"column": "rolle", "kind": "breakdown", "question": "Rolle", "label": "Rolle", "scale": "Adm | Pol"},
    {"column": "q1", "kind": "likert", "question": "Gevinster?", "label": "Gevinster", "section": "erfaringer",
     "measure": "top2", "scale": LIKERT, "dont_know": "Vet ikke"},
    {"column": "q2", "kind": "yes_no", "question": "Tettere?", "label": "Tettere", "section": "mulighetsrom",
     "measure": "yes", "scale": "Nei | Ja | Vet ikke", "dont_know": "Vet ikke"},
    {"column": "q3", "kind": "likert", "question": "Felles mål?", "label": "Felles mål", "section": "erfaringer",
     "measure": "bottom2", "scale": LIKERT, "dont_know": "Vet ikke"},
    {"column": "q4", "kind": "yes_no", "question": "Felles tjenester?", "label": "Felles tjenester",
     "section": "mulighetsrom", "measure": "yes", "scale": "Nei | Ja | Vet ikke", "dont_know": "Vet ikke"},
]

# Answers per cell, one list per item (None = blank).
CELLS = {
    ("Aby", "Adm"): {"q1": [S, SS, N, L, S, DK], "q2": ["Ja", "Ja", "Nei", "Ja", "Nei", "Ja"],
                     "q3": [L, N, S, SL, N, S], "q4": ["Ja", "Nei", "Ja", "Ja", "Ja", "Nei"]},
    ("Aby", "Pol"): {"q1": [S, N, N, SL, SS, L], "q2": ["Nei", "Ja", "Ja", "Nei", "Ja", "Vet ikke"],
                     "q3": [N, L, S, N, SS, None], "q4": ["Ja", "Ja", "Nei", "Ja", "Nei", "Ja"]},
    ("Bby", "Adm"): {"q1": [SS, S, N, L, DK, S, N], "q2": ["Ja", "Ja", "Ja", "Nei", "Nei", "Ja", "Ja"],
                     "q3": [SL, N, N, S, L, SS, N], "q4": ["Ja", "Nei", "Ja", "Nei", "Ja", "Ja", "Ja"]},
    ("Bby", "Pol"): {"q1": [N, S, L, L, SS, N, S], "q2": ["Ja", "Nei", "Nei", "Ja", "Vet ikke", "Ja", "Ja"],
                     "q3": [L, N, S, S, None, N, SL], "q4": ["Ja"] * 7},
    ("Cby", "Adm"): {"q1": [S, N, SS, L, N, SL], "q2": ["Ja", "Nei", "Ja", "Ja", "Nei", "Ja"],
                     "q3": [N, S, L, N, SS, SL], "q4": ["Nei", "Ja", "Ja", "Nei", "Ja", "Ja"]},
    ("Cby", "Pol"): {"q1": [S, DK, L], "q2": ["Ja", "Nei", None], "q3": [N, None, SL], "q4": ["Ja", "Ja", "Nei"]},
}
ITEMS = ["q1", "q2", "q3", "q4"]
INVITED = {("Aby", "Adm"): 8, ("Aby", "Pol"): 9, ("Bby", "Adm"): 9, ("Bby", "Pol"): 10, ("Cby", "Adm"): 7, ("Cby", "Pol"): 6}


def small_cell_frames() -> dict[str, pd.DataFrame]:
    rows = []
    for (municipality, role), answers in CELLS.items():
        for i in range(len(answers["q1"])):
            rows.append({"id": f"{municipality}{role}{i}", "kommune": municipality, "rolle": role,
                         **{item: answers[item][i] for item in ITEMS}})
    meta = {"title": "Liten celle", "year": "2024", "region": "Testregionen", "provenance": "Håndlaget.",
            "min_group_size": str(MIN_N), **{f"invited_{m}_{r}": str(v) for (m, r), v in INVITED.items()}}
    return {
        "responses": pd.DataFrame(rows, columns=["id", "kommune", "rolle", *ITEMS]),
        "codebook": pd.DataFrame(CODEBOOK),
        "meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())}),
    }


@pytest.fixture(scope="module")
def small_path(tmp_path_factory):
    return write_workbook(tmp_path_factory.mktemp("small") / "small_cell.xlsx", small_cell_frames())


@pytest.fixture(scope="module")
def survey(small_path):
    return load_workbook(small_path)


@pytest.fixture(autouse=True)
def owner_threshold(monkeypatch):
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", str(MIN_N))


def hidden_cells(survey, item):
    cells = plan_suppression(survey, MIN_N, [item])[item].cells
    return {(r.kommune, r.rolle): r.suppression for r in cells.itertuples() if r.suppression is not None}


# --- the pattern, worked out by hand ------------------------------------------------------------


def hidden_margins(survey, item):
    """The hidden margins of an item, each as the set of cells it adds up."""
    pattern = plan_suppression(survey, MIN_N, [item])[item]
    cells = list(zip(pattern.cells["kommune"], pattern.cells["rolle"]))
    return {frozenset(cells[i] for i in np.flatnonzero(pattern.table.margins[m]))
            for m in np.flatnonzero(pattern.hidden_margins)}


@pytest.mark.parametrize("item", ["q1", "q2", "q3"])
def test_small_cell_takes_a_rectangle_with_the_smallest_complement(survey, item):
    """Cby × Pol is primary. The Pol column and the Cby row each need a second hidden cell,
    and that cell's own row/column then needs a fourth: a rectangle. Aby's pair (6 + 6, or
    6 + 5 on q3 where one Aby × Pol answer is blank) is smaller than Bby's (7 + 7, or 7 + 6).
    Every hidden cell is labelled from its size alone: under 5 people "primary", else "secondary"."""
    assert hidden_cells(survey, item) == {
        ("Cby", "Pol"): PRIMARY, ("Cby", "Adm"): SECONDARY, ("Aby", "Pol"): SECONDARY, ("Aby", "Adm"): SECONDARY,
    }


def test_q1_needs_no_margin_hidden(survey):
    assert hidden_margins(survey, "q1") == set()


@pytest.mark.parametrize("item", ["q2", "q3"])
def test_a_blank_only_the_small_cell_has_takes_two_municipality_totals(survey, item):
    """On q2 the survey's only blank answer is in Cby × Pol; on q3 no Adm left a blank, so Cby's
    one blank is in Cby × Pol. With every total shown, the role, municipality and grand totals
    pin it ("one of the 3 skipped the question"), and no rectangle can move it (its other
    corners have no blank to give). Hiding the Aby and Cby totals lets the blank sit in Aby × Pol
    instead; both are municipality totals, cheaper than the role totals the report needs."""
    assert hidden_margins(survey, item) == {frozenset({("Aby", "Adm"), ("Aby", "Pol")}),
                                            frozenset({("Cby", "Adm"), ("Cby", "Pol")})}


def test_all_or_none_in_a_small_group_is_hidden_under_a_neutral_label(survey):
    """q4: Bby × Pol is 7 of 7 "Ja" (100 % in a group under 10) and Cby × Pol has 3 people.
    Both sit in the Pol column, so they cover each other there; the rows need Bby × Adm and
    Cby × Adm. Their sum, 10 people, is shown (Pol minus Aby × Pol) — 10 is not under 10.
    Bby × Pol has 7 people, so its label is "secondary" like any hidden group of 5 or more: a
    label "too few answers" on a group of 7 that answered would say "all or none"."""
    assert hidden_cells(survey, "q4") == {
        ("Bby", "Pol"): SECONDARY, ("Cby", "Pol"): PRIMARY, ("Bby", "Adm"): SECONDARY, ("Cby", "Adm"): SECONDARY,
    }
    assert hidden_margins(survey, "q4") == set()


def test_the_label_depends_on_the_group_size_only():
    from analysis.protect import label

    assert [label(n, 5) for n in (0, 1, 4, 5, 6, 40)] == [PRIMARY] * 3 + [SECONDARY] * 3


def test_sensitivity_rule():
    n_substantive = np.array([4, 5, 9, 9, 9, 10, 10])
    k = np.array([2, 2, 0, 9, 4, 0, 10])
    assert list(is_sensitive(n_substantive, k, 5)) == [True, False, True, True, False, False, False]
    assert not is_sensitive(n_substantive, k, 1).any()  # threshold 1 switches protection off
    assert SMALL_GROUP == 10


def test_pattern_is_deterministic(survey):
    first = plan_suppression(survey, MIN_N)
    second = plan_suppression(survey, MIN_N)
    for item in ITEMS:
        assert list(first[item].cells["suppression"]) == list(second[item].cells["suppression"])


def test_one_dimensional_and_margin_level_cases():
    # Three municipalities, no role: one of 3 people → the smallest other municipality goes too.
    status = suppression_pattern(np.array([[0], [1], [2]]), [3, 6, 7], [3, 6, 7], [1, 3, 3], MIN_N).cell_status
    assert list(status) == [PRIMARY, SECONDARY, None]
    # Two municipalities × two roles where a whole municipality has 4 people: its row total is
    # primary too, and only hiding the other municipality (every cell) closes the grand total.
    keys = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    status = suppression_pattern(keys, [2, 2, 6, 6], [2, 2, 6, 6], [1, 1, 3, 3], MIN_N).cell_status
    assert list(status) == [PRIMARY, PRIMARY, SECONDARY, SECONDARY]


# --- every view hides the cell and says why -------------------------------------------------------

VIEWS = [
    ((), None), (("rolle",), None), (("kommune",), None), (("kommune", "rolle"), None),
    *[((("kommune",), Focus("kommune", m))) for m in MUNICIPALITIES],
    *[((("kommune", "rolle"), Focus("kommune", m))) for m in MUNICIPALITIES],
]
HIDDEN = ["n", "k", "pct", "ci_low", "ci_high", "dont_know", "blank", "share"]


def members_of(row, by, focus):
    """The attacker's reading of a row: which (municipality, role) cells it adds up."""
    cells = set()
    for municipality in MUNICIPALITIES:
        for role in ROLES:
            values = {"kommune": municipality, "rolle": role}
            ok = True
            for column in by:
                shown = row[column]
                if shown in (MUNICIPALITIES + ROLES):
                    ok &= values[column] == shown
                else:  # "Resten av Testregionen"
                    ok &= values[column] != focus.value
            if ok:
                cells.add((municipality, role))
    return frozenset(cells)


def protected_views(survey):
    for by, focus in VIEWS:
        for denominator in ("report", "substantive"):
            table = headline_table(survey, by, denominator=denominator, focus=focus)
            yield by, focus, denominator, protect_headline(table, MIN_N, by, survey, focus=focus)


def test_every_view_hides_the_small_cell_and_its_complements(survey):
    for by, focus, denominator, table in protected_views(survey):
        for row in table.to_dict("records"):
            cells = members_of(row, by, focus)
            if cells == {SMALL}:
                assert row["suppressed"] and row["suppression"] == PRIMARY, (by, focus, denominator)
            if row["suppressed"]:
                assert row["suppression"] in (PRIMARY, SECONDARY)
                assert all(pd.isna(row[c]) for c in HIDDEN), (by, focus, row)
                assert not pd.isna(row["respondents"])  # group sizes are not answers
            else:
                assert row["suppression"] is None


def test_rest_is_hidden_when_the_focus_is(survey):
    table = protect_headline(headline_table(survey, ["kommune", "rolle"], focus=Focus("kommune", "Cby")),
                             MIN_N, ["kommune", "rolle"], survey, focus=Focus("kommune", "Cby"))
    q1 = table[table["item_id"] == "q1"].set_index(["kommune", "rolle"])
    # Pol total is shown, so "rest × Pol" = Pol − Cby × Pol must go; then its row and column too.
    assert q1["suppressed"].all()
    assert q1.loc[("Cby", "Pol"), "suppression"] == PRIMARY


def test_the_rest_is_a_code_not_any_unknown_value(survey):
    """A group value that is neither a breakdown value nor the rest's code (e.g. a table named
    before protection) is no group of the survey: refused, not guessed to be "the rest"."""
    focus = Focus("kommune", "Cby")
    table = headline_table(survey, ["kommune"], focus=focus)
    named = table.assign(kommune=table["kommune"].replace(REST_MARKER, "Resten av regionen"))
    with pytest.raises(ValueError):
        protect_headline(named, MIN_N, ["kommune"], survey, focus=focus)
    shown = protect_headline(table, MIN_N, ["kommune"], survey, focus=focus)
    assert set(shown["kommune"]) == {"Cby", REST_MARKER}


def test_no_zero_or_hundred_percent_in_groups_under_ten(survey):
    for by, focus, denominator, table in protected_views(survey):
        shown = table[~table["suppressed"]]
        small = shown[shown["n"].astype(float) < SMALL_GROUP]
        assert not small["pct"].isin([0.0, 100.0]).any(), (by, focus, denominator)
        assert not (small["ci_low"] == 0).any() and not (small["ci_high"] == 1).any()


def test_local_mode_matches_the_survey_pattern_on_the_finest_table(survey):
    by = ["kommune", "rolle"]
    table = headline_table(survey, by)
    assert list(protect_headline(table, MIN_N, by)["suppression"]) == list(protect_headline(table, MIN_N, by, survey)["suppression"])


def test_filtered_views_use_the_survey_pattern(survey):
    # Aby + Cby by role: Pol = Aby × Pol + Cby × Pol (both hidden on q1) = Pol − Bby × Pol, which
    # is shown anyway (8 people, 3 of them top-2), so it may show; Cby alone by role may not.
    subset = survey.filter(kommune=["Aby", "Cby"])
    table = protect_headline(headline_table(subset, ["rolle"]), MIN_N, ["rolle"], survey, selection={"kommune": ["Aby", "Cby"]})
    q1 = table[table["item_id"] == "q1"].set_index("rolle")
    assert not q1.loc["Pol", "suppressed"] and q1.loc["Pol", "k"] == 1 + 2
    only = protect_headline(headline_table(survey.filter(kommune=["Cby"]), ["rolle"]), MIN_N, ["rolle"], survey,
                            selection={"kommune": ["Cby"]})
    q1 = only[only["item_id"] == "q1"].set_index("rolle")
    assert (q1.loc["Pol", "suppression"], q1.loc["Adm", "suppression"]) == (PRIMARY, SECONDARY)
    with pytest.raises(ValueError, match="selection"):
        protect_headline(headline_table(subset, ["rolle"]), MIN_N, ["rolle"], survey)


def test_distribution_follows_the_same_pattern(survey):
    by = ["kommune", "rolle"]
    headline = protect_headline(headline_table(survey, by), MIN_N, by, survey)
    distribution = protect_distribution(distribution_table(survey, by), MIN_N, by, survey)
    hidden_headline = set(map(tuple, headline[headline["suppressed"]][["item_id", *by]].to_numpy()))
    hidden_distribution = set(map(tuple, distribution[distribution["suppressed"]][["item_id", *by]].to_numpy()))
    assert hidden_headline == hidden_distribution
    assert distribution.loc[distribution["suppressed"], ["count", "n", "share"]].isna().all().all()


def test_suppression_notes():
    assert suppression_note(PRIMARY, 5) == "for få svar til å vises"
    assert suppression_note(SECONDARY, 5, "en") == "hidden to protect a small group"
    assert "5" in suppression_note(PRIMARY, 5, long=True) and suppression_note(None, 5) == ""


# --- the attacker --------------------------------------------------------------------------------

CELL_LIST = [(m, r) for m in MUNICIPALITIES for r in ROLES]


class Attacker:
    """Collects every shown number of one item as linear equations over x[cell, category]
    (the item's categories plus "blank") and solves integer programs over them."""

    def __init__(self, survey, item_id):
        self.item = survey.items[item_id]
        self.categories = [*self.item.categories, "(blank)"]
        self.size = {c: int(((survey.responses["kommune"] == c[0]) & (survey.responses["rolle"] == c[1])).sum())
                     for c in CELL_LIST}
        self.rows: list[np.ndarray] = []
        self.values: list[float] = []
        for cell in CELL_LIST:  # group sizes are public
            self.equation({cell}, self.categories, self.size[cell])

    def vector(self, cells, categories) -> np.ndarray:
        v = np.zeros(len(CELL_LIST) * len(self.categories))
        for cell in cells:
            for category in categories:
                v[CELL_LIST.index(cell) * len(self.categories) + self.categories.index(category)] = 1
        return v

    def equation(self, cells, categories, value):
        if value is None or pd.isna(value):
            return
        self.rows.append(self.vector(cells, categories))
        self.values.append(float(value))

    def quantities(self):
        item = self.item
        answered = list(item.categories)
        substantive = [c for c in answered if c != item.dont_know]
        quantities = {"k": list(item.measure_categories), "n_answered": answered, "n_substantive": substantive,
                      "blank": ["(blank)"], **{f"category {c}": [c] for c in self.categories}}
        if item.dont_know:
            quantities["dont_know"] = [item.dont_know]
        return quantities

    def headline_row(self, row, cells):
        item = self.item
        base = list(item.categories) if row["denominator"] == "report" else [c for c in item.categories if c != item.dont_know]
        self.equation(cells, base, row["n"])
        self.equation(cells, item.measure_categories, row["k"])
        if item.dont_know:
            self.equation(cells, [item.dont_know], row["dont_know"])
        self.equation(cells, ["(blank)"], row["blank"])

    def range_of(self, cell, categories) -> tuple[float, float]:
        a = np.array(self.rows)
        b = np.array(self.values)
        upper = np.repeat([self.size[c] for c in CELL_LIST], len(self.categories))
        target = self.vector({cell}, categories)
        found = []
        for sign in (1, -1):
            result = milp(sign * target, constraints=LinearConstraint(a, b, b), integrality=np.ones(len(target)),
                          bounds=Bounds(np.zeros(len(target)), upper))
            assert result.success, result.message
            found.append(sign * result.fun)
        return found[0], found[1]

    def linear_span_reveals(self, cell, categories) -> bool:
        a = np.array(self.rows)
        target = self.vector({cell}, categories)
        coefficients, *_ = np.linalg.lstsq(a.T, target, rcond=None)
        return bool(np.allclose(a.T @ coefficients, target, atol=1e-8))


@pytest.fixture(scope="module")
def outputs(survey, small_path):
    """Every output once: (rows, by, focus, kind) for headline views, distributions,
    comparisons and the CLI's CSV."""
    collected = []
    for by, focus, _, table in protected_views(survey):
        collected.append((table, by, focus, "headline"))
        distribution = protect_distribution(distribution_table(survey, by, focus=focus), MIN_N, by, survey, focus=focus)
        collected.append((distribution, by, focus, "distribution"))
    for family in ("role", "municipality"):
        collected.append((compare_groups(survey, family), (), None, "compare"))
    for by in ("", "role", "municipality", "municipality,role"):
        for denominator in ("report", "substantive"):
            out = io.StringIO()
            with redirect_stdout(out):
                main(["summary", str(small_path), "--by", by, "--format", "csv", "--denominator", denominator])
            csv = pd.read_csv(io.StringIO(out.getvalue()), keep_default_na=False, na_values=[""])
            collected.append((csv, tuple(c for c in ("kommune", "rolle") if c in csv), None, "cli"))
    return collected


def collect(survey, outputs, item_id, margins_only: bool = False) -> Attacker:
    """The attacker's equations from every output (or, with `margins_only`, from the totals
    alone: rows that add up more than one cell)."""
    attacker = Attacker(survey, item_id)
    for table, by, focus, kind in outputs:
        rows = table[table["item_id"] == item_id].to_dict("records")
        for row in rows:
            if kind == "cli":
                assert row["suppressed"] in (True, False)
                if row["suppressed"]:
                    assert all(pd.isna(row[c]) for c in ("n", "k", "pct", "ci_low", "ci_high", "dont_know", "blank"))
            if row["suppressed"]:
                continue
            if margins_only and kind != "compare" and len(members_of(row, by, focus)) < 2:
                continue
            if kind in ("headline", "cli"):
                attacker.headline_row(row, members_of(row, by, focus))
            elif kind == "distribution":
                attacker.equation(members_of(row, by, focus), [row["category"]], row["count"])
            else:
                column = "rolle" if row["family"] == "role" else "kommune"
                focus = Focus("kommune", row["group_a"]) if row["family"] == "municipality" else None
                for side in ("a", "b"):
                    cells = members_of({column: row[f"group_{side}"]}, [column], focus)
                    attacker.equation(cells, list(attacker.item.categories), row[f"n_{side}"])
                    attacker.equation(cells, list(attacker.item.measure_categories), row[f"k_{side}"])
    return attacker


def true_counts(attacker, item_id) -> np.ndarray:
    truth = np.zeros(len(CELL_LIST) * len(attacker.categories))
    for cell, answers in CELLS.items():
        for answer in answers[item_id]:
            category = "(blank)" if answer is None else answer
            truth[CELL_LIST.index(cell) * len(attacker.categories) + attacker.categories.index(category)] += 1
    return truth


@pytest.mark.parametrize("item_id", ITEMS)
def test_attacker_cannot_recover_the_small_cell(survey, outputs, item_id):
    attacker = collect(survey, outputs, item_id)
    totals_only = collect(survey, outputs, item_id, margins_only=True)
    assert len(attacker.rows) > 100  # the attacker really did see a lot
    beyond_reach = set()
    for name, categories in attacker.quantities().items():
        # No subtraction of shown numbers gives the cell's count ("total minus the others").
        assert not attacker.linear_span_reveals(SMALL, categories), f"{item_id}: {name} follows by subtraction"
        low, high = totals_only.range_of(SMALL, categories)
        if low == high:
            # The shown totals alone (which are not small groups) already pin it: on q2 the
            # survey's only blank answer is in the small cell (Pol has 1 blank, Cby has 1); on
            # q3 no Adm left a blank, so Cby's one blank must be in Cby × Pol. Hiding cells
            # cannot undo what the totals say; docs/statistics.md names this limit.
            beyond_reach.add(name)
            continue
        low, high = attacker.range_of(SMALL, categories)
        assert low < high, f"{item_id}: {name} of Cby × Pol is pinned to {low}"
    # Only non-response can be out of reach (blank and "Vet ikke" are rare, so their totals are
    # often 0 for a whole role or municipality); the answers themselves never are.
    non_response = {"blank", "category (blank)", "n_answered", "dont_know", "category Vet ikke", "n_substantive"}
    assert beyond_reach <= non_response
    assert "k" not in beyond_reach


def test_attacker_cannot_confirm_all_or_none(survey, outputs):
    attacker = collect(survey, outputs, "q4")
    low, high = attacker.range_of(ALL_OR_NONE, ["Ja"])
    assert high == 7 and low < 7  # "all 7 said Ja" stays one possibility among others


def test_attacker_sees_the_true_values_as_possible(survey, outputs):
    """Sanity check of the attacker itself: the real counts satisfy every equation."""
    for item_id in ITEMS:
        attacker = collect(survey, outputs, item_id)
        assert np.array(attacker.rows) @ true_counts(attacker, item_id) == pytest.approx(np.array(attacker.values))


def test_cli_json_marks_suppression(small_path, capsys):
    import json

    main(["summary", str(small_path), "--by", "municipality,role", "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    small = [r for r in rows if r["group"] == {"kommune": "Cby", "rolle": "Pol"}]
    assert len(small) == 4
    for row in small:
        assert row["suppressed"] is True and row["suppression"] == "primary"
        assert all(row[c] is None for c in ("n", "k", "pct", "ci_low", "ci_high", "dont_know", "blank"))
    secondary = [r for r in rows if r["suppression"] == "secondary"]
    assert secondary and all(r["k"] is None and r["n"] is None for r in secondary)


def test_min_n_can_raise_but_not_lower(small_path, capsys):
    import json

    main(["summary", str(small_path), "--by", "municipality,role", "--format", "json", "--min-n", "2"])
    rows = json.loads(capsys.readouterr().out)
    assert any(r["suppressed"] for r in rows if r["group"] == {"kommune": "Cby", "rolle": "Pol"})
    main(["summary", str(small_path), "--by", "municipality,role", "--format", "json", "--min-n", "7"])
    assert sum(r["suppressed"] for r in json.loads(capsys.readouterr().out)) > len([r for r in rows if r["suppressed"]])


# --- the bundled data -------------------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [5, 6, 8])
def test_bundled_item_bases_below_k_are_protected(bundled, threshold):
    """Blanks and "Vet ikke" push some cells' bases below k (e.g. 5 took a position on
    kompetansedeling among the elected in Namsskogan and in Røyrvik): they are hidden, and no
    hidden sensitive set follows from the shown cells and totals."""
    plan = plan_suppression(bundled, threshold)
    for item_id, pattern in plan.items():
        cells = pattern.cells
        hidden = cells["suppression"].notna().to_numpy()
        sensitive = is_sensitive(cells["n_substantive"], cells["k"], threshold)
        assert (hidden | ~sensitive).all()
        for position in np.flatnonzero(sensitive):
            vector = np.zeros(len(cells))
            vector[position] = 1
            expected = PRIMARY if cells["respondents"].iloc[position] < threshold else SECONDARY
            assert pattern.status(vector) == expected
        table = protect_headline(headline_table(bundled, ["kommune", "rolle"], [item_id]), threshold,
                                 ["kommune", "rolle"], bundled)
        assert list(table["suppression"]) == list(cells["suppression"])
    if threshold == 6:
        # 8 people each, 5 of whom took a position: hidden, under the neutral label (8 ≥ 6).
        cells = plan["gevinst_kompetansedeling"].cells.set_index(["kommune", "rolle"])
        for cell in (("Namsskogan", "Folkevalgte"), ("Røyrvik", "Folkevalgte")):
            assert cells.loc[cell, "n_substantive"] == 5 and cells.loc[cell, "respondents"] == 8
            assert cells.loc[cell, "suppression"] == SECONDARY


def test_bundled_default_threshold_keeps_role_and_municipality_totals(bundled):
    table = protect_headline(headline_table(bundled, ["rolle"]), 5, ["rolle"], bundled)
    assert not table["suppressed"].any()
    table = protect_headline(headline_table(bundled, ["kommune"]), 5, ["kommune"], bundled)
    assert not table["suppressed"].any()


def test_multi_select_ranks_leave_no_gap_for_a_hidden_option(bundled):
    """A hidden option has no rank, and the shown ones are ranked among themselves — a gap
    at the bottom would say "the hidden one is last", i.e. nobody chose it."""
    from analysis.aggregate import multi_select_table, top_options

    question = next(iter(bundled.question_groups()))
    by = ["kommune", "rolle"]
    table = protect_headline(multi_select_table(bundled, question, by), 5, by, bundled)
    assert table["suppressed"].any()
    assert table.loc[table["suppressed"], "rank"].isna().all()
    for _, group in table[~table["suppressed"]].groupby(by):
        assert sorted(group["rank"]) == list(range(1, len(group) + 1))
    assert not top_options(table, by, 5)["suppressed"].any()


def test_a_table_on_its_own_is_still_protected(survey):
    """Without the survey (local mode) a table is protected as its own universe: the small
    cell and enough others are hidden there too, for headlines and distributions alike."""
    by = ["kommune", "rolle"]
    headline = protect_headline(headline_table(survey, by, ["q1"]), MIN_N, by).set_index(by)
    assert headline.loc[SMALL, "suppression"] == PRIMARY
    assert headline["suppressed"].sum() == 4
    distribution = protect_distribution(distribution_table(survey, by, ["q1"]), MIN_N, by)
    hidden = set(map(tuple, distribution[distribution["suppressed"]][by].to_numpy()))
    assert SMALL in hidden and len(hidden) >= 4


def test_a_multi_select_blank_that_every_option_hides_is_protected_jointly(bundled):
    """At k = 10 every option of the bundled multi-select question hides Lierne × Administrasjon
    (14 people). If each option were protected on its own, as if every group's blank count were
    public, the shown totals would give that cell's blank away: the Administrasjon total's one
    blank sits in the shown Grong × Administrasjon cell, so the 14 in Lierne skipped the question
    0 times. Over all options at once (`audit_question`) that is found; the shipped pattern
    leaves the attacker two or more values (an interval from HiGHS on the joint program)."""
    from analysis.audit import Context, audit_question, every_blank
    from analysis.audit_report import audit_survey
    from analysis.protect import protect_item

    options = [o.id for o in next(iter(bundled.question_groups().values()))]
    frame = bundled.responses
    skipped = frame[options].isna().all(axis=1)
    administrators = frame["rolle"] == "Administrasjon"
    assert skipped[administrators].sum() == 1 and skipped[administrators & (frame["kommune"] == "Grong")].sum() == 1
    plan = plan_suppression(bundled, 10, options)
    table, counts = plan[options[0]].table, [plan[o].counts for o in options]
    cells = plan[options[0]].cells
    lierne = int(np.flatnonzero((cells["kommune"] == "Lierne") & (cells["rolle"] == "Administrasjon"))[0])
    alone = [protect_item(Context(table, c, 10, every_blank(table))) for c in counts]
    assert all(p.hidden_cells[lierne] for p in alone) and not any(p.hidden_cells[0] for p in alone)
    blank = counts[0].quantity_names.index("blank")
    assert {(cell, q) for _, cell, q in audit_question(table, counts, 10, alone).pinned} >= {(lierne, blank)}
    shipped = [(plan[o].hidden_cells, plan[o].hidden_margins) for o in options]
    assert audit_question(table, counts, 10, shipped).ok
    report = audit_survey(bundled, 10, options[:1], intervals=True).set_index(["kommune", "rolle", "count"])
    row = report.loc[("Lierne", "Administrasjon", "blank")]
    assert row["protected"] and not row["exempt"] and row["low"] < row["high"]


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 9).flatmap(lambda n: st.tuples(
    st.lists(st.lists(st.integers(-2, 2), min_size=3, max_size=3), min_size=n, max_size=n),
    st.lists(st.integers(0, 5), min_size=n, max_size=n),
    st.integers(1, 9))))
def test_the_smallest_readable_union_is_the_smallest_of_every_subset(case):
    """The search for a readable union of small hidden cells (with its exact exclusions of rows
    that cannot take part) finds a smallest subset summing to zero within the size limit, or
    none when every subset has been tried by brute force here."""
    from itertools import combinations

    from analysis.audit import _smallest_readable

    rows, sizes, limit = case
    kernel, sizes = np.array(rows, dtype=float), np.array(sizes, dtype=np.int64)
    smallest = next((len(subset) for size in range(2, len(rows) + 1) for subset in combinations(range(len(rows)), size)
                     if sizes[list(subset)].sum() <= limit and not kernel[list(subset)].sum(axis=0).any()), None)
    found = _smallest_readable(kernel, sizes, limit)
    if smallest is None:
        assert found is None
    else:
        assert found is not None and len(found) == smallest
        assert sizes[found].sum() <= limit and not kernel[found].sum(axis=0).any()
