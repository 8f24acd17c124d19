"""Declared comparison families: tests, intervals, Benjamini–Hochberg, suppression, CLI.

Expected values are worked out by hand from TINY_RESPONSES (conftest.py) or come from the
report's published (k, n) in tests/fixtures/published_figures.csv.
"""

import json
import subprocess
import sys
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact, rankdata

from cli.main import main
from analysis.compare import (
    COLUMNS,
    compare_groups,
    detectable_difference,
    family_contrasts,
    family_names,
    headline_item_ids,
    how_to_read,
)
from conftest import ROOT


@pytest.fixture(autouse=True)
def threshold_one(monkeypatch):
    """The tiny survey's groups are below the default threshold; tests lower the owner's setting."""
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "1")


@pytest.fixture(scope="module")
def bundled_role(bundled):
    return compare_groups(bundled, "role")


def bh_by_hand(p):
    """Benjamini–Hochberg written out: p_(i)·m/i, then the running minimum from the top."""
    p = np.asarray(p, dtype=float)
    order = np.argsort(p)
    m = len(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1].clip(max=1)
    out = np.empty(m)
    out[order] = adjusted
    return out


def exact_rank_sum_p(x, y):
    ranks = rankdata(np.array(x + y))
    observed = ranks[: len(x)].sum()
    sums = np.array([ranks[list(c)].sum() for c in combinations(range(len(ranks)), len(x))])
    return min(1.0, 2 * min(np.mean(sums <= observed + 1e-9), np.mean(sums >= observed - 1e-9)))


def test_bh_by_hand_reference():
    # p = 0.01, 0.04, 0.03, 0.2 (m = 4): 0.04, 0.0533, 0.0533, 0.2 — as in Benjamini & Hochberg (1995).
    assert bh_by_hand([0.01, 0.04, 0.03, 0.2]) == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2])


def test_role_contrast_on_tiny_survey_by_hand(tiny):
    table = compare_groups(tiny, "role")
    assert list(table.columns) == COLUMNS
    assert list(table["item_id"]) == ["q1", "q3", "q2"]  # reading order; multi-select options are not in the family
    q1 = table.set_index("item_id").loc["q1"]
    # Adm: R1 stor, R2 svært stor, R5 noen, R6 svært stor, R7 liten → 3 of 5.
    # Pol: R3 stor, R4 DK, R8 svært liten, R9 DK (R10 blank) → 1 of 4.
    assert (q1["contrast"], q1["n_a"], q1["k_a"], q1["n_b"], q1["k_b"]) == ("Adm mot Pol", 5, 3, 4, 1)
    assert (q1["pct_a"], q1["pct_b"]) == (60.0, 25.0)
    assert q1["diff_pp"] == pytest.approx(35.0)
    # Fisher, hypergeometric N=9, K=4, n=5: P(x) ∝ 1, 20, 60, 40, 5 (of 126); observed x=3 (40),
    # two-sided sums every P ≤ 40/126: (1 + 20 + 40 + 5)/126.
    assert q1["p_value"] == pytest.approx(66 / 126)
    assert q1["test"] == "fisher_exact"
    assert q1["diff_ci_low"] < 35 < q1["diff_ci_high"]
    # Ordinal: substantive codes Adm 3, 4, 2, 4, 1 vs Pol 3, 0; mid-ranks give U_Adm = 7.5 of 10.
    assert q1["ordinal_effect"] == pytest.approx(0.75)
    assert q1["ordinal_p"] == pytest.approx(exact_rank_sum_p([3, 4, 2, 4, 1], [3, 0]))
    assert q1["ordinal_test"] == "mann_whitney_u_exact"


def test_adjustment_is_benjamini_hochberg_within_the_family(tiny):
    table = compare_groups(tiny, "role")
    assert table["p_adjusted"].to_numpy(dtype=float) == pytest.approx(bh_by_hand(table["p_value"].to_numpy(dtype=float)))
    assert table["ordinal_p_adjusted"].to_numpy(dtype=float) == pytest.approx(bh_by_hand(table["ordinal_p"].to_numpy(dtype=float)))
    assert list(table["significant"]) == list(table["p_adjusted"] < 0.05)


