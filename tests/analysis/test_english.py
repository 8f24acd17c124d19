"""The English of a survey's own texts comes from its codebook (issue 15): answer labels and
breakdown values (`scale_en`), sections and subsections, with a warning per English column that
is missing and the bokmål text in its place."""

from __future__ import annotations

import pandas as pd

from analysis import survey_wire
from analysis.intake import validate_workbook
from analysis.template import template_sheets
from conftest import tiny_frames, write_workbook
from report import labels, tables
from report.strings import t

LIKERT_EN = "Very small | Small | Some | Large | Very large | Don't know"


def with_english(frames: dict[str, pd.DataFrame], **columns: dict[str, str]) -> dict[str, pd.DataFrame]:
    """`frames` with codebook columns set per row: `scale_en={"rolle": "Admin | Politicians"}`."""
    codebook = frames["codebook"].copy()
    for name, by_column in columns.items():
        codebook[name] = [by_column.get(column) for column in codebook["column"]]
    return {**frames, "codebook": codebook}


def test_the_bundled_survey_has_english_for_every_text(bundled):
    assert bundled.english_gaps() == {}
    role = bundled.breakdowns["rolle"]
    assert len(role.values_en) == len(role.values) and role.values_en != role.values
    for item in bundled.ordered_items(kinds=("likert", "yes_no")):
        assert len(item.categories_en) == len(item.categories), item.id
        assert item.subsection_en and item.subsection_en != item.subsection, item.id


def test_missing_english_falls_back_with_one_warning_per_column(tiny_path):
    survey, problems = validate_workbook(tiny_path)
    notices = [p for p in problems if p.code == "missing_english"]
    assert survey is not None and notices and all(p.severity == "warning" for p in notices)
    assert {p.column for p in notices} == set(survey.english_gaps())
    scale = next(p for p in notices if p.column == "scale_en")
    assert scale.params["count"] == len(survey.english_gaps()["scale_en"]) and scale.value == "kommune"
    assert "engelsk" in scale.describe("nb") and "English" in scale.describe("en")
    item = survey.items["q1"]
    assert labels.answer_label("I stor grad", "en", item) == "I stor grad"  # its own text
    assert labels.value_label(survey, "rolle", "Adm", "en") == "Adm"
    assert labels.subsection_title(item, "en") == "Gevinster"


def test_english_columns_name_answers_groups_and_headings(tmp_path):
    frames = with_english(tiny_frames(), scale_en={"rolle": "Admin | Politicians", "q1": LIKERT_EN},
                          subsection_en={"q1": "Gains"}, section_en={"q1": "Experiences"})
    survey, problems = validate_workbook(write_workbook(tmp_path / "en.xlsx", frames))
    assert survey is not None and not [p for p in problems if p.severity == "error"]
    item = survey.items["q1"]
    assert labels.answer_label("I stor grad", "en", item) == "Large"
    assert labels.answer_label("I stor grad", "nb", item) == "I stor grad"
    assert labels.answer_label("1", "en", survey.items["o_a"]) == t("ui.answer.selected", "en")
    assert labels.value_label(survey, "rolle", "Pol", "en") == "Politicians"
    assert labels.value_label(survey, "rolle", "Pol", "nb") == "Pol"
    assert labels.subsection_title(item, "en") == "Gains"
    table = pd.DataFrame({"rolle": ["Adm", "Pol", t("group.total", "en")], "n": [1, 2, 3]})
    assert labels.localised_groups(table, survey, ["rolle"], "en")["rolle"].tolist() == ["Admin", "Politicians",
                                                                                          t("group.total", "en")]
    assert labels.localised_groups(table, survey, ["rolle"], "nb") is table
    colours = labels.localised_colours({"rolle": {"Adm": "#111", "Pol": "#222"}}, survey, "en")
    assert colours["rolle"]["Politicians"] == colours["rolle"]["Pol"] == "#222"
    # through the worker's wire, as an upload travels
    again, _ = survey_wire.decode(survey_wire.encode(survey, []))
    assert again.items["q1"].categories_en == item.categories_en
    assert again.breakdowns["rolle"].values_en == survey.breakdowns["rolle"].values_en


def test_a_section_of_another_survey_takes_its_english_name(tmp_path):
    frames = tiny_frames()
    frames["codebook"] = frames["codebook"].assign(section=lambda f: f["section"].replace("erfaringer", "trivsel"))
    frames = with_english(frames, section_en={"q1": "Well-being", "q3": "Well-being"})
    survey, _ = validate_workbook(write_workbook(tmp_path / "sections.xlsx", frames))
    assert labels.section_title("trivsel", "en", survey) == "Well-being"
    assert labels.section_title("trivsel", "nb", survey) == "Trivsel"
    assert labels.section_title("erfaringer", "en", survey) == t("ui.page.erfaringer.title", "en")


def test_an_english_scale_of_the_wrong_length_is_refused(tmp_path):
    frames = with_english(tiny_frames(), scale_en={"rolle": "Admin | Politicians | Third"})
    survey, problems = validate_workbook(write_workbook(tmp_path / "bad.xlsx", frames))
    wrong = [p for p in problems if p.code == "scale_en_length"]
    assert survey is None and len(wrong) == 1 and wrong[0].column == "scale_en"
    assert (wrong[0].params["count"], wrong[0].params["expected"], wrong[0].row) == (3, 2, 4)  # the rolle row (header is row 1)


def test_tables_show_english_answers_and_groups(bundled):
    from analysis.aggregate import distribution_table

    table = distribution_table(bundled, ["rolle"], ["gevinst_fagomrader"])
    frame = tables.distribution_frame(table, ["rolle"], bundled, "en", 5)
    role_column, answer_column = labels.breakdown_label(bundled, "rolle", "en"), t("ui.col.answer", "en")
    assert set(frame[role_column]) == set(bundled.breakdowns["rolle"].values_en)
    assert set(bundled.items["gevinst_fagomrader"].categories_en) <= set(frame[answer_column])


def test_the_template_has_every_english_column():
    codebook = template_sheets()["codebook"]
    for column in ("question_en", "label_en", "section_en", "subsection_en", "measure_label_en", "scale_en"):
        assert column in codebook.columns and codebook[column].notna().any(), column
