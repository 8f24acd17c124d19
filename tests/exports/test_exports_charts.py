"""A chart's files (exports/charts.py): the XLSX read back equals the table shown, with its notes;
a page's workbook has a sheet per chart; text from the data that looks like a formula is
escaped in CSV and XLSX; file names are plain."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from conftest import tiny_frames, write_workbook
from analysis.intake import load_workbook as load_survey
from report import charts, tables
from report.numbers import SurveyNumbers
from report.view import view_for
from exports.charts import chart_csv, chart_xlsx, file_stem, page_xlsx


@pytest.fixture(autouse=True)
def threshold_one(monkeypatch):
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "1")


def rows_of(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def table_part(rows: list[list], frame: pd.DataFrame) -> list[list]:
    """The header row and the rows under it (title and notes come first)."""
    start = rows.index([str(c) for c in frame.columns])
    return rows[start:start + len(frame) + 1]


def expected(frame: pd.DataFrame) -> list[list]:
    """The frame as a spreadsheet reads it back: missing numbers and empty notes are empty cells."""
    return [list(frame.columns)] + [[None if pd.isna(v) or v == "" else v for v in row]
                                    for row in frame.astype(object).itertuples(index=False)]


@pytest.fixture
def page_charts(tiny):
    return charts.section_charts(tiny, view_for(tiny, filters={"rolle": ["Adm"]}), "erfaringer", SurveyNumbers(tiny))


def test_xlsx_equals_the_table_shown(page_charts):
    chart = page_charts[0]
    sheet = load_workbook(io.BytesIO(chart_xlsx(chart))).active
    rows = rows_of(sheet)
    assert rows[0][0] == chart.title
    notes = [row[0] for row in rows[1:len(chart.notes) + 1]]
    assert notes == list(chart.notes) and any("Utvalg: Adm" in note for note in notes)
    assert table_part(rows, chart.frame) == expected(chart.frame)
    header = rows.index(list(chart.frame.columns))
    pct = list(chart.frame.columns).index("Andel (%)") + 1
    assert sheet.cell(row=header + 2, column=pct).number_format == "0.0"
    # the same numbers the screen shows, in the screen's format
    shown = tables.shown(chart.frame, "nb")["Andel (%)"].tolist()
    assert [f"{v:.1f}".replace(".", ",") for v in chart.frame["Andel (%)"]] == shown


def test_page_workbook_has_a_sheet_per_chart(page_charts):
    book = load_workbook(io.BytesIO(page_xlsx(page_charts)))
    assert book.sheetnames == [chart.key for chart in page_charts]
    for chart, sheet in zip(page_charts, book.worksheets):
        assert table_part(rows_of(sheet), chart.frame) == expected(chart.frame)


def test_formula_like_values_from_the_data_are_escaped(tmp_path):
    sheets = tiny_frames()
    sheets["codebook"].loc[sheets["codebook"]["column"] == "kommune", "scale"] = "-Aby | @Bby"
    sheets["responses"]["kommune"] = sheets["responses"]["kommune"].map({"Aby": "-Aby", "Bby": "@Bby"})
    survey = load_survey(write_workbook(tmp_path / "formulas.xlsx", sheets))
    chart = charts.section_charts(survey, view_for(survey, breakdown=("kommune",)), "erfaringer", SurveyNumbers(survey))[0]
    assert chart.frame["Kommune"].tolist() == ["-Aby", "@Bby"]
    lines = chart_csv(chart, "nb").decode("utf-8-sig").splitlines()
    assert [line.split(";")[1] for line in lines[1:]] == ["'-Aby", "'@Bby"]
    cells = [c for row in load_workbook(io.BytesIO(chart_xlsx(chart))).active.iter_rows() for c in row]
    assert {"'-Aby", "'@Bby"} <= {c.value for c in cells}
    assert not [c for c in cells if c.data_type == "f"]


def test_csv_has_the_screen_decimals(page_charts):
    chart = page_charts[0]
    lines = chart_csv(chart, "nb").decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    values = [line.split(";")[header.index("Andel (%)")] for line in lines[1:]]
    assert values == tables.shown(chart.frame, "nb")["Andel (%)"].tolist()


def test_file_names_are_plain():
    assert file_stem("Erfaringer") == "erfaringer"
    assert file_stem("Områder for tettere samarbeid / Røyrvik") == "omrader-for-tettere-samarbeid-royrvik"
    assert file_stem("Ærlig talt") == "aerlig-talt"


@pytest.mark.browser  # kaleido drives Chromium
def test_chart_images_have_the_screen_layout_at_high_resolution(page_charts):
    import struct

    from exports.charts import IMAGE_WIDTH, PNG_SCALE, chart_image

    chart = page_charts[0]
    height = int(chart.figure.layout.height)
    png = chart_image(chart, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (IMAGE_WIDTH[False] * PNG_SCALE, height * PNG_SCALE)
    svg = chart_image(chart, "svg").decode("utf-8")
    assert svg.startswith("<svg") and f'width="{IMAGE_WIDTH[False]}"' in svg and f'height="{height}"' in svg
    assert "Gir samarbeidet gevinster?" in svg and "Utvalg: Adm" in svg
