"""The workshop matrix and ranked list as pure functions: ranking table in, figure / frame out."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.workshop import classify_quadrants, ranking_table
from dashboard.workshop_figures import matrix_figure, ranking_frame, sector_colours

SCORES = pd.DataFrame(
    [("G1", "A", 8, 9), ("G2", "A", 6, 5), ("G1", "B", 5, 5), ("G2", "B", 7, 7), ("G1", "C", 9, 9)],
    columns=["group", "area", "potential", "feasibility"],
)
AREAS = pd.DataFrame({"area": ["A", "B", "C", "D"], "sector": ["Helse", "Teknisk", "Helse", "Teknisk"],
                      "order": [1, 2, 3, 4]})


@pytest.fixture
def table():
    return classify_quadrants(ranking_table(SCORES, AREAS))


def test_matrix_points_colours_and_lines(table):
    figure = matrix_figure(table, title="T", subtitle="S")
    assert [trace.name for trace in figure.data] == ["Helse", "Teknisk"]  # listed order, not rank
    helse = figure.data[0]
    assert list(helse.customdata) == ["C", "A"] and list(helse.text) == ["1", "2"]
    assert list(helse.x) == [9, 7] and list(helse.y) == [9, 7]  # mean feasibility across, potential up
    assert sum(len(trace.x) for trace in figure.data) == 3  # D has no scores: not drawn
    x, y = table.attrs["split"]
    assert [shape.x0 for shape in figure.layout.shapes][0] == pytest.approx(x)
    assert [shape.y0 for shape in figure.layout.shapes][1] == pytest.approx(y)
    corners = [a.text.replace("<br>", " ") for a in figure.layout.annotations]
    assert "Lett å gjennomføre og høyt potensial" in corners and len(corners) == 4
    assert "gruppene: 30–72" in helse.hovertext[1] and "Rang 2 · 2 grupper" in helse.hovertext[1]
    assert figure.layout.separators == ", "


def test_colours_do_not_move_when_the_ranking_changes(table):
    first = {trace.name: trace.marker.color for trace in matrix_figure(table, title="T").data}
    reversed_scores = SCORES.assign(potential=11 - SCORES["potential"])
    other = classify_quadrants(ranking_table(reversed_scores, AREAS))
    second = {trace.name: trace.marker.color for trace in matrix_figure(other, title="T").data}
    assert first == second == sector_colours(["Helse", "Teknisk"])


def test_highlight_hides_areas_but_not_lines(table):
    full = matrix_figure(table, title="T")
    some = matrix_figure(table, title="T", highlight=["Teknisk"])
    assert [trace.name for trace in some.data] == ["Teknisk"]
    assert full.layout.shapes == some.layout.shapes


def test_absolute_split_shows_the_whole_scale(table):
    figure = matrix_figure(classify_quadrants(ranking_table(SCORES, AREAS), split="scale"), split="scale", title="T")
    assert list(figure.layout.xaxis.range) == [0.5, 10.5] and figure.layout.shapes[0].x0 == 5.5


def test_empty_session_says_so():
    empty = ranking_table(SCORES.iloc[0:0], AREAS)
    figure = matrix_figure(empty, title="T", language="en")
    assert not figure.data and "No scores yet" in [a.text for a in figure.layout.annotations]


def test_ranking_frame(table):
    frame = ranking_frame(table, "en")
    assert list(frame.columns[:3]) == ["Rank", "Area", "Overall score (mean)"]
    assert frame["Area"].tolist() == ["C", "A", "B", "D"]
    assert frame["Groups"].tolist() == [1, 2, 2, 0] and pd.isna(frame["Rank"].iloc[3])
    assert frame["Quadrant"].iloc[3] == ""


def test_matrix_exports_as_png(table):
    from exports.images import figure_image

    data = figure_image(matrix_figure(table, title="T"), "png", width=800, height=600)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
