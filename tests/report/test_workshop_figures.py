"""The workshop matrix and ranked list as pure functions: ranking table in, figure / frame out."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from workshop.model import classify_quadrants, ranking_table
from report.workshop_figures import matrix_figure, ranking_frame, sector_colours

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


# ---------------------------------------------------------------------------------------------
# What a room reads: tied ranks, markers kept apart, names outside the plot, contrast, English
# ---------------------------------------------------------------------------------------------

TIES = pd.DataFrame(  # A and B: the same scores, so the same rank and the same spot
    [("G1", "A", 8, 8), ("G2", "A", 6, 6), ("G1", "B", 8, 8), ("G2", "B", 6, 6), ("G1", "C", 3, 3), ("G2", "C", 4, 4)],
    columns=["group", "area", "potential", "feasibility"],
)


def test_tied_ranks_read_as_ties_and_their_markers_do_not_overlap():
    table = classify_quadrants(ranking_table(TIES, AREAS))
    figure = matrix_figure(table, title="T")
    texts = sorted(text for trace in figure.data if trace.meta != "leader" for text in trace.text)
    assert texts == ["1=", "1=", "3"]
    points = [(x, y) for trace in figure.data if trace.meta != "leader" for x, y in zip(trace.x, trace.y)]
    (ax, ay), (bx, by) = [p for p, trace_text in zip(points, [t for tr in figure.data if tr.meta != "leader"
                                                                 for t in tr.text]) if trace_text == "1="]
    assert (ax, ay) != (bx, by)  # one of the twins moved aside …
    leader = next(trace for trace in figure.data if trace.meta == "leader")
    assert (7.0, 7.0) in list(zip(leader.x, leader.y))  # … with a line back to where both really are


def test_spread_markers_keeps_centres_a_marker_apart_inside_the_plot():
    from report.workshop_figures import spread_markers

    points = [(5.0, 5.0)] * 6 + [(9.9, 9.9)]
    placed = spread_markers(points, (0.5, 10.5), (0.5, 10.5), gap=(0.6, 0.6))
    assert placed[0] == (5.0, 5.0)  # the best rank stays where it is
    for i, (x, y) in enumerate(placed):
        assert 0.8 <= x <= 10.2 and 0.8 <= y <= 10.2
        for u, v in placed[i + 1:]:
            assert ((x - u) / 0.6) ** 2 + ((y - v) / 0.6) ** 2 >= 1 - 1e-9


def test_quadrant_names_stand_outside_the_plot(table):
    figure = matrix_figure(table, title="T")
    corners = [a for a in figure.layout.annotations if "potensial" in a.text]
    assert len(corners) == 4
    for note in corners:
        above = note.y == 1 and note.yanchor == "bottom" and note.yshift > 0
        below = note.y == 0 and note.yanchor == "top" and note.yshift < 0
        assert above or below, note.text
    assert figure.layout.margin.b > 50 and figure.layout.margin.t > 50


def test_rank_text_contrasts_with_its_marker():
    from report.workshop_figures import label_colour

    assert label_colour("#0072B2") == "#FFFFFF" and label_colour("#E69F00") == "#000000"
    assert label_colour("#009E73") == "#000000"  # white would be 3.4:1


def test_english_names_and_sectors():
    areas = AREAS.assign(area_en=["Aa", "", "Cc", ""], sector_en=["Health", "Technical", "Health", "Technical"])
    table = classify_quadrants(ranking_table(SCORES, areas))
    figure = matrix_figure(table, title="T", language="en")
    assert [trace.name for trace in figure.data] == ["Health", "Technical"]
    assert "<b>Cc</b>" in figure.data[0].hovertext[0]
    frame = ranking_frame(table, "en")
    assert frame["Area"].tolist() == ["Cc", "Aa", "B", "D"]  # B has no English name: bokmål


def test_a_room_sized_matrix_fits_the_height_asked_for(table):
    figure = matrix_figure(table, title="T", scale=1.45, height=860)
    assert figure.layout.height == pytest.approx(860, abs=1)
    assert figure.layout.font.size == pytest.approx(13 * 1.45)


def test_the_join_sheet_has_a_page_per_group_with_a_readable_qr_code():
    from PIL import Image

    from exports.join_sheet import A4, JoinCard, join_sheet_pdf, qr, qr_data_uri, qr_image
    from qr_reading import pdf_page_images, qr_texts

    cards = [JoinCard(f"Gruppe {i}", f"ABCD{i}EFG", f"http://x/verksted?kode=ABCD{i}EFG") for i in range(2, 5)]
    pdf = join_sheet_pdf("Regionrådet", cards, "x/verksted", "nb")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 3
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+595\.\d*\s+841\.\d*", pdf)  # A4 in points
    pages = pdf_page_images(pdf)  # each page scans to its own group's link
    assert [qr_texts(page) for page in pages] == [[card.link] for card in cards]
    assert [page.size for page in pages] == [A4] * 3
    code = qr(cards[0].link)
    assert code.error in ("M", "Q", "H") and not code.is_micro  # at least M (segno raises it when it fits)
    image = qr_image(cards[0].link, 1500)
    assert isinstance(image, Image.Image) and 1200 <= image.width <= 1500 <= A4[0]
    assert qr_texts(image) == [cards[0].link]
    assert qr_data_uri(cards[0].link).startswith("data:image/svg+xml")
