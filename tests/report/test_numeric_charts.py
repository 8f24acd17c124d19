"""Numeric items on a page (issue 16): a section of numeric items is a section, its chart shows
per group the mean with its 95 % interval and the median, protected like every other number,
and the table under it holds what an independent pandas computation gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.intake import load_workbook
from report import charts
from report.numbers import SurveyNumbers
from report.view import view_for
from scripts import public_survey


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    return load_workbook(public_survey.write(tmp_path_factory.mktemp("numeric") / "public.xlsx", items=2))


def _charts(survey, breakdown, language="en"):
    view = view_for(survey, language=language, breakdown=breakdown)
    return charts.section_charts(survey, view, "hverdag", SurveyNumbers(survey))


def test_numeric_section_is_a_page_with_a_chart_per_item(survey):
    assert "hverdag" in survey.sections()
    drawn = _charts(survey, ("kjonn",))
    assert [c.key for c in drawn] == ["tv_timer-numeric", "inntekt-numeric"]
    boxes = [trace for trace in drawn[0].figure.data if trace.type == "box"]
    assert len(boxes) == 2  # one per sex, none hidden at this size


def test_means_and_medians_match_pandas(survey):
    chart = _charts(survey, ("kjonn",))[0]
    raw = survey.responses[["kjonn", "tv_timer"]].dropna()
    raw = raw.assign(tv_timer=raw["tv_timer"].astype(float))
    expected = raw.groupby("kjonn")["tv_timer"].agg(["mean", "median", "std", "count"])
    frame = chart.frame.set_index("Sex")
    for sex, row in expected.iterrows():
        assert frame.loc[sex, "Mean"] == pytest.approx(row["mean"])
        assert frame.loc[sex, "Median"] == pytest.approx(row["median"])
        assert frame.loc[sex, "Standard deviation"] == pytest.approx(row["std"])
        assert frame.loc[sex, "n"] == row["count"]
        half = frame.loc[sex, "95% CI high"] - frame.loc[sex, "Mean"]
        from scipy.stats import t as student
        assert half == pytest.approx(student.ppf(0.975, row["count"] - 1) * row["std"] / np.sqrt(row["count"]))


def test_hidden_groups_show_their_note_and_no_number(survey):
    chart = _charts(survey, ("region", "aldersgruppe"))[0]
    hidden = chart.frame[chart.frame["n"].isna()]
    assert len(hidden) < len(chart.frame)
    assert hidden[["Mean", "Median", "95% CI low"]].isna().all().all()
    boxes = [trace for trace in chart.figure.data if trace.type == "box"]
    assert len(boxes) == len(chart.frame) - len(hidden)
    drawn_names = {trace.name for trace in boxes}
    for _, row in hidden.iterrows():
        assert f"{row['Region']} · {row['Age group']}" not in drawn_names
    labels = next(trace for trace in chart.figure.data if trace.type == "scatter" and trace.mode == "text").text
    assert sum("<i>" in label for label in labels) == len(hidden)


def test_bokmal_numbers_use_decimal_comma(survey):
    chart = _charts(survey, (), language="nb")[0]
    label = next(trace for trace in chart.figure.data if trace.type == "scatter" and trace.mode == "text").text[0]
    assert "," in label and "." not in label.replace("</b>", "")


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_value_that_rounds_to_zero_has_no_sign(language):
    from analysis.formatting import format_number

    assert format_number(-0.04, language, 1) in ("0,0", "0.0")
    assert format_number(-0.06, language, 1) in ("\u22120,1", "-0.1")
