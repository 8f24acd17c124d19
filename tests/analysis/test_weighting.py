"""Post-stratification weights (invited / answered per municipality × role), Kish's effective
n, and protection of the weighted view. Expected numbers are worked out by hand below."""

import pandas as pd
import pytest

from analysis.weighting import (
    WeightingUnavailable,
    cell_weights,
    kish_effective_n,
    unavailable_note,
    weighted_headline,
    weighting_available,
    weighting_note,
)
from conftest import write_workbook
from analysis.intake import load_workbook
from test_suppression import small_cell_frames


@pytest.fixture
def small(tmp_path):
    return load_workbook(write_workbook(tmp_path / "small.xlsx", small_cell_frames()))


@pytest.fixture
def small_unprotected(tmp_path, monkeypatch):
    """The same survey with disclosure control off (threshold 1), to check arithmetic."""
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "1")
    frames = small_cell_frames()
    frames["meta"] = frames["meta"][frames["meta"]["key"] != "min_group_size"]
    return load_workbook(write_workbook(tmp_path / "open.xlsx", frames))


def test_bundled_cell_weights(bundled):
    weights = cell_weights(bundled).set_index(["kommune", "rolle"])
    assert len(weights) == 8
    assert weights["invited"].sum() == bundled.invited == 126
    assert weights["respondents"].sum() == 93
    assert weights.loc[("Grong", "Administrasjon"), "weight"] == pytest.approx(24 / 18)
    assert weights.loc[("Røyrvik", "Folkevalgte"), "weight"] == pytest.approx(11 / 8)
    assert weighting_available(bundled)


def test_kish_effective_n_by_hand():
    # Weights 1, 1, 2, 2: (1+1+2+2)² / (1+1+4+4) = 36 / 10.
    assert kish_effective_n([1, 1, 2, 2]) == pytest.approx(3.6)
    assert kish_effective_n([1, 2], [2, 2]) == pytest.approx(3.6)
    assert kish_effective_n([3, 3, 3]) == pytest.approx(3)  # equal weights lose nothing


def test_weighted_total_by_hand(small_unprotected):
    row = weighted_headline(small_unprotected).set_index("item_id").loc["q1"]
    # Cells (weight = invited/answered; q1 base n; top-2 k):
    # Aby×Adm 8/6, 6, 3 · Aby×Pol 9/6, 6, 2 · Bby×Adm 9/7, 7, 3 · Bby×Pol 10/7, 7, 3 ·
    # Cby×Adm 7/6, 6, 2 · Cby×Pol 6/3, 3, 1.
    weighted_k = 8 / 6 * 3 + 9 / 6 * 2 + 9 / 7 * 3 + 10 / 7 * 3 + 7 / 6 * 2 + 2 * 1  # 19.476
    weighted_n = 8 + 9 + 9 + 10 + 7 + 6  # no blanks on q1: Σ w·n is everyone invited, 49
    squares = (8 / 6) ** 2 * 6 + 1.5**2 * 6 + (9 / 7) ** 2 * 7 + (10 / 7) ** 2 * 7 + (7 / 6) ** 2 * 6 + 2**2 * 3
    assert (row["n"], row["k"], row["pct"]) == (35, 14, 40.0)
    assert row["weighted_pct"] == round(100 * weighted_k / weighted_n, 1) == 39.7
    assert row["n_eff"] == pytest.approx(round(weighted_n**2 / squares, 1))  # 34.2
    assert row["design_effect"] == pytest.approx(35 / (weighted_n**2 / squares))
    assert row["weighted_ci_low"] < weighted_k / weighted_n < row["weighted_ci_high"]
    assert row["diff_pp"] == pytest.approx(100 * weighted_k / weighted_n - 40, abs=0.05)


def test_weighted_figure_with_a_hidden_cell_is_hidden(small, monkeypatch):
    """A weighted total mixes cells with different weights: next to the unweighted total it
    would be a second equation in the hidden cells. It is shown only if no cell in it is hidden."""
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "5")
    total = weighted_headline(small).set_index("item_id").loc["q1"]
    assert total["suppressed"] and total["suppression"] == "secondary"
    assert pd.isna(total["weighted_pct"]) and pd.isna(total["n_eff"]) and pd.isna(total["pct"])
    by_municipality = weighted_headline(small, ["kommune"]).query("item_id == 'q1'").set_index("kommune")
    # q1 hides Aby and Cby cells (the rectangle); Bby's two cells are both shown.
    assert list(by_municipality["suppressed"]) == [True, False, True]
    assert by_municipality.loc["Bby", "weighted_pct"] > 0


def test_bundled_weighted_role_view(bundled):
    table = weighted_headline(bundled, ["rolle"])
    likert = table[table["item_id"].isin(["gevinst_fagomrader", "tettere_samarbeid", "mulighet_organisering"])]
    assert not likert["suppressed"].any()
    assert (likert["diff_pp"].abs() < 1).all()  # response rates 71–79 %: weighting barely moves anything
    assert (likert["n_eff"] <= likert["n"]).all()


def test_no_invited_counts_means_no_weighted_view(tiny):
    assert not weighting_available(tiny)
    with pytest.raises(WeightingUnavailable):
        weighted_headline(tiny)
    assert "kommune × rolle" in unavailable_note(tiny)


def test_fewer_invited_than_answered_is_refused(tmp_path):
    frames = small_cell_frames()
    meta = frames["meta"]
    meta.loc[meta["key"] == "invited_Cby_Pol", "value"] = "2"
    survey = load_workbook(write_workbook(tmp_path / "bad.xlsx", frames))
    with pytest.raises(WeightingUnavailable, match="2 invited but 3 answered"):
        cell_weights(survey)


def test_weighting_note_names_the_cells(bundled):
    assert "kommune × rolle" in weighting_note(bundled)
    assert "municipality × role" in weighting_note(bundled, "en")
