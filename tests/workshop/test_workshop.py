"""Workshop priorities: ranking from hand-checkable scores, the reconstructed workshop against the
report, and the workbook checks.

The published rank order and sectors are read from `tests/fixtures/workshop_areas.csv` (a
verbatim copy of the reference table), never typed in here.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.i18n import placeholders
from report.strings import EN, NB
from analysis.problems import SurveyError
from workshop.model import (
    BUNDLED_WORKSHOP,
    QUADRANTS,
    classify_quadrants,
    load_workshop,
    quadrant_label,
    ranking_table,
    score_problem,
    validate_workshop,
)
from conftest import FIXTURES, ROOT, write_workbook

SCRIPT = ROOT / "scripts" / "reconstruct_workshop.py"


@pytest.fixture(scope="module")
def published_order() -> list[dict]:
    with open(FIXTURES / "workshop_areas.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def bundled():
    return load_workshop()


# ---------------------------------------------------------------------------------------------
# Ranking from scores small enough to check by hand
# ---------------------------------------------------------------------------------------------

# A: 8×9=72, 6×5=30, 10×3=30 → mean 44 (product of means 8 × 17/3 = 45.3: not what is ranked)
# B: 5×5=25, 7×7=49, 6×6=36 → mean 110/3 = 36.67
# C: 9×9=81, 9×8=72, Gruppe 3 did not score it → mean 76.5 over 2 groups
# D: nobody scored it
HAND = pd.DataFrame(
    [("G1", "A", 8, 9), ("G2", "A", 6, 5), ("G3", "A", 10, 3),
     ("G1", "B", 5, 5), ("G2", "B", 7, 7), ("G3", "B", 6, 6),
     ("G1", "C", 9, 9), ("G2", "C", 9, 8)],
    columns=["group", "area", "potential", "feasibility"],
)
HAND_AREAS = pd.DataFrame({"area": ["A", "B", "C", "D"], "sector": ["S1", "S1", "S2", "S2"], "order": [1, 2, 3, 4]})


def test_ranking_by_hand():
    table = ranking_table(HAND, HAND_AREAS).set_index("area")
    assert list(table.index) == ["C", "A", "B", "D"]
    assert table.loc["C", "rank"] == 1 and table.loc["A", "rank"] == 2 and table.loc["B", "rank"] == 3
    assert pd.isna(table.loc["D", "rank"]) and table.loc["D", "groups"] == 0
    assert table.loc["A", "mean_score"] == 44
    assert table.loc["A", "mean_potential"] == 8 and table.loc["A", "mean_feasibility"] == pytest.approx(17 / 3)
    assert table.loc["B", "mean_score"] == pytest.approx(110 / 3)
    assert (table.loc["C", "mean_score"], table.loc["C", "groups"]) == (76.5, 2)
    # Sample sd of 72, 30, 30: deviations 28, −14, −14 → (784 + 196 + 196) / 2 = 588.
    assert table.loc["A", "sd_score"] == pytest.approx(np.sqrt(588))
    assert (table.loc["A", "min_score"], table.loc["A", "max_score"]) == (30, 72)
    assert (table.loc["A", "min_feasibility"], table.loc["A", "max_feasibility"]) == (3, 9)
    assert table.loc["C", "sector"] == "S2"


def test_equal_scores_share_a_rank_and_keep_the_listed_order():
    scores = pd.DataFrame([("G1", "A", 5, 4), ("G1", "B", 4, 5), ("G1", "C", 2, 2)],
                          columns=["group", "area", "potential", "feasibility"])
    table = ranking_table(scores, HAND_AREAS.iloc[:3])
    assert table["area"].tolist() == ["A", "B", "C"] and table["rank"].tolist() == [1, 1, 3]


def test_quadrants_relative_and_absolute():
    table = ranking_table(HAND, HAND_AREAS)
    relative = classify_quadrants(table).set_index("area")
    # Lines at the mean of the three scored areas: feasibility (17/3 + 6 + 8.5) / 3, potential (8 + 6 + 9) / 3.
    x, y = relative.attrs["split"]
    assert (x, y) == (pytest.approx((17 / 3 + 6 + 8.5) / 3), pytest.approx(23 / 3))
    assert relative.loc["C", "quadrant"] == "easy_high"
    assert relative.loc["A", "quadrant"] == "hard_high"
    assert relative.loc["B", "quadrant"] == "hard_low"
    assert pd.isna(relative.loc["D", "quadrant"])
    assert relative.loc["C", "quadrant_label"] == "Lett å gjennomføre og høyt potensial"
    absolute = classify_quadrants(table, split="scale", language="en").set_index("area")
    assert absolute.attrs["split"] == (5.5, 5.5)
    assert absolute.loc["B", "quadrant"] == "easy_high"
    assert absolute.loc["A", "quadrant_label"] == "Easy to implement and high potential"


def test_quadrant_labels_in_both_languages():
    assert [quadrant_label(k) for k in QUADRANTS] == [
        "Lett å gjennomføre og høyt potensial", "Vanskelig å gjennomføre og høyt potensial",
        "Lett å gjennomføre og lavt potensial", "Vanskelig å gjennomføre og lavt potensial"]
    assert all(quadrant_label(k, "en") != quadrant_label(k) for k in QUADRANTS)


def test_workshop_strings_exist_in_both_languages_with_the_same_placeholders():
    keys = [k for k in NB if k.startswith(("workshop.", "problem.workshop_", "problem.score_", "cli.workshop."))]
    assert len(keys) > 40
    for key in keys:
        assert key in EN, key
        assert placeholders(NB[key]) == placeholders(EN[key]), key


@pytest.mark.parametrize("value, expected", [
    (1, (1, None)), (10, (10, None)), (7.0, (7, None)), ("7", (7, None)), (" 8 ", (8, None)), (np.int64(3), (3, None)),
    (0, (None, "score_out_of_range")), (11, (None, "score_out_of_range")), (-2, (None, "score_out_of_range")),
    ("11", (None, "score_out_of_range")),
    (3.5, (None, "score_not_integer")), ("x", (None, "score_not_integer")), ("7,5", (None, "score_not_integer")),
    (True, (None, "score_not_integer")), (np.bool_(False), (None, "score_not_integer")), ([7], (None, "score_not_integer")),
    (None, (None, "score_missing")), ("", (None, "score_missing")), (float("nan"), (None, "score_missing")),
])
def test_score_problem(value, expected):
    assert score_problem(value) == expected


# ---------------------------------------------------------------------------------------------
# The reconstructed workshop against the report
# ---------------------------------------------------------------------------------------------


def test_reconstruction_reproduces_the_published_order(bundled, published_order):
    table = bundled.ranking()
    assert table["area"].tolist() == [row["area_nb"] for row in published_order]
    assert table["rank"].tolist() == [int(row["rank"]) for row in published_order]
    assert table["sector"].tolist() == [row["sector"] for row in published_order]


def test_reconstruction_has_clear_margins_and_all_areas_high(bundled):
    table = bundled.ranking()
    gaps = -np.diff(table["mean_score"].to_numpy())
    assert gaps.min() >= 1.5, "neighbours in the ranking must not be near-ties"
    # "All areas were prioritised high": every mean in the upper half of its scale.
    assert (table["mean_potential"] > 5.5).all() and (table["mean_feasibility"] > 5.5).all()
    assert (table["mean_score"] > 50.5).all()


def test_reconstruction_shape_and_labels(bundled, published_order):
    scores = bundled.scores
    assert len(bundled.groups) == 9 and len(bundled.areas) == len(published_order) == 13
    assert len(scores) == 9 * 13 and not scores.duplicated(["group", "area"]).any()
    for measure in ("potential", "feasibility"):
        assert scores[measure].between(1, 10).all()
    assert bundled.reconstructed
    assert "rekonstruert" in bundled.meta["provenance"] and "reconstructed" in bundled.meta["provenance_en"]
    assert len(bundled.assumptions()) >= 4 and len(bundled.assumptions("en")) == len(bundled.assumptions())
    # The listed order is not the rank order: the ranking cannot come from the list.
    assert bundled.areas.sort_values("order")["area"].tolist() != [row["area_nb"] for row in published_order]
    # Groups disagree somewhat: a spread to show in the hover.
    assert (bundled.ranking()["sd_score"] > 0).all()


def test_targets_table_holds_the_published_facts(published_order):
    with open(ROOT / "scripts" / "workshop_targets.csv", encoding="utf-8") as handle:
        targets = list(csv.DictReader(handle))
    assert [(t["rank"], t["area"], t["sector"]) for t in targets] == [
        (p["rank"], p["area_nb"], p["sector"]) for p in published_order]


def test_regeneration_is_identical_to_the_bundled_workbook(tmp_path):
    out = tmp_path / "workshop.xlsx"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, capture_output=True)
    fresh = pd.read_excel(out, sheet_name=None, dtype=object, engine="openpyxl")
    bundled_sheets = pd.read_excel(BUNDLED_WORKSHOP, sheet_name=None, dtype=object, engine="openpyxl")
    assert list(fresh) == list(bundled_sheets) == ["scores", "areas", "meta"]
    for name in fresh:
        pd.testing.assert_frame_equal(fresh[name], bundled_sheets[name], obj=name)
    again = tmp_path / "again.xlsx"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(again)], check=True, capture_output=True)
    assert again.read_bytes() == out.read_bytes()


# ---------------------------------------------------------------------------------------------
# Workbook validation: every problem, with sheet, row and column
# ---------------------------------------------------------------------------------------------


def sheets(scores=None, areas=None, meta=True) -> dict[str, pd.DataFrame]:
    frames = {
        "scores": HAND.copy() if scores is None else scores,
        "areas": HAND_AREAS.copy() if areas is None else areas,
    }
    if meta:
        frames["meta"] = pd.DataFrame({"key": ["title", "reconstructed"], "value": ["Test", "false"]})
    return frames


def messages(path: Path, language: str = "nb") -> list[str]:
    workshop, problems = validate_workshop(path)
    assert workshop is None
    return [p.describe(language) for p in problems if p.severity == "error"]


def test_a_valid_hand_workbook_loads(tmp_path):
    english = HAND_AREAS.assign(area_en=["A en", "B en", "C en", "D en"], sector_en=["S1 en", "S1 en", "S2 en", "S2 en"])
    workshop = load_workshop(write_workbook(tmp_path / "w.xlsx", sheets(areas=english)))
    assert workshop.ranking()["area"].tolist() == ["C", "A", "B", "D"]
    assert not workshop.reconstructed
    _, problems = validate_workshop(tmp_path / "w.xlsx")
    assert [p.describe() for p in problems] == ["ark «areas», rad 5, kolonne «area»: ingen grupper har gitt poeng til «D»"]


def test_a_workbook_without_english_loads_with_a_notice_per_column(tmp_path):
    _, problems = validate_workshop(write_workbook(tmp_path / "w.xlsx", sheets()))
    notices = [p for p in problems if p.code == "missing_english"]
    assert {p.column for p in notices} == {"area_en", "sector_en"}
    assert all(p.severity == "warning" for p in notices)


def test_bad_scores_are_reported_with_sheet_row_and_column(tmp_path):
    scores = HAND.astype(object)
    scores.loc[0, "potential"] = 0
    scores.loc[1, "feasibility"] = 11
    scores.loc[2, "potential"] = 3.5
    scores.loc[3, "feasibility"] = "x"
    scores.loc[4, "potential"] = True
    scores.loc[5, "feasibility"] = None
    found = messages(write_workbook(tmp_path / "bad.xlsx", sheets(scores)))
    assert found == [
        "ark «scores», rad 2, kolonne «potential»: 0 er utenfor skalaen; bruk et helt tall fra 1 til 10",
        "ark «scores», rad 3, kolonne «feasibility»: 11 er utenfor skalaen; bruk et helt tall fra 1 til 10",
        "ark «scores», rad 4, kolonne «potential»: «3.5» er ikke et helt tall fra 1 til 10",
        "ark «scores», rad 5, kolonne «feasibility»: «x» er ikke et helt tall fra 1 til 10",
        "ark «scores», rad 6, kolonne «potential»: «True» er ikke et helt tall fra 1 til 10",
        "ark «scores», rad 7, kolonne «feasibility»: poengsummen mangler; skriv et helt tall fra 1 til 10",
    ]


def test_structure_problems(tmp_path):
    scores = HAND.copy()
    scores.loc[6, "area"] = "Cc"  # a typo of C
    areas = pd.concat([HAND_AREAS, HAND_AREAS.iloc[[0]]], ignore_index=True)
    found = messages(write_workbook(tmp_path / "bad.xlsx", sheets(scores, areas)), "en")
    assert "sheet “areas”, row 6, column “area”: the area “A” is listed more than once (also in row 2)" in found
    assert "sheet “scores”, row 8, column “area”: the area “Cc” is not in the “areas” sheet — did you mean “C”?" in found


def test_duplicate_group_area_and_missing_pieces(tmp_path):
    scores = pd.concat([HAND, HAND.iloc[[0]]], ignore_index=True)
    found = messages(write_workbook(tmp_path / "dup.xlsx", sheets(scores)))
    assert found == ["ark «scores», rad 10, kolonne «area»: gruppen «G1» har allerede poeng for «A» (i rad 2)"]
    found = messages(write_workbook(tmp_path / "nocol.xlsx", sheets(HAND.drop(columns=["feasibility"]))))
    assert found == ["ark «scores»: kolonnen «feasibility» mangler"]
    only_scores = {"scores": HAND}
    found = messages(write_workbook(tmp_path / "noareas.xlsx", only_scores))
    assert found == ["ark «areas»: arket «areas» mangler (arbeidsboka har: scores)"]


def test_not_a_workbook_is_one_clear_problem(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(SurveyError) as caught:
        load_workshop(path)
    assert "ikke en Excel-arbeidsbok" in caught.value.describe()