def test_municipality_family_is_each_vs_the_rest(tiny):
    table = compare_groups(tiny, "municipality")
    assert family_contrasts(tiny, "municipality") == [("Aby", None), ("Bby", None)]
    assert len(table) == 2 * 3
    aby = table[(table["item_id"] == "q1") & (table["group_a"] == "Aby")].iloc[0]
    # Aby: R1, R2, R3 top-2, R4 DK → 3 of 4; the rest (Bby): R6 top-2 of R5–R9 → 1 of 5.
    assert (aby["group_b"], aby["n_a"], aby["k_a"], aby["n_b"], aby["k_b"]) == ("Resten av Testregionen", 4, 3, 5, 1)
    assert aby["p_value"] == pytest.approx(fisher_exact([[3, 1], [1, 4]]).pvalue)
    # BH runs over all six tests of the family, not per item.
    assert table["p_adjusted"].to_numpy(dtype=float) == pytest.approx(bh_by_hand(table["p_value"].to_numpy(dtype=float)))


def test_a_contrast_with_a_hidden_group_prints_no_numbers(tiny):
    table = compare_groups(tiny, "role", min_n=3).set_index("item_id")
    # q1 Pol: 4 answered but only 2 took a position (R3, R8) → fewer than 3. Its 5 people are
    # not fewer than 3, so the label is the neutral "secondary" (it never tells why).
    q1 = table.loc["q1"]
    assert q1["suppressed"] and q1["suppression"] == "secondary"
    for column in ("n_a", "k_a", "n_b", "k_b", "pct_a", "pct_b", "diff_pp", "diff_ci_low", "diff_ci_high",
                   "p_value", "p_adjusted", "ordinal_p", "ordinal_effect"):
        assert pd.isna(q1[column]), column
    assert pd.isna(q1["significant"])
    # The hidden test does not count in the family: the others are adjusted among themselves.
    shown = table[~table["suppressed"]]
    assert shown["p_adjusted"].to_numpy(dtype=float) == pytest.approx(bh_by_hand(shown["p_value"].to_numpy(dtype=float)))


def test_role_tests_within_a_chosen_municipality(tiny):
    """With Kommune = Aby the roles are tested within Aby (what the page's charts show)."""
    q1 = compare_groups(tiny, "role", selection={"kommune": ["Aby"]}).set_index("item_id").loc["q1"]
    # Aby's Adm: R1 stor, R2 svært stor → 2 of 2; Aby's Pol: R3 stor, R4 DK → 1 of 2.
    assert (q1["n_a"], q1["k_a"], q1["n_b"], q1["k_b"]) == (2, 2, 2, 1)
    assert q1["p_value"] == pytest.approx(fisher_exact([[2, 0], [1, 1]]).pvalue)
    # Under the whole survey's pattern for that selection: groups of two are hidden at 3.
    hidden = compare_groups(tiny, "role", min_n=3, selection={"kommune": ["Aby"]})
    assert hidden["suppressed"].all() and hidden["n_a"].isna().all()
    with pytest.raises(ValueError):
        compare_groups(tiny, "municipality", selection={"kommune": ["Aby"]})


def test_bundled_role_family_covers_every_headline_item(bundled, bundled_role):
    assert list(bundled_role["item_id"]) == headline_item_ids(bundled)
    assert len(bundled_role) == 13
    assert not bundled_role["suppressed"].any()
    assert set(bundled_role["contrast"]) == {"Administrasjon mot Folkevalgte"}
    assert bundled_role[["p_value", "p_adjusted", "diff_pp", "diff_ci_low", "diff_ci_high", "ordinal_p"]].notna().all().all()


def test_bundled_role_family_matches_the_published_figures(bundled, bundled_role, published):
    rows = bundled_role.set_index("question")
    for item_question in {f["question_nb"] for f in published}:
        admin = next(f for f in published if f["question_nb"] == item_question and f["group"] == "Administrasjon")
        elected = next(f for f in published if f["question_nb"] == item_question and f["group"] == "Folkevalgte")
        k_a, n_a, k_b, n_b = (int(admin["k"]), int(admin["n"]), int(elected["k"]), int(elected["n"]))
        row = rows.loc[item_question]
        assert (row["k_a"], row["n_a"], row["k_b"], row["n_b"]) == (k_a, n_a, k_b, n_b)
        assert (row["pct_a"], row["pct_b"]) == (float(admin["published_pct"]), float(elected["published_pct"]))
        assert row["diff_pp"] == pytest.approx(100 * (k_a / n_a - k_b / n_b))
        assert row["p_value"] == pytest.approx(fisher_exact([[k_a, n_a - k_a], [k_b, n_b - k_b]]).pvalue)
        assert row["diff_ci_low"] <= row["diff_pp"] <= row["diff_ci_high"]


