"""`python -m analysis deck`: one deck per municipality from the shell, with the dashboard's
charts and numbers; clear errors for unknown names."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from pptx import Presentation

from cli.main import main
from conftest import ROOT
from report import charts
from report.numbers import SurveyNumbers
from report.view import view_for
from deck_support import fake_png, line_for


@pytest.fixture
def quick_pictures(monkeypatch):
    """Stand-in pictures: these tests are about the deck's content, not Chromium."""
    monkeypatch.setattr("exports.deck.render_png", fake_png)


def read(path) -> Presentation:
    return Presentation(io.BytesIO(path.read_bytes()))


def test_deck_for_one_municipality(tmp_path, bundled, quick_pictures, capsys):
    out = tmp_path / "grong.pptx"
    assert main(["deck", "--municipality", "grong", "--section", "erfaringer", "--out", str(out)]) == 0
    deck = read(out)
    view = view_for(bundled, filters={"kommune": ["Grong"]})
    expected = charts.section_charts(bundled, view, "erfaringer", SurveyNumbers(bundled))
    assert capsys.readouterr().out.strip() == f"{out}: {len(expected) + 1} lysbilder"
    cover, *slides = deck.slides
    assert cover.shapes.title.text == "Erfaringer" and "Utvalg: Grong" in cover.placeholders[1].text_frame.text
    assert [slide.shapes.title.text for slide in slides] == [chart.title for chart in expected]
    first = expected[0].frame
    administration = first[first["Rolle"] == "Administrasjon"].iloc[0]
    assert f"Andel (%) {administration['Andel (%)']:.1f}".replace(".", ",") in line_for(slides[0], "Administrasjon")


def test_default_is_every_section_in_english(tmp_path, bundled, quick_pictures):
    out = tmp_path / "all.pptx"
    assert main(["deck", "--language", "en", "--display", "distribution", "--denominator", "substantive",
                 "--out", str(out)]) == 0
    deck = read(out)
    count = sum(len(charts.section_plan(bundled, section)) for section in bundled.sections())
    assert len(deck.slides) == count + 1
    cover = deck.slides[0].placeholders[1].text_frame.text
    assert "All respondents" in cover and "Full answer distribution" in cover and "took a position" in cover


def test_overview_section(tmp_path, quick_pictures):
    out = tmp_path / "oversikt.pptx"
    assert main(["--language", "en", "deck", "--section", "oversikt", "--out", str(out)]) == 0
    assert read(out).slides[1].shapes.title.text == "Respondents by municipality × role"


@pytest.mark.parametrize("args, message", [
    (["--municipality", "Oslo"], "ukjent kommune «Oslo»; tilgjengelige: Grong, Lierne, Namsskogan, Røyrvik"),
    (["--section", "prioriteringer"], "ukjent del «prioriteringer»; tilgjengelige: oversikt, erfaringer, mulighetsrom"),
])
def test_unknown_names_are_clear_errors(tmp_path, capsys, args, message):
    assert main(["deck", *args, "--out", str(tmp_path / "x.pptx")]) == 1
    assert capsys.readouterr().err.strip() == message
    assert not (tmp_path / "x.pptx").exists()


@pytest.mark.browser  # the real command draws its pictures with kaleido and Chromium
def test_command_end_to_end(tmp_path):
    out = tmp_path / "royrvik.pptx"
    result = subprocess.run([sys.executable, "-m", "analysis", "deck", "--municipality", "Røyrvik", "--section",
                             "mulighetsrom", "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    deck = read(out)
    assert len(deck.slides) == 1 + 7
    assert all(len([s for s in slide.shapes if s.shape_type == 13]) == 1 for slide in list(deck.slides)[1:])  # a picture


def test_filters_by_any_breakdown_repeatable(tmp_path, bundled, quick_pictures, capsys):
    out = tmp_path / "filtered.pptx"
    assert main(["deck", "--filter", "rolle=folkevalgte", "--filter", "kommune=Grong", "--filter", "kommune=Lierne",
                 "--section", "erfaringer", "--out", str(out)]) == 0
    view = view_for(bundled, filters={"rolle": ["Folkevalgte"], "kommune": ["Grong", "Lierne"]})
    expected = charts.section_charts(bundled, view, "erfaringer", SurveyNumbers(bundled))
    cover, *slides = read(out).slides
    assert [slide.shapes.title.text for slide in slides] == [chart.title for chart in expected]
    cover_text = cover.placeholders[1].text_frame.text
    assert "Folkevalgte" in cover_text and "Grong" in cover_text and "Lierne" in cover_text
    assert main(["deck", "--filter", "rolle=Ordfører", "--out", str(out)]) != 0
    assert "Ordfører" in capsys.readouterr().err
