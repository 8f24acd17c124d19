"""Table exports: XLSX read back equals the table; formula injection is neutralised."""

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from exports.tables import escape_cell, to_csv_bytes, to_xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_formula_like_text_is_escaped(text):
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Grong", "I stor grad", 12, -3.5, None])
def test_ordinary_values_are_untouched(value):
    assert escape_cell(value) == value


def table():
    return pd.DataFrame({
        "spørsmål": ["=cmd|' /C calc'!A0", "Vanlig"],
        "rolle": ["Administrasjon", "Folkevalgte"],
        "n": [52, 38],
        "k": [34, pd.NA],
        "share": [34 / 52, None],
    })


def test_xlsx_round_trip_and_escaping():
    data = to_xlsx_bytes(table(), title="Tittel", notes=["Rekonstruerte data", "=not a formula"])
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Tittel"
    assert rows[2][0] == "'=not a formula"
    header = rows.index(["spørsmål", "rolle", "n", "k", "share"])
    assert rows[header + 1] == ["'=cmd|' /C calc'!A0", "Administrasjon", 52, 34, pytest.approx(34 / 52)]
    assert rows[header + 2] == ["Vanlig", "Folkevalgte", 38, None, None]
    assert sheet.cell(row=header + 2, column=5).number_format == "0.0%"
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_csv_bokmal_and_english():
    nb = to_csv_bytes(table()).decode("utf-8-sig")
    assert nb.splitlines()[0] == "spørsmål;rolle;n;k;share"
    assert nb.splitlines()[1].startswith("'=cmd")
    assert "0,65" in nb
    en = to_csv_bytes(table(), "en").decode("utf-8-sig")
    assert en.splitlines()[0] == "spørsmål,rolle,n,k,share"