def test_bundled_adjusted_p_values(bundled_role):
    p = bundled_role["p_value"].to_numpy(dtype=float)
    assert bundled_role["p_adjusted"].to_numpy(dtype=float) == pytest.approx(bh_by_hand(p))
    assert (bundled_role["p_adjusted"].to_numpy(dtype=float) >= p - 1e-12).all()
    assert list(bundled_role["significant"]) == list(bundled_role["p_adjusted"] < 0.05)


def test_bundled_municipality_family(bundled):
    table = compare_groups(bundled, "municipality")
    assert len(table) == 4 * 13
    totals = compare_groups(bundled, "role").set_index("item_id")
    for _, row in table.iterrows():
        total = totals.loc[row["item_id"]]
        assert row["n_a"] + row["n_b"] == total["n_a"] + total["n_b"]
        assert row["k_a"] + row["k_b"] == total["k_a"] + total["k_b"]


def test_how_to_read_cites_the_computed_detectable_difference(bundled):
    power = detectable_difference(bundled, "role")
    assert (power["n_a"], power["n_b"]) == (55, 38)
    assert round(power["mdd_pp"]) == 30
    assert "rundt 30 prosentpoeng" in how_to_read(bundled)
    assert "about 30 percentage points" in how_to_read(bundled, language="en")
    assert "13" in how_to_read(bundled)


def test_cells_are_not_a_family(tiny):
    with pytest.raises(ValueError):
        compare_groups(tiny, "municipality,role")


# --- command line -------------------------------------------------------------------------


def test_cli_compare_json_on_bundled_data():
    result = subprocess.run([sys.executable, "-m", "analysis", "compare", "--format", "json"],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    rows = json.loads(result.stdout)
    assert len(rows) == 13
    for row in rows:
        assert {"item_id", "question", "contrast", "diff_pp", "test", "p_value", "p_adjusted", "significant"} <= set(row)
        assert row["test"] == "fisher_exact" and isinstance(row["significant"], bool)
        assert row["p_adjusted"] >= row["p_value"]


def test_cli_compare_municipality_csv_and_table(tiny_path, capsys):
    assert main(["compare", str(tiny_path), "--family", "municipality", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("family,item_id,question,section,measure,contrast")
    assert len(lines) == 1 + 6
    assert main(["compare", str(tiny_path)]) == 0
    out = capsys.readouterr().out
    assert "Adm mot Pol" in out and "35,0" in out and "Slik leser du testene" in out


def test_cli_compare_suppressed_contrast_prints_no_numbers(tiny_path, capsys):
    assert main(["compare", str(tiny_path), "--format", "json", "--min-n", "3"]) == 0
    q1 = next(r for r in json.loads(capsys.readouterr().out) if r["item_id"] == "q1")
    assert q1["suppressed"] is True and q1["suppression"] == "secondary"  # 5 people: the neutral label
    assert all(q1[c] is None for c in ("n_a", "k_a", "n_b", "k_b", "pct_a", "pct_b", "diff_pp", "p_value",
                                       "p_adjusted", "significant", "ordinal_p"))
    assert main(["compare", str(tiny_path), "--min-n", "3"]) == 0
    assert "skjult for å beskytte en liten gruppe" in capsys.readouterr().out


def test_any_breakdown_is_a_family_and_large_groups_get_the_asymptotic_test(tmp_path):
    from scripts import cell_surveys

    from analysis.intake import load_workbook

    survey = load_workbook(cell_surveys.write(tmp_path / "four.xlsx", cell_surveys.four_breakdowns(rows=3000, items=3)))
    assert "utdanning" in family_names(survey)
    table = compare_groups(survey, "utdanning")  # three values: each against the rest
    assert set(table["group_a"]) == {"Grunnskole", "Videregående", "Høyere"}
    shown = table[~table["suppressed"]]
    assert len(shown) and set(shown["ordinal_test"]) == {"mann_whitney_u_asymptotic"}
    pair = compare_groups(survey, "kjonn")  # two values: the pair
    assert set(zip(pair["group_a"], pair["group_b"])) == {("Kvinne", "Mann")}


def test_cli_compare_unknown_family_names_the_choices(tiny_path, capsys):
    assert main(["compare", str(tiny_path), "--family", "nope"]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and "municipality" in err and "Traceback" not in err
