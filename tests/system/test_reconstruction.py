"""The bundled workbook is exactly what scripts/reconstruct_survey.py makes, and it honours the report.

Everything here is computed with plain pandas straight from the workbook (not through the
`analysis` package), so these tests check the data, not the dashboard code. Expected published
figures come from `tests/fixtures/published_figures.csv`, a verbatim copy of the reference table.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from tree import ROOT

SCRIPT = ROOT / "scripts" / "reconstruct_survey.py"
BUNDLED = ROOT / "data" / "survey_raw.xlsx"
FIXTURE = ROOT / "tests" / "fixtures" / "published_figures.csv"
TARGETS = ROOT / "scripts" / "reconstruction_targets.csv"

SHEETS = ["responses", "codebook", "meta"]
GROUP_SIZE = {"Administrasjon": 55, "Folkevalgte": 38}
TOP2 = ["I stor grad", "I svært stor grad"]
CORE_AREAS = {"Legetjeneste", "Rus og psykiatri", "Næringsutvikling", "Administrative støttetjenester"}


def read(path: Path) -> dict[str, pd.DataFrame]:
    return pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")


def regenerate(out: Path) -> Path:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    return regenerate(tmp_path_factory.mktemp("regen") / "survey_raw.xlsx")


@pytest.fixture(scope="module")
def book() -> dict[str, pd.DataFrame]:
    return read(BUNDLED)


@pytest.fixture(scope="module")
def responses(book) -> pd.DataFrame:
    return book["responses"]


@pytest.fixture(scope="module")
def codebook(book) -> pd.DataFrame:
    return book["codebook"]


@pytest.fixture(scope="module")
def meta(book) -> dict:
    return dict(zip(book["meta"]["key"], book["meta"]["value"]))


def share(frame: pd.DataFrame, column: str, categories: list[str]) -> float:
    """Report convention: among those who answered (Vet ikke included, blanks excluded)."""
    answered = frame[column].dropna()
    return answered.isin(categories).mean()


def measure_categories(row: pd.Series) -> list[str]:
    substantive = [c for c in row["scale"].split(" | ") if c != row["dont_know"]]
    return {"top2": substantive[-2:], "bottom2": substantive[:2], "yes": substantive[-1:]}[row["measure"]]


# ---------------------------------------------------------------------------------------------
# Regeneration
# ---------------------------------------------------------------------------------------------


def test_regeneration_reproduces_the_committed_workbook(regenerated, book):
    fresh = read(regenerated)
    assert list(fresh) == SHEETS
    assert list(book) == SHEETS
    for name in SHEETS:
        pd.testing.assert_frame_equal(fresh[name], book[name], check_exact=True, obj=name)


def test_regeneration_is_byte_stable(regenerated, tmp_path):
    again = regenerate(tmp_path / "again.xlsx")
    assert again.read_bytes() == regenerated.read_bytes()


# ---------------------------------------------------------------------------------------------
# Shape
# ---------------------------------------------------------------------------------------------


def test_respondents_and_groups(responses):
    assert len(responses) == 93
    assert list(responses["respondent_id"]) == [f"R{i:03d}" for i in range(1, 94)]
    assert responses["rolle"].value_counts().to_dict() == GROUP_SIZE
    cells = responses.groupby(["kommune", "rolle"]).size()
    assert len(cells) == 8
    assert cells.min() >= 5


def test_codebook_describes_every_column_in_order(responses, codebook):
    assert list(codebook["column"]) == list(responses.columns)
    kinds = codebook.set_index("column")["kind"]
    assert kinds["respondent_id"] == "id"
    assert list(codebook.loc[codebook["kind"] == "breakdown", "column"]) == ["kommune", "rolle"]
    assert kinds["kommentar"] == "text"
    assert responses["kommentar"].isna().all()


def test_answers_use_the_codebook_scales(responses, codebook):
    for _, row in codebook[codebook["kind"].isin(["breakdown", "likert", "yes_no"])].iterrows():
        allowed = set(row["scale"].split(" | "))
        assert set(responses[row["column"]].dropna()) <= allowed, row["column"]


def test_multi_select_is_zero_one_and_skipped_as_a_whole(responses, codebook):
    options = list(codebook.loc[codebook["kind"] == "multi_select", "column"])
    block = responses[options]
    assert set(pd.unique(block.stack().dropna())) <= {0, 1}
    skipped = block.isna().all(axis=1)
    assert (block.isna().any(axis=1) == skipped).all(), "a multi-select answer is all or nothing"
    assert 0 < skipped.sum() <= 5
    assert (block[~skipped].astype(int).sum(axis=1) >= 1).all(), "answerers pick at least one area"


# ---------------------------------------------------------------------------------------------
# The 22 published figures
# ---------------------------------------------------------------------------------------------


def published_rows() -> list[dict]:
    with open(FIXTURE, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("figure", published_rows(), ids=lambda f: f["figure_id"])
def test_published_figure_is_reproduced(figure, responses, codebook):
    match = codebook[(codebook["question"] == figure["question_nb"]) & (codebook["measure_label"] == figure["measure"])]
    assert len(match) == 1, f"no unique codebook item for {figure['figure_id']}"
    row = match.iloc[0]
    answers = responses.loc[responses["rolle"] == figure["group"], row["column"]].dropna()
    k, n = int(answers.isin(measure_categories(row)).sum()), len(answers)
    assert (k, n) == (int(figure["k"]), int(figure["n"]))
    assert abs(100 * k / n - float(figure["published_pct"])) <= 0.05 + 1e-9


def test_targets_table_labels_exactly_the_published_counts_as_published():
    published = {(f["figure_id"]): f for f in published_rows()}
    with open(TARGETS, encoding="utf-8") as handle:
        targets = [r for r in csv.DictReader(handle) if r["field"] in ("k", "n")]
    labelled = [r for r in targets if r["source"] == "published"]
    assert len(labelled) == 2 * len(published)
    for r in labelled:
        assert r["value"] == published[r["figure_id"]][r["field"]]
        assert r["role"] == published[r["figure_id"]]["group"]


# ---------------------------------------------------------------------------------------------
# The report's qualitative statements
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(GROUP_SIZE))
def test_royrvik_sees_loss_of_jobs_most(responses, role):
    group = responses[responses["rolle"] == role]
    shares = {m: share(g, "utfordring_arbeidsplasser", TOP2) for m, g in group.groupby("kommune")}
    others = [v for m, v in shares.items() if m != "Røyrvik"]
    assert shares["Røyrvik"] > max(others), shares


@pytest.mark.parametrize("role", [None, *GROUP_SIZE])
def test_smaller_municipalities_see_governance_as_a_larger_challenge(responses, role):
    group = responses if role is None else responses[responses["rolle"] == role]
    shares = {m: share(g, "utfordring_styring", TOP2) for m, g in group.groupby("kommune")}
    assert min(shares["Røyrvik"], shares["Namsskogan"]) > max(shares["Grong"], shares["Lierne"]), shares


@pytest.mark.parametrize("role", list(GROUP_SIZE))
def test_few_think_cooperation_lowers_need_for_governance(responses, role):
    group = responses[responses["rolle"] == role]
    assert share(group, "mulighet_styringsbehov", TOP2) < 0.15
    assert share(group, "mulighet_styringsbehov", ["I noen grad", "Vet ikke"]) >= 0.50


@pytest.mark.parametrize("role", list(GROUP_SIZE))
def test_regulations_is_the_third_challenge(responses, role):
    group = responses[responses["rolle"] == role]
    third = share(group, "utfordring_regelverk", TOP2)
    assert third < share(group, "utfordring_arbeidsplasser", TOP2)
    assert third < share(group, "utfordring_styring", TOP2)


def top_five(responses: pd.DataFrame, codebook: pd.DataFrame) -> dict[str, list[str]]:
    """Top five areas per municipality: share desc, then codebook order; rank 5 must beat rank 6."""
    options = codebook[codebook["kind"] == "multi_select"].reset_index(drop=True)
    result = {}
    for municipality, group in responses.groupby("kommune"):
        answered = group[options["column"]].dropna(how="all").astype(int)
        shares = answered.mean()
        ranked = sorted(range(len(options)), key=lambda i: (-shares[options.loc[i, "column"]], i))
        fifth, sixth = (shares[options.loc[ranked[j], "column"]] for j in (4, 5))
        assert fifth > sixth, f"{municipality}: tie at rank 5/6"
        result[municipality] = [options.loc[i, "label"] for i in ranked[:5]]
    return result


def test_top_five_areas_match_the_report(responses, codebook):
    tops = top_five(responses, codebook)
    assert len(tops) == 4
    for municipality, areas in tops.items():
        assert CORE_AREAS <= set(areas), (municipality, areas)
    with_child_welfare = [m for m, areas in tops.items() if "Barnevern" in areas]
    assert 0 < len(with_child_welfare) < 4
    for a, b in combinations(tops, 2):
        assert len(set(tops[a]) & set(tops[b])) >= 4, (a, b)


# ---------------------------------------------------------------------------------------------
# Meta
# ---------------------------------------------------------------------------------------------


def test_meta_documents_the_reconstruction(meta, responses):
    assert meta["title"] == "Interkommunalt samarbeid i Indre Namdal – spørreundersøkelse 2022"
    assert int(meta["year"]) == 2022
    assert int(meta["invited"]) == 126
    assert meta["region"] == "Indre Namdal"
    assert str(meta["reconstructed"]).lower() == "true"
    assert "rekonstruert" in meta["provenance"] and "reconstructed" in meta["provenance_en"]
    assert int(meta["min_group_size"]) == 5
    assert sum(1 for k in meta if k.startswith("assumption_")) >= 6


def test_what_a_reader_is_told_has_no_internal_names(meta, responses):
    """The provenance and assumptions are shown on Oversikt: plain words, no column names
    (``gevinst_fagomrader``), no file paths, no meta keys (issue 15)."""
    told = [str(v) for k, v in meta.items() if k.startswith(("assumption_", "provenance"))]
    internal = [c for c in responses.columns if "_" in c] + ["scripts/", ".py", ".csv", "invited_"]
    found = [(name, text[:60]) for text in told for name in internal if name in text]
    assert not found, found


def test_invited_split_covers_every_cell(meta, responses):
    cells = responses.groupby(["kommune", "rolle"]).size()
    invited = {k: int(v) for k, v in meta.items() if k.startswith("invited_")}
    assert sum(invited.values()) == int(meta["invited"])
    assert len(invited) == len(cells)
    for (municipality, role), answered in cells.items():
        assert invited[f"invited_{municipality}_{role}"] >= answered
