"""Counting on the tiny hand-made survey: every expected number is worked out by hand
from TINY_RESPONSES in conftest.py (comments show the respondents counted)."""

import numpy as np
import pandas as pd
import pytest

from analysis.aggregate import REST_MARKER, Focus, count_answers, distribution_table, headline_table, multi_select_table, top_options
from report.labels import labelled


def row(table, item, **group):
    mask = table["item_id"] == item
    for column, value in group.items():
        mask &= table[column] == value
    (found,) = table[mask].to_dict("records")
    return found


def test_total_report_denominator(tiny):
    table = headline_table(tiny)
    q1 = row(table, "q1")
    # Answered q1: R1–R9 (R10 blank) = 9, DK included. Top-2: R1, R2, R3, R6.
    assert (q1["n"], q1["k"], q1["dont_know"], q1["blank"]) == (9, 4, 2, 1)
    assert q1["pct"] == 44.4
    q3 = row(table, "q3")
    # Bottom-2 (svært liten, liten): R1, R3, R7; answered: all but R6 = 9.
    assert (q3["n"], q3["k"]) == (9, 3)


def test_total_substantive_denominator(tiny):
    table = headline_table(tiny, denominator="substantive")
    q1 = row(table, "q1")
    # Took a position on q1: 9 answered − 2 DK (R4, R9) = 7.
    assert (q1["n"], q1["k"], q1["pct"]) == (7, 4, 57.1)
    q2 = row(table, "q2")
    # q2 answered by all but R9 = 9; DK: R4 → 8; Ja: R1 R2 R5 R6 R8 R10 = 6.
    assert (q2["n"], q2["k"], q2["pct"]) == (8, 6, 75.0)
    assert set(table["denominator"]) == {"substantive"}


def test_by_municipality_and_role(tiny):
    table = headline_table(tiny, ["kommune", "rolle"])
    assert len(table) == 5 * 4
    cell = row(table, "q1", kommune="Bby", rolle="Pol")
    # Bby Pol: R8 (svært liten), R9 (DK), R10 (blank) → n 2, k 0.
    assert (cell["n"], cell["k"], cell["dont_know"], cell["blank"], cell["respondents"]) == (2, 0, 1, 1, 3)
    cell = row(table, "q1", kommune="Aby", rolle="Adm")
    assert (cell["n"], cell["k"]) == (2, 2)


def test_groups_sum_to_total(tiny):
    total = headline_table(tiny).set_index("item_id")
    split = headline_table(tiny, ["kommune", "rolle"]).groupby("item_id", sort=False)[["n", "k", "dont_know", "blank"]].sum()
    pd.testing.assert_frame_equal(split, total[["n", "k", "dont_know", "blank"]], check_dtype=False)


def test_filter_then_count(tiny):
    table = headline_table(tiny.filter(kommune=["Aby"]), ["rolle"])
    assert row(table, "q1", rolle="Pol")["n"] == 2  # R3, R4
    assert set(table["rolle"]) == {"Adm", "Pol"}


def test_focus_vs_rest(tiny):
    table = headline_table(tiny, ["kommune"], focus=Focus("kommune", "Aby"))
    # The core marks the rest with a code; only the presentation layer names it.
    assert list(table[table["item_id"] == "q1"]["kommune"]) == ["Aby", REST_MARKER]
    named = labelled(table, tiny, ["kommune"], "nb")
    assert list(named[named["item_id"] == "q1"]["kommune"]) == ["Aby", "Resten av Testregionen"]
    assert "Rest of Testregionen" in set(labelled(table, tiny, ["kommune"], "en")["kommune"])
    rest = row(table, "q1", kommune=REST_MARKER)
    # The rest = Bby: R5–R9 answered (R9 "Vet ikke" counts in the base), R10 blank; top-2: R6.
    assert (rest["n"], rest["k"]) == (5, 1)


def test_wilson_interval_in_table(tiny):
    q1 = row(headline_table(tiny), "q1")
    assert 0 < q1["ci_low"] < 4 / 9 < q1["ci_high"] < 1


def test_distribution_counts_and_shares(tiny):
    table = distribution_table(tiny, ["rolle"], ["q1"])
    pol = table[table["rolle"] == "Pol"].set_index("category")
    # Pol: R3 stor, R4 DK, R8 svært liten, R9 DK, R10 blank.
    assert pol.loc["I stor grad", "count"] == 1
    assert pol.loc["Vet ikke", "count"] == 2
    assert pol.loc["(blank)", "count"] == 1
    assert pol.loc["Vet ikke", "share"] == pytest.approx(2 / 4)
    assert np.isnan(pol.loc["(blank)", "share"])
    substantive = distribution_table(tiny, ["rolle"], ["q1"], denominator="substantive")
    pol = substantive[substantive["rolle"] == "Pol"].set_index("category")
    assert pol.loc["I stor grad", "share"] == pytest.approx(1 / 2)
    assert np.isnan(pol.loc["Vet ikke", "share"])


def test_multi_select_shares_and_ranks(tiny):
    table = multi_select_table(tiny, "Hvilke områder?", ["kommune"])
    helse = row(table, "o_a", kommune="Bby")
    # Bby answered: R5, R6, R7, R9, R10 (R8 blank) = 5; Helse chosen by R5, R7, R10.
    assert (helse["n"], helse["k"], helse["rank"]) == (5, 3, 1)
    top = top_options(table, ["kommune"], n=1)
    assert list(top["option"]) == ["Helse", "Helse"]


def test_count_cube_matches_naive_crosstab(tiny):
    counts = count_answers(tiny, ["kommune"])
    for i, item in enumerate(counts.items):
        naive = pd.crosstab(tiny.responses["kommune"], tiny.responses[item.id].cat.add_categories("__blank").fillna("__blank"), dropna=False)
        for g, municipality in enumerate(counts.groups["kommune"]):
            for c, category in enumerate(item.categories):
                assert counts.array[i, g, c] == naive.loc[municipality].get(category, 0)
