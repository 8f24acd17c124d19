"""The PPTX deck (exports/deck.py) read back with python-pptx: 16:9, a cover and one slide per
chart, the question as title, the chart picture, the footer (n, denominator, provenance) and
speaker notes whose numbers are the protected table's; a hidden group never as a number.

Pictures come from a stand-in renderer here (no Chromium); `test_real_pictures` draws them
with kaleido like the page and the command do.
"""

from __future__ import annotations

import io
import re
import struct

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches

from analysis.formatting import format_number
from deck_support import fake_png, line_for, notes
from report import charts, labels
from report.numbers import SurveyNumbers, headline_rows
from report.view import view_for
from exports.deck import build_deck, number_lines


def deck_of(survey, view, section="erfaringer", render=fake_png):
    drawn = charts.section_charts(survey, view, section, SurveyNumbers(survey))
    data = build_deck(drawn, title=labels.section_title(section, view.language), cover=charts.cover_lines(survey, view),
                      language=view.language, render=render)
    return drawn, Presentation(io.BytesIO(data))


def texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


@pytest.fixture
def threshold(monkeypatch):
    def set_threshold(k: int) -> None:
        monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", str(k))
    set_threshold(1)
    return set_threshold


def test_slides_titles_pictures_and_footer(tiny, threshold):
    view = view_for(tiny, filters={"kommune": ["Aby", "Bby"]})
    drawn, deck = deck_of(tiny, view)
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    cover, *slides = deck.slides
    assert len(slides) == len(drawn) == 2
    assert cover.shapes.title.text == "Erfaringer"
    assert "Utvalg: Aby, Bby" in texts(cover)[1] and "Liten testundersøkelse" in texts(cover)[1]
    for chart, slide in zip(drawn, slides):
        assert slide.shapes.title.text == chart.title  # the question's wording
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1 and pictures[0].width <= deck.slide_width
        assert chart.footer in texts(slide)
        assert "Antall svar (n): Adm" in chart.footer and "Nevner: Alle som svarte" in chart.footer
        assert notes(slide).startswith(chart.title)


def test_notes_hold_the_protected_numbers(tiny, threshold):
    view = view_for(tiny)
    _, deck = deck_of(tiny, view)
    rows = headline_rows(tiny, view.query(), ["q1", "q3"])
    for slide, item in zip(list(deck.slides)[1:], ("q1", "q3")):
        for row in rows[rows["item_id"] == item].to_dict("records"):
            line = line_for(slide, row["rolle"])
            assert f"Andel (%) {format_number(row['pct'], 'nb', 1)}" in line
            assert f"n {row['n']};" in line and f"Antall i målet {row['k']};" in line
            assert f"95 % KI nedre (%) {format_number(row['ci_low'] * 100, 'nb', 1)}" in line


def test_hidden_group_never_appears_as_a_number(tiny, threshold):
    threshold(5)  # Pol has 4 answers to q1 (2 took a position): hidden
    view = view_for(tiny)
    drawn, deck = deck_of(tiny, view)
    slide = list(deck.slides)[1]
    table = headline_rows(tiny, view.query(), ["q1"]).set_index("rolle")
    assert table.loc["Pol", "suppressed"]
    # Adm may show only because Pol cannot then be had as total − Adm: the total is hidden too.
    total = headline_rows(tiny, view.query(()), ["q1"])
    assert total["suppressed"].all() or table.loc["Adm", "suppressed"]
    line = line_for(slide, "Pol")
    assert not re.search(r"\d", line), line
    assert "for få svar" in line or "skjult" in line
    footer = drawn[0].footer
    assert not re.search(r"\d", footer.split("Pol")[1].split("·")[0]), footer  # Pol: its name and a note only
    # the hidden counts (Pol: n 4, k 1 → 25,0 %) are nowhere in the slide's text
    everything = "\n".join([*texts(slide), notes(slide)])
    assert not re.search(r"\b(25,0|4 av|1 av)\b", everything)


def test_number_lines_skip_empty_numbers_and_say_the_shared_columns(tiny, threshold):
    chart = charts.section_charts(tiny, view_for(tiny), "erfaringer", SurveyNumbers(tiny))[0]
    lines = number_lines(chart.frame, "nb")
    assert lines[:3] == ["Spørsmål: Gir samarbeidet gevinster?", "Mål: stor/svært stor grad",
                         "Nevner: Alle som svarte (inkl. «vet ikke»)"]
    assert lines[3].startswith("Adm: n 5; Antall i målet 3; Andel (%) 60,0;")


def png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


@pytest.mark.browser  # kaleido drives Chromium
def test_real_pictures(tiny, threshold):
    drawn, deck = deck_of(tiny, view_for(tiny), render=None)
    for chart, slide in zip(drawn, list(deck.slides)[1:]):
        (picture,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        width, height = png_size(picture.image.blob)
        assert width == 1500 * 2 and height > 400  # SLIDE style, drawn at twice the size for sharpness
