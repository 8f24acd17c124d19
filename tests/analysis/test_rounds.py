"""Survey rounds: combining two rounds of the tiny survey and testing the change."""

import pandas as pd
import pytest
from scipy.stats import fisher_exact

from analysis.intake import load_workbook
from analysis.rounds import combine_rounds, round_changes, round_coverage
from conftest import tiny_frames, write_workbook


@pytest.fixture
def two_rounds(tmp_path, tiny):
    sheets = tiny_frames()
    # Round 2: everyone answers q1 "I stor grad" except R10 (still blank); q3 dropped.
    sheets["responses"]["q1"] = ["I stor grad"] * 9 + [None]
    sheets["responses"] = sheets["responses"].drop(columns=["q3"])
    sheets["codebook"] = sheets["codebook"][sheets["codebook"]["column"] != "q3"]
    later = load_workbook(write_workbook(tmp_path / "r2.xlsx", sheets))
    return combine_rounds([("2022", tiny), ("2024", later)])


def test_combine_keeps_every_row_and_reports_missing_items(two_rounds):
    survey, problems = two_rounds
    assert len(survey.responses) == 20
    assert list(survey.breakdowns["runde"].values) == ["2022", "2024"]
    assert list(survey.breakdowns) == ["kommune", "rolle", "runde"]  # unit and group stay first
    assert survey.invited == 24  # 12 invited in each round: the response rate stays a rate
    missing = [p for p in problems if p.code == "round_item_missing"]
    assert [(p.column, p.params["rounds"]) for p in missing] == [("q3", "2024")]
    assert "finnes ikke i runden/rundene 2024" in missing[0].message()
    coverage = round_coverage(survey).set_index("item_id")
    assert coverage.loc["q3", "rounds"] == ["2022"] and not coverage.loc["q3", "complete"]
    assert coverage.loc["q1", "complete"]


def test_change_between_rounds(two_rounds):
    survey, _ = two_rounds
    changes = round_changes(survey, min_n=1, items=["q1"]).iloc[0]
    # 2022: 4 of 9 (see test_aggregate); 2024: 9 of 9.
    assert (changes["n_from"], changes["n_to"]) == (9, 9)
    assert changes["diff_pp"] == pytest.approx(round(100 * (9 / 9 - 4 / 9), 1))
    assert changes["p_value"] == pytest.approx(fisher_exact([[9, 0], [4, 5]]).pvalue)
    assert changes["diff_ci_low"] < changes["diff_pp"] <= changes["diff_ci_high"]


def test_change_is_hidden_for_small_groups(two_rounds):
    survey, _ = two_rounds
    changes = round_changes(survey, min_n=5, by=["kommune", "rolle"], items=["q1"])
    assert changes["suppressed"].all()
    assert changes["diff_pp"].isna().all() and changes["p_value"].isna().all()


def test_changed_scale_is_refused(tmp_path, tiny):
    sheets = tiny_frames()
    sheets["codebook"].loc[sheets["codebook"]["column"] == "q2", ["scale", "dont_know"]] = ["Nei | Ja", None]
    sheets["responses"]["q2"] = sheets["responses"]["q2"].replace("Vet ikke", None)
    later = load_workbook(write_workbook(tmp_path / "r2.xlsx", sheets))
    survey, problems = combine_rounds([("2022", tiny), ("2024", later)])
    assert survey is None
    assert problems[0].code == "round_scale_mismatch" and problems[0].column == "q2"


def test_two_uploaded_workbooks_become_rounds(tmp_path):
    from analysis.intake import read_upload

    first = tiny_frames()
    second = tiny_frames()
    second["meta"].loc[second["meta"]["key"] == "year", "value"] = "2026"
    files = {
        "a.xlsx": write_workbook(tmp_path / "a.xlsx", first).read_bytes(),
        "b.xlsx": write_workbook(tmp_path / "b.xlsx", second).read_bytes(),
    }
    survey, problems = read_upload(files)
    assert survey is not None, [p.describe() for p in problems]
    assert list(survey.breakdowns["runde"].values) == ["2024", "2026"]  # from meta `year`
    assert len(survey.responses) == 20
