"""A public-survey-like workbook (scripts/public_survey.py: 6 366 rows, 4 breakdowns, a 7-point
scale stored as codes with value labels, a headline measure of codes 5–7, numeric items, a
weight column) loads through the guarded intake, validates, and gives the numbers an
independent pandas/SciPy computation from the raw sheet gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.aggregate import headline_table
from analysis.intake import read_paths
from analysis.load import build_survey, frame_with_header
from analysis.numeric import compare_numeric, numeric_table
from analysis.weighting import weighted_headline, weighting_available, weighting_note
from scripts import public_survey

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("public") / "public.xlsx"
    return public_survey.write(path)


@pytest.fixture(scope="module")
def loaded(workbook):
    survey, problems = read_paths([workbook])  # the worker process, as an upload
    assert survey is not None, problems
    return survey


@pytest.fixture(scope="module")
def raw(workbook):
    return pd.read_excel(workbook, sheet_name="responses", dtype=object, engine="openpyxl")


def test_it_loads_with_its_shape(loaded, raw):
    assert len(raw) >= 6000 and len(loaded.responses) == len(raw)
    assert list(loaded.breakdowns) == ["region", "aldersgruppe", "utdanning", "kjonn"]
    assert loaded.weight == "vekt" and weighting_available(loaded)
    assert [i.id for i in loaded.numeric_items()] == ["tv_timer", "inntekt"]
    item = loaded.items["p01"]
    assert item.categories[-1] == "Vet ikke" and item.dont_know == "Vet ikke" and len(item.categories) == 8
    assert item.measure_categories == ("Litt enig", "Enig", "Helt enig")
    assert (item.measure_text("nb"), item.measure_text("en")) == ("enig (5–7)", "agree (5–7)")
    assert loaded.items["stemte"].measure_categories == ("Ja",)  # code 1, though "Ja" comes first


def _reference_shares(raw: pd.DataFrame, column: str, by: str | None):
    """From the raw codes: base = answered (codes 1–7 and 9), k = codes 5, 6, 7."""
    answers = pd.to_numeric(raw[column], errors="coerce")
    frame = pd.DataFrame({"a": answers, "g": raw[by] if by else "all"})
    frame = frame[frame["a"].notna()]
    frame["k"] = frame["a"].isin([5, 6, 7])
    return frame.groupby("g")["k"].agg(["size", "sum"])


@pytest.mark.parametrize("by", [None, "utdanning"])
def test_headline_shares_match_pandas(loaded, raw, by):
    table = headline_table(loaded, [by] if by else [], ["p01", "p05"])
    for item in ("p01", "p05"):
        expected = _reference_shares(raw, item, by)
        block = table[table["item_id"] == item]
        for _, row in block.iterrows():
            group = row[by] if by else "all"
            assert (row["n"], row["k"]) == (expected.loc[group, "size"], expected.loc[group, "sum"])
            low, high = stats.binomtest(int(row["k"]), int(row["n"])).proportion_ci(method="wilson")
            assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-9)


def test_numeric_items_match_pandas_and_scipy(loaded, raw):
    table = numeric_table(loaded, ["kjonn"], ["tv_timer"], min_n=5)
    values = pd.to_numeric(raw["tv_timer"], errors="coerce")
    for _, row in table.iterrows():
        x = values[(raw["kjonn"] == row["kjonn"]) & values.notna()].to_numpy(dtype=float)
        assert row["n"] == len(x)
        assert row["mean"] == pytest.approx(x.mean())
        assert row["median"] == pytest.approx(np.median(x))
        assert row["sd"] == pytest.approx(x.std(ddof=1))
        low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))


def test_numeric_comparison_is_welch(loaded, raw):
    result = compare_numeric(loaded, "kjonn", ["inntekt"])
    values = pd.to_numeric(raw["inntekt"], errors="coerce")
    a = values[(raw["kjonn"] == "Kvinne") & values.notna()]
    b = values[(raw["kjonn"] == "Mann") & values.notna()]
    reference = stats.ttest_ind(a, b, equal_var=False)
    row = result.iloc[0]
    assert (row["group_a"], row["group_b"]) == ("Kvinne", "Mann")
    assert row["p_value"] == pytest.approx(reference.pvalue)
    assert row["diff"] == pytest.approx(a.mean() - b.mean())


def test_weighted_shares_use_the_weight_column_and_kish(loaded, raw, monkeypatch):
    protected = weighted_headline(loaded, ["kjonn"], ["p02"])
    # Every group here holds a hidden finest cell, and a weighted figure over a hidden cell
    # would add an equation: so none is shown under protection.
    assert protected["suppressed"].all() and protected["weighted_pct"].isna().all()
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "1")  # protection off, to check the arithmetic
    table = weighted_headline(loaded, ["kjonn"], ["p02"])
    assert not table["suppressed"].any()
    answers = pd.to_numeric(raw["p02"], errors="coerce")
    weight = raw["vekt"].astype(float)
    for _, row in table.iterrows():
        mask = (raw["kjonn"] == row["kjonn"]) & answers.notna()
        w = weight[mask]
        share = (w * answers[mask].isin([5, 6, 7])).sum() / w.sum()
        assert row["weighted_pct"] == pytest.approx(round(100 * share, 1))
        assert row["n_eff"] == pytest.approx(round(w.sum() ** 2 / (w ** 2).sum(), 1))
        assert row["n"] == mask.sum()  # the unweighted count, on which suppression is decided
    assert "vekt" in weighting_note(loaded, "en")


def test_small_cells_hide_numeric_groups_that_contain_them(loaded):
    table = numeric_table(loaded, ["region", "aldersgruppe", "utdanning", "kjonn"], ["tv_timer"], min_n=5)
    hidden = table[table["suppressed"]]
    assert len(hidden) and hidden["mean"].isna().all()
    assert (table.loc[~table["suppressed"], "n"] >= 5).all()


def _sheets(codebook_rows, responses):
    meta = {"title": "T", "year": "2024", "provenance": "test"}
    return pd.DataFrame(responses), pd.DataFrame(codebook_rows), meta


def test_codes_positions_labels_and_a_column_both_breakdown_and_item():
    codebook = [
        {"column": "id", "kind": "id", "question": "ID", "label": "ID"},
        {"column": "grp", "kind": "breakdown", "question": "G", "label": "G", "scale": "A | B | C"},
        {"column": "grp", "kind": "likert", "question": "Hvilken gruppe?", "label": "G", "scale": "A | B | C",
         "section": "s", "measure": "B | C", "measure_labl": "typo"},
        {"column": "q", "kind": "likert", "question": "Q", "label": "Q", "section": "s",
         "values": "1=Lite | 2=Noe | 3=Mye | 4=Svært mye", "measure": "3,4"},
        {"column": "r", "kind": "likert", "question": "R", "label": "R", "section": "s",
         "scale": "x | y | z", "measure": "1,2"},
    ]
    responses = {"id": ["1", "2", "3", "4"], "grp": ["A", "B", "C", "C"], "q": ["1", "4", "Mye", None],
                 "r": ["x", "y", "z", "z"]}
    survey, problems = build_survey(*_sheets(codebook, responses))
    assert survey is not None, problems
    warning = [p for p in problems if p.code == "unknown_codebook_field"]
    assert len(warning) == 1 and warning[0].params["suggestion"] == "measure_label"
    assert list(survey.responses["q"].astype(object).fillna("-")) == ["Lite", "Svært mye", "Mye", "-"]
    assert survey.items["q"].measure_categories == ("Mye", "Svært mye")
    assert survey.items["r"].measure_categories == ("x", "y")
    assert "grp" in survey.breakdowns and "grp" in survey.items
    table = headline_table(survey, [], ["grp"])
    assert (table.loc[0, "n"], table.loc[0, "k"]) == (4, 3)


def test_bad_measure_set_and_bad_numbers_name_their_place():
    codebook = [
        {"column": "id", "kind": "id", "question": "ID", "label": "ID"},
        {"column": "grp", "kind": "breakdown", "question": "G", "label": "G", "scale": "A | B"},
        {"column": "q", "kind": "likert", "question": "Q", "label": "Q", "section": "s",
         "values": "1=Lite | 2=Noe | 3=Mye", "measure": "3,7"},
        {"column": "n", "kind": "numeric", "question": "N", "label": "N", "section": "s"},
    ]
    responses = {"id": ["1", "2"], "grp": ["A", "B"], "q": ["1", "2"], "n": ["3,5", "mange"]}
    survey, problems = build_survey(*_sheets(codebook, responses))
    assert survey is None
    codes = {(p.code, p.row, p.column) for p in problems}
    assert ("bad_measure_set", 4, "measure") in codes
    assert ("not_a_number", 3, "n") in codes  # "3,5" is a number with a decimal comma; "mange" is not


def test_cli_prints_numeric_items_and_their_comparisons(workbook, raw, capsys):
    import json

    from cli.main import main

    assert main(["summary", str(workbook), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    tv = next(r for r in rows if r["item_id"] == "tv_timer")
    values = pd.to_numeric(raw["tv_timer"], errors="coerce").dropna()
    assert tv["kind"] == "numeric" and tv["n"] == len(values) and tv["mean"] == pytest.approx(values.mean(), abs=0.005)
    assert main(["compare", str(workbook), "--family", "kjonn", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    welch = next(r for r in rows if r.get("kind") == "numeric" and r["item_id"] == "tv_timer")
    tv_all = pd.to_numeric(raw["tv_timer"], errors="coerce")
    a, b = (tv_all[(raw["kjonn"] == sex) & tv_all.notna()] for sex in ("Kvinne", "Mann"))
    assert welch["p_value"] == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue, rel=1e-5)
