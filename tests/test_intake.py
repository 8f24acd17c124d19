"""Uploads: every broken or hostile file in tests/fixtures/bad/ gets its expected message,
and good uploads (xlsx, CSV set, SPSS .sav) load."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from analysis.aggregate import headline_table
from analysis.intake import Limits, load_upload
from analysis.template import write_template
from conftest import FIXTURES, tiny_frames, write_workbook

BAD = FIXTURES / "bad"
EXPECTED = list(csv.DictReader(open(BAD / "expected.csv", encoding="utf-8")))


def upload_of(case: str) -> dict[str, bytes]:
    path = BAD / case
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    return {path.name: path.read_bytes()}


def test_corpus_is_large_enough():
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("case", EXPECTED, ids=[c["case"] for c in EXPECTED])
def test_bad_file_gets_its_message(case):
    files = upload_of(case["case"])
    before = {name: bytes(data) for name, data in files.items()}
    survey, problems = load_upload(files)
    assert survey is None
    errors = [p for p in problems if p.severity == "error"]
    codes = [p.code for p in errors]
    assert case["code"] in codes, f"{case['case']}: got {codes}"
    messages = " | ".join(p.describe() for p in errors)
    assert case["message"] in messages
    assert files == before  # the upload is never modified


def test_size_limit_refuses_before_parsing(tiny_path):
    survey, problems = load_upload({"tiny.xlsx": tiny_path.read_bytes()}, Limits(max_bytes=100))
    assert survey is None and problems[0].code == "too_large"


def test_row_limit(tiny_path):
    survey, problems = load_upload({"tiny.xlsx": tiny_path.read_bytes()}, Limits(max_rows=5))
    assert survey is None and problems[0].code == "too_many_rows"
    assert "10 rader er flere enn grensen på 5" in problems[0].message()


def test_good_workbook_upload(tiny_path):
    survey, problems = load_upload({"tiny.xlsx": tiny_path.read_bytes()})
    assert survey is not None and not [p for p in problems if p.severity == "error"]
    assert len(survey.responses) == 10


def test_csv_set_with_semicolons_and_bom():
    files = {}
    for name, frame in tiny_frames().items():
        text = frame.to_csv(index=False, sep=";")
        files[f"{name}.csv"] = ("\ufeff" + text).encode("utf-8")
    survey, problems = load_upload(files)
    assert survey is not None, [p.describe() for p in problems]
    q1 = headline_table(survey).set_index("item_id").loc["q1"]
    assert (q1["n"], q1["k"]) == (9, 4)  # same as the workbook (see test_aggregate)


def test_sav_import_with_value_labels(tmp_path):
    import pyreadstat

    frame = pd.DataFrame({
        "id": [1.0, 2.0, 3.0, 4.0, 5.0],
        "kommune": [1.0, 1.0, 2.0, 2.0, 2.0],
        "gevinst": [4.0, 5.0, 3.0, 9.0, None],
        "tettere": [1.0, 2.0, 2.0, 2.0, 1.0],
    })
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(
        frame, str(path),
        column_labels=["ID", "Kommune", "Gir samarbeidet gevinster?", "Bør kommunene samarbeide tettere?"],
        variable_value_labels={
            "kommune": {1.0: "Aby", 2.0: "Bby"},
            "gevinst": {1.0: "I svært liten grad", 2.0: "I liten grad", 3.0: "I noen grad", 4.0: "I stor grad",
                        5.0: "I svært stor grad", 9.0: "Vet ikke"},
            "tettere": {1.0: "Nei", 2.0: "Ja"},
        },
    )
    survey, problems = load_upload({"survey.sav": path.read_bytes()})
    assert survey is not None, [p.describe() for p in problems]
    assert survey.items["gevinst"].kind == "likert" and survey.items["gevinst"].dont_know == "Vet ikke"
    assert survey.items["tettere"].kind == "yes_no"
    assert list(survey.breakdowns) == ["kommune"]
    assert survey.responses["gevinst"].tolist()[:4] == ["I stor grad", "I svært stor grad", "I noen grad", "Vet ikke"]
    table = headline_table(survey).set_index("item_id")
    # gevinst: 4 answered (one blank), stor + svært stor = 2; tettere: 5 answered, Ja = 3.
    assert (table.loc["gevinst", "n"], table.loc["gevinst", "k"]) == (4, 2)
    assert (table.loc["tettere", "n"], table.loc["tettere", "k"]) == (5, 3)
    assert any(p.code == "sav_inferred" for p in problems)


def test_template_round_trip(tmp_path):
    """Template → filled with a small survey → loads and counts."""
    sheets = pd.read_excel(io.BytesIO(write_template()), sheet_name=None, dtype=object, engine="openpyxl")
    assert {"responses", "codebook", "meta"} <= set(sheets)
    codebook = sheets["codebook"]
    codebook.loc[codebook["column"] == "kommune", "scale"] = "Nord | Sør"
    responses = pd.DataFrame({
        "respondent_id": ["a", "b", "c", "d"],
        "kommune": ["Nord", "Nord", "Sør", "Sør"],
        "rolle": ["Administrasjon", "Folkevalgte", "Administrasjon", "Folkevalgte"],
        "gevinst_1": ["I stor grad", "I liten grad", "Vet ikke", "I svært stor grad"],
        "tettere": ["Ja", "Ja", "Nei", None],
        "omrade_helse": [1, 0, 1, 1],
    })
    path = write_workbook(tmp_path / "filled.xlsx", {"responses": responses, "codebook": codebook, "meta": sheets["meta"]})
    survey, problems = load_upload({"filled.xlsx": path.read_bytes()})
    assert survey is not None, [p.describe() for p in problems]
    table = headline_table(survey).set_index("item_id")
    assert (table.loc["gevinst_1", "n"], table.loc["gevinst_1", "k"]) == (4, 2)
    assert (table.loc["tettere", "n"], table.loc["tettere", "k"]) == (3, 2)
