"""Loading and validation: a good workbook loads; each kind of broken one is refused with a
message that names sheet, row, column and value."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from analysis.intake import load_csv, load_workbook, validate_workbook
from analysis.problems import SurveyError
from conftest import tiny_frames, write_workbook


def test_tiny_loads_as_categoricals(tiny):
    assert len(tiny.responses) == 10
    assert list(tiny.breakdowns) == ["kommune", "rolle"]
    assert tiny.breakdowns["kommune"].values == ("Aby", "Bby")
    # Sections in first-appearance order, then codebook order within a section.
    assert [i.id for i in tiny.ordered_items()] == ["q1", "q3", "q2", "o_a", "o_b"]
    q1 = tiny.items["q1"]
    assert q1.measure_categories == ("I stor grad", "I svært stor grad")
    assert tiny.items["q3"].measure_categories == ("I svært liten grad", "I liten grad")
    assert tiny.items["q2"].measure_categories == ("Ja",)
    assert tiny.responses["q1"].isna().sum() == 1


def test_input_file_is_not_modified(tiny_path):
    before = tiny_path.read_bytes()
    load_workbook(tiny_path)
    assert tiny_path.read_bytes() == before


def broken(tmp_path, change) -> list:
    sheets = tiny_frames()
    change(sheets)
    path = write_workbook(tmp_path / "broken.xlsx", sheets)
    survey, problems = validate_workbook(path)
    assert survey is None
    return [p for p in problems if p.severity == "error"]


def only(problems, code):
    found = [p for p in problems if p.code == code]
    assert found, f"expected a {code!r} problem, got {[p.code for p in problems]}"
    return found[0]


def test_unknown_answer_label_with_suggestion(tmp_path):
    def change(s):
        s["responses"].loc[2, "q1"] = "i stor grad"

    problem = only(broken(tmp_path, change), "unknown_label_suggest")
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("responses", 4, "q1", "i stor grad")
    text = problem.describe()
    assert "ark «responses», rad 4, kolonne «q1»" in text
    assert "mente du «I stor grad»?" in text


def test_unknown_answer_without_close_match(tmp_path):
    problem = only(broken(tmp_path, lambda s: s["responses"].__setitem__("q2", ["Kanskje"] * 10)), "unknown_label")
    assert "ukjent svar «Kanskje»" in problem.message() and "Nei, Ja, Vet ikke" in problem.message()


def test_duplicate_respondent_id(tmp_path):
    def change(s):
        s["responses"].loc[4, "id"] = "R1"

    problem = only(broken(tmp_path, change), "duplicate_id")
    assert (problem.row, problem.column, problem.value) == (6, "id", "R1")
    assert "også i rad 2" in problem.message()


def test_blank_respondent_id(tmp_path):
    def change(s):
        s["responses"].loc[0, "id"] = None

    problem = only(broken(tmp_path, change), "blank_id")
    assert problem.row == 2


def test_codebook_column_missing_from_responses(tmp_path):
    problem = only(broken(tmp_path, lambda s: s.__setitem__("responses", s["responses"].drop(columns=["q3"]))), "codebook_without_data")
    assert problem.sheet == "codebook" and problem.value == "q3" and problem.row == 7
    assert "«q3»" in problem.message()


def test_response_column_not_in_codebook(tmp_path):
    problem = only(broken(tmp_path, lambda s: s["responses"].__setitem__("extra", 1)), "data_without_codebook")
    assert problem.sheet == "responses" and problem.column == "extra"


def test_missing_sheet(tmp_path):
    problems = broken(tmp_path, lambda s: s.pop("meta"))
    problem = only(problems, "missing_sheet")
    assert "«meta» mangler" in problem.message()


def test_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("id;kommune\n1;Grong\n", encoding="utf-8")
    survey, problems = validate_workbook(path)
    assert survey is None
    assert problems[0].code == "unknown_format"  # the bytes say what it is, not the name
    assert "verken en .xlsx-arbeidsbok" in problems[0].message()


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hei")
    survey, problems = validate_workbook(path)
    assert survey is None and problems[0].code == "xlsx_no_workbook"
    assert "mangler delen xl/workbook.xml" in problems[0].message()
    assert "has no part xl/workbook.xml" in problems[0].message("en")


def test_missing_file(tmp_path):
    with pytest.raises(SurveyError) as info:
        load_workbook(tmp_path / "nowhere.xlsx")
    assert "fila finnes ikke" in str(info.value)


def test_invalid_kind_in_codebook(tmp_path):
    def change(s):
        s["codebook"].loc[3, "kind"] = "skala"

    problem = only(broken(tmp_path, change), "codebook_not_allowed")
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("codebook", 5, "kind", "skala")
    assert "«skala» er ikke tillatt her; tillatte verdier: id, breakdown, likert, yes_no, multi_select, text" in problem.message()
    assert "Input should" not in problem.message("en") and "“skala” is not allowed here" in problem.message("en")


def test_measure_that_does_not_fit_kind(tmp_path):
    def change(s):
        s["codebook"].loc[4, "measure"] = "top2"

    problem = only(broken(tmp_path, change), "measure_kind_mismatch")
    assert problem.row == 6 and "«top2» passer ikke til typen «yes_no»" in problem.message()


def test_missing_scale(tmp_path):
    def change(s):
        s["codebook"].loc[3, "scale"] = None

    problem = only(broken(tmp_path, change), "missing_scale")
    assert problem.row == 5 and problem.column == "scale"


def test_dont_know_not_in_scale(tmp_path):
    def change(s):
        s["codebook"].loc[3, "dont_know"] = "Usikker"

    assert only(broken(tmp_path, change), "dont_know_not_in_scale").value == "Usikker"


def test_bad_multi_select_value(tmp_path):
    def change(s):
        s["responses"]["o_a"] = s["responses"]["o_a"].astype(object)
        s["responses"].loc[1, "o_a"] = "ja"

    problem = only(broken(tmp_path, change), "bad_multi_select")
    assert (problem.row, problem.column, problem.value) == (3, "o_a", "ja")


def test_blank_breakdown(tmp_path):
    def change(s):
        s["responses"].loc[9, "kommune"] = None

    problem = only(broken(tmp_path, change), "blank_breakdown")
    assert (problem.row, problem.column) == (11, "kommune")


def test_duplicate_codebook_row(tmp_path):
    def change(s):
        s["codebook"] = pd.concat([s["codebook"], s["codebook"].iloc[[3]]], ignore_index=True)

    assert only(broken(tmp_path, change), "duplicate_codebook_column").value == "q1"


def test_missing_meta_key(tmp_path):
    def change(s):
        s["meta"] = s["meta"][s["meta"]["key"] != "title"]

    assert "«title»" in only(broken(tmp_path, change), "missing_meta_key").message()


def test_formula_in_cell(tmp_path):
    def change(s):
        s["responses"].loc[0, "q1"] = '=HYPERLINK("http://x","I stor grad")'

    problem = only(broken(tmp_path, change), "formula_cell")
    assert problem.row == 2 and problem.column == "q1"


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    def change(s):
        s["responses"].loc[0, "q1"] = "Feil"
        s["responses"].loc[1, "q2"] = "Feil"
        s["responses"].loc[4, "id"] = "R1"

    codes = [p.code for p in broken(tmp_path, change)]
    assert codes.count("unknown_label") == 2 and "duplicate_id" in codes


def test_rare_breakdown_value_is_a_warning(tmp_path):
    sheets = tiny_frames()
    sheets["codebook"].loc[1, "scale"] = "Aby | Bby | Cby"
    sheets["responses"].loc[9, "kommune"] = "Cby"
    survey, problems = validate_workbook(write_workbook(tmp_path / "w.xlsx", sheets))
    assert survey is not None
    warning = only(problems, "rare_breakdown_value")
    assert warning.severity == "warning" and warning.value == "Cby"


def test_english_messages(tmp_path):
    def change(s):
        s["responses"].loc[2, "q1"] = "i stor grad"

    problem = only(broken(tmp_path, change), "unknown_label_suggest")
    assert problem.describe("en").startswith("sheet “responses”, row 4, column “q1”: unknown answer")


def test_csv_loading_matches_workbook(tmp_path, tiny):
    sheets = tiny_frames()
    paths = {}
    for name, frame in sheets.items():
        paths[name] = tmp_path / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    survey = load_csv(paths["responses"], paths["codebook"], paths["meta"])
    for column in ["q1", "q2", "o_a"]:
        assert survey.responses[column].tolist() == tiny.responses[column].tolist() or \
            survey.responses[column].astype(str).tolist() == tiny.responses[column].astype(str).tolist()
