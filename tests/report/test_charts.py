"""Charts as objects (report/charts.py) and their styles: pure, the same numbers as the pages'
protected tables, one plan for pages, presentation mode, exports and the deck command.

Tiny survey (tests/conftest.py), q1 by role, report denominator: Adm k 3 of n 5, Pol k 1 of n 4.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis.formatting import NBSP
from conftest import ROOT
from report import charts, figures
from report.numbers import SurveyNumbers, headline_rows
from report.view import DISTRIBUTION, view_for


@pytest.fixture(autouse=True)
def threshold_one(monkeypatch):
    """The tiny survey's groups are below the default threshold; tests lower the owner's setting."""
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "1")


def test_chart_modules_import_no_streamlit():
    """Exports and the deck command run without Streamlit: importing them must not load it."""
    code = ("import sys, report.charts, report.numbers, report.view, exports.charts, exports.deck, "
            "cli.deck; sys.exit('streamlit' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_plan_follows_the_page_order(tiny):
    plan = charts.section_plan(tiny, "mulighetsrom")
    assert [(slot.kind, slot.key) for slot in plan] == [("item", "q2"), ("top", "o_a-top"), ("all", "o_a-all")]
    erfaringer = charts.section_plan(tiny, "erfaringer")
    assert [slot.subsection for slot in erfaringer] == ["Gevinster", "Utfordringer"]


def test_item_chart_carries_the_protected_numbers(tiny):
    view = view_for(tiny)
    (chart, _) = charts.section_charts(tiny, view, "erfaringer", SurveyNumbers(tiny))
    assert chart.key == "q1-share" and chart.title == "Gir samarbeidet gevinster?"
    rows = headline_rows(tiny, view.query(), ["q1"])
    assert chart.frame["Andel (%)"].tolist() == rows["pct"].tolist() == [60.0, 25.0]
    assert list(chart.figure.data[0].x) == [60.0, 25.0]
    assert chart.footer.startswith("Antall svar (n): Adm 5 · Pol 4 · Nevner: Alle som svarte")
    assert "Kilde: Liten testundersøkelse." in chart.footer
    assert "Andel «stor/svært stor grad»" in chart.notes[0]


def test_filter_is_in_every_text(tiny):
    view = view_for(tiny, filters={"kommune": ["Aby"]})
    for chart in charts.section_charts(tiny, view, "erfaringer", SurveyNumbers(tiny)):
        assert "Utvalg: Aby" in chart.subtitle and "Utvalg: Aby" in chart.figure.layout.title.text
    assert "Utvalg: Aby" in charts.cover_lines(tiny, view)[1]
    assert charts.cover_lines(tiny, view_for(tiny))[1] == "Alle respondenter"


def test_hidden_group_is_named_without_a_number(tiny, monkeypatch):
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "5")  # Pol (n 4, 2 took a position) is hidden
    view = view_for(tiny)
    chart = charts.section_charts(tiny, view, "erfaringer", SurveyNumbers(tiny))[0]
    pol = chart.footer.split("Pol")[1].split("·")[0]
    # Pol has 5 people, so its note is the neutral one: it never says why a group is hidden.
    assert "skjult for å beskytte en liten gruppe" in pol and not any(c.isdigit() for c in pol)
    assert any("Skjult" in note for note in chart.notes)
    assert chart.frame["Andel (%)"].isna().tolist()[1]  # and Adm too, else Pol = total − Adm


def test_distribution_and_respondents(tiny):
    numbers = SurveyNumbers(tiny)
    view = view_for(tiny, display=DISTRIBUTION, breakdown=())
    chart = charts.section_charts(tiny, view, "erfaringer", numbers)[0]
    assert chart.key == "q1-distribution" and chart.wide
    assert "Antall svar (n): Alle 9" in chart.footer
    respondents = charts.build(charts.respondents_slot(), tiny, view_for(tiny), numbers)
    assert respondents.footer.startswith("Antall svar (n): Alle 10")


def test_same_chart_for_every_style(tiny):
    chart = charts.section_charts(tiny, view_for(tiny), "erfaringer", SurveyNumbers(tiny))[0]
    screen, room, slide = chart.figure, chart.drawn(figures.PRESENTATION), chart.drawn(figures.SLIDE)
    assert list(room.data[0].x) == list(slide.data[0].x) == list(screen.data[0].x)
    assert room.layout.font.size == pytest.approx(screen.layout.font.size * figures.PRESENTATION.scale)
    assert figures.PRESENTATION.min_height <= room.layout.height <= figures.PRESENTATION.max_height
    assert "Gir samarbeidet" in room.layout.title.text
    assert "Gir samarbeidet" not in slide.layout.title.text  # the slide's title holds the question
    assert slide.layout.title.text.startswith("<span") and f"60,0{NBSP}%" in slide.data[1].text[0]
    assert chart.drawn(figures.SCREEN) is screen


def test_styled_keeps_a_tall_chart_on_one_screen(tiny):
    numbers = SurveyNumbers(tiny)
    view = view_for(tiny, breakdown=("kommune", "rolle"), display=DISTRIBUTION)
    figure = charts.section_charts(tiny, view, "erfaringer", numbers)[0].drawn(figures.PRESENTATION)
    assert figure.layout.height <= figures.PRESENTATION.max_height
    assert 0 < figure.layout.legend.y < 1


def test_overview_tiles_follow_the_selection_when_the_rows_tell(bundled):
    """Invited and answered of the chosen municipalities, summed from the meta sheet's invited
    per cell and the responses (counted here, not by the code under test)."""
    from report.numbers import selection_summary

    numbers = SurveyNumbers(bundled)
    responses = bundled.responses
    for chosen in (["Røyrvik"], ["Grong", "Lierne"]):
        view = view_for(bundled, filters={"kommune": chosen})
        invited = sum(int(value) for key, value in bundled.meta.items()
                      if key.startswith("invited_") and key.split("_")[1] in chosen)
        answered = int(responses["kommune"].isin(chosen).sum())
        assert selection_summary(bundled, view, numbers.respondents(view)) == {
            "invited": invited, "answered": answered, "response_rate": answered / invited}
    # No selection, or rows that do not tell (a hidden cell): the whole survey's tiles and a scope line.
    assert selection_summary(bundled, view_for(bundled), numbers.respondents(view_for(bundled))) is None
    strict = view_for(bundled, filters={"kommune": ["Røyrvik"], "rolle": ["Folkevalgte"]})
    rows = numbers.respondents(strict).assign(suppressed=True)
    assert selection_summary(bundled, strict, rows) is None
