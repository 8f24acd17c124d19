"""Figure builders and chart tables: pure functions, checked on the tiny hand-made survey.

Tiny survey, item q1 (top-2 = "I stor grad" + "I svært stor grad"), by role:
Adm: R1 stor, R2 svært stor, R5 noen, R6 svært stor, R7 liten      → k = 3, n = 5
Pol: R3 stor, R4 vet ikke, R8 svært liten, R9 vet ikke, R10 blank  → k = 1, n = 4 (report)
"""

from __future__ import annotations

import re

import pytest

from analysis.aggregate import distribution_table, headline_table, multi_select_table, top_options
from analysis.formatting import NBSP
from analysis.protect import protect_distribution, protect_headline, suppression_note
from exports.tables import screen_csv
from report import figures, tables, theme

PCT = re.compile(rf"\d+,\d{NBSP}%")  # "60,0 %": decimal comma, no-break space before %


def share_traces(figure):
    return [trace for trace in figure.data if trace.type == "bar"]


def label_traces(figure):
    return [trace for trace in figure.data if trace.type == "scatter"]


@pytest.fixture
def role_table(tiny):
    return protect_headline(headline_table(tiny, ("rolle",), ["q1"]), 1, ("rolle",))


def draw(table, by, tiny, language="nb", min_n=1):
    return figures.headline_figure(table, by=by, colours=theme.breakdown_colours(tiny), title="Gir samarbeidet gevinster?",
                                   subtitle="Andel", language=language, min_n=min_n)


def test_headline_bars_carry_share_whisker_and_n(role_table, tiny):
    figure = draw(role_table, ("rolle",), tiny)
    (bars,) = share_traces(figure)
    assert list(bars.y) == ["Adm", "Pol"]
    assert list(bars.x) == [60.0, 25.0]
    low = role_table["ci_low"].astype(float).to_numpy() * 100
    high = role_table["ci_high"].astype(float).to_numpy() * 100
    assert list(bars.error_x.array) == pytest.approx(list(high - [60.0, 25.0]))
    assert list(bars.error_x.arrayminus) == pytest.approx(list([60.0, 25.0] - low))
    labels = label_traces(figure)[0]
    assert list(labels.x) == pytest.approx(list(high))  # labels start where the whisker ends
    assert [PCT.search(text).group() for text in labels.text] == [f"60,0{NBSP}%", f"25,0{NBSP}%"]
    assert all("n = " in text for text in labels.text)
    assert "n = 5" in labels.text[0] and "n = 4" in labels.text[1]
    assert figure.layout.separators == ", "


def test_english_number_format(role_table, tiny):
    figure = draw(role_table, ("rolle",), tiny, language="en")
    assert "<b>60.0%</b>" in label_traces(figure)[0].text[0]
    assert figure.layout.separators == ".,"


def test_title_and_subtitle_are_in_the_figure(role_table, tiny):
    figure = draw(role_table, ("rolle",), tiny)
    assert "Gir samarbeidet gevinster?" in figure.layout.title.text
    assert "Andel" in figure.layout.title.text


def test_long_title_is_wrapped():
    assert figures.wrap("ord " * 40, 30).count("<br>") >= 4


def test_hidden_group_shows_the_note_not_a_bar(tiny):
    table = protect_headline(headline_table(tiny, ("rolle",), ["q1"]), 5, ("rolle",))
    assert table["suppressed"].any()
    figure = draw(table, ("rolle",), tiny, min_n=5)
    hidden = table[table["suppressed"]]["rolle"].tolist()
    assert not set(hidden) & set(share_traces(figure)[0].y)
    notes = [text for text in label_traces(figure)[0].text if "<i>" in text]
    assert len(notes) == len(hidden)
    # The slot says "skjult" beside a square in the group's own colour; never a number.
    colours = theme.breakdown_colours(tiny)["rolle"]
    assert all("skjult" in note and f"color:{colours[group]}" in note and not any(c.isdigit() for c in note.split("</span>")[-1])
               for group, note in zip(hidden, notes))
    assert not any(PCT.search(note) for note in notes)


def test_two_breakdowns_give_one_bar_per_role_within_each_municipality(tiny):
    by = ("kommune", "rolle")
    table = protect_headline(headline_table(tiny, by, ["q1"]), 1, by)
    figure = draw(table, by, tiny)
    bars = share_traces(figure)
    assert [trace.name for trace in bars] == ["Adm", "Pol"]
    assert figure.layout.scattermode == "group" and figure.layout.barmode == "group"
    assert all(trace.orientation == "h" and trace.offsetgroup == bar.offsetgroup
               for trace, bar in zip(label_traces(figure), bars))
    colours = theme.breakdown_colours(tiny)["rolle"]
    assert [set(trace.marker.color) for trace in bars] == [{colours["Adm"]}, {colours["Pol"]}]
    assert figure.layout.showlegend


def test_total_is_one_bar_in_the_total_colour(tiny):
    table = protect_headline(headline_table(tiny, (), ["q1"]), 1, ())
    (bars,) = share_traces(draw(table, (), tiny))
    assert list(bars.y) == ["Alle"] and list(bars.marker.color) == [theme.TOTAL_COLOUR]


def test_colours_follow_the_codebook_and_never_repeat(tiny, bundled):
    for survey in (tiny, bundled):
        colours = theme.breakdown_colours(survey)
        assert list(colours) == theme.breakdown_order(survey)
        used = [c for values in colours.values() for c in values.values()]
        assert len(used) == len(set(used))
        assert list(colours["rolle"]) == list(survey.breakdowns["rolle"].values)
    assert theme.breakdown_colours(bundled)["rolle"] == {"Administrasjon": theme.CATEGORICAL[0], "Folkevalgte": theme.CATEGORICAL[1]}


def test_roles_and_municipalities_have_separate_palettes(bundled):
    colours = theme.breakdown_colours(bundled)
    assert set(colours["rolle"].values()) <= set(theme.ROLE_PALETTE)
    assert set(colours["kommune"].values()) <= set(theme.UNIT_PALETTE)
    assert not set(theme.ROLE_PALETTE) & set(theme.UNIT_PALETTE)


def test_count_axis_has_whole_ticks_only():
    for most in (1, 2, 3, 7, 55):
        axis = figures.count_axis(most, "nb")
        assert all(isinstance(v, int) for v in axis["tickvals"]) and len(set(axis["tickvals"])) == len(axis["tickvals"])
        assert axis["tickvals"][-1] >= most


def test_distribution_diverges_around_the_middle_answer(tiny):
    item = tiny.items["q1"]
    table = protect_distribution(distribution_table(tiny, ("rolle",), ["q1"]), 1, ("rolle",))
    figure = figures.distribution_figure(table, item, by=("rolle",), title="q1", subtitle="", language="nb", min_n=1,
                                         answer_labels={c: c for c in item.categories})
    main = [trace for trace in figure.data if trace.type == "bar" and trace.xaxis in (None, "x")]
    apart = [trace for trace in figure.data if trace.type == "bar" and trace.xaxis == "x2"]
    by_name: dict[str, list] = {}
    for trace in main:
        by_name.setdefault(trace.name, []).append(list(trace.x))
    # Adm: liten 1/5, noen 1/5, stor 1/5, svært stor 2/5 (of 5 answers)
    assert by_name["I liten grad"] == [[pytest.approx(-20.0), pytest.approx(0.0)]]
    assert by_name["I svært liten grad"][0][1] == pytest.approx(-25.0)  # Pol: 1 of 4 answers
    left, right = by_name["I noen grad"]
    assert left[0] == pytest.approx(-10.0) and right[0] == pytest.approx(10.0)  # the middle split over zero
    assert by_name["I svært stor grad"][0][0] == pytest.approx(40.0)
    assert "Vet ikke" not in by_name and "Ubesvart" not in by_name
    assert {trace.name for trace in apart} == {"Vet ikke", "Ubesvart"}
    counts = {trace.name: list(trace.x) for trace in apart}
    assert counts == {"Vet ikke": [0, 2], "Ubesvart": [0, 1]}


def test_distribution_hides_a_suppressed_group(tiny):
    item = tiny.items["q1"]
    table = protect_distribution(distribution_table(tiny, ("rolle",), ["q1"]), 5, ("rolle",))
    hidden = set(table[table["suppressed"]]["rolle"])
    assert hidden
    figure = figures.distribution_figure(table, item, by=("rolle",), title="q1", subtitle="", language="nb", min_n=5)
    plotted = {label.split("<br>")[0] for trace in figure.data if trace.type == "bar" for label in trace.y}
    assert not plotted & hidden
    assert any("<i>" in text for trace in figure.data if trace.type == "scatter" for text in trace.text)


def test_scale_sides():
    from analysis.codebook import Item

    item = Item("x", "likert", "Q", "L", "s", "", "top2", "stor", ("a", "b", "c", "d", "e", "DK"), "DK", 1)
    assert figures.scale_sides(item) == (["a", "b"], "c", ["d", "e"])
    even = Item("y", "yes_no", "Q", "L", "s", "", "yes", "ja", ("Nei", "Ja", "DK"), "DK", 1)
    assert figures.scale_sides(even) == (["Nei"], None, ["Ja"])


def test_top_options_per_municipality(tiny):
    table = protect_headline(multi_select_table(tiny, "Hvilke områder?", ("kommune",)), 1, ("kommune",))
    top = top_options(table, ("kommune",), 1)
    figure = figures.top_options_figure(top, unit="kommune", colours=theme.breakdown_colours(tiny), title="Hvilke områder?",
                                        subtitle="", language="nb", min_n=1)
    bars = share_traces(figure)
    assert len(bars) == 2 and all(len(trace.y) == 1 for trace in bars)
    assert [a.text.split("</b>")[0] for a in figure.layout.annotations] == ["<b>Aby", "<b>Bby"]
    assert list(bars[0].x) == [float(top[top["kommune"] == "Aby"]["pct"].iloc[0])]


def test_headline_table_for_download(role_table, tiny):
    frame = tables.headline_frame(role_table, ("rolle",), tiny, "nb", 1)
    assert list(frame["Rolle"]) == ["Adm", "Pol"]
    assert list(frame["Andel (%)"]) == [60.0, 25.0]
    assert list(frame["n"]) == [5, 4]
    shown = tables.shown(frame, "nb")
    assert list(shown["Andel (%)"]) == ["60,0", "25,0"]
    csv = screen_csv(frame, "nb").decode("utf-8-sig").splitlines()
    assert csv[0].startswith("Spørsmål;Rolle;Mål;Nevner;n;")
    assert ";60,0;" in csv[1]
    english = screen_csv(tables.headline_frame(role_table, ("rolle",), tiny, "en", 1), "en").decode("utf-8-sig")
    assert english.splitlines()[0].startswith("Question,Rolle,Measure,")  # the tiny codebook has no English label
    assert ",60.0," in english.splitlines()[1]


def test_crosstab_has_groups_as_rows_with_shares_and_base(tiny):
    table = protect_distribution(distribution_table(tiny, ("rolle",), ["q1"]), 1, ("rolle",))
    frame = tables.crosstab_frame(table, ("rolle",), "nb", 1)
    assert list(frame["Gruppe"]) == ["Adm", "Pol"]  # groups down
    assert list(frame.columns)[-2:] == ["Vet ikke (%)", "Ubesvart: antall"]  # answers across, blanks as a count
    pol = frame[frame["Gruppe"] == "Pol"].iloc[0]
    rows = table[table["rolle"] == "Pol"].set_index("category")
    assert pol["n"] == rows["n"].iloc[0]
    assert pol["Ubesvart: antall"] == rows.loc[rows["is_blank"], "count"].iloc[0]
    shares = [pol[column] for column in frame.columns if column.endswith("(%)")]
    assert sum(shares) == pytest.approx(100, abs=0.3)  # every answer in the denominator, blanks outside


def test_respondents_figure_hides_small_cells(bundled):
    from analysis.overview import respondents_table

    table = respondents_table(bundled, ("kommune", "rolle"), 9)
    cells = table[table["cell"]]
    assert len(cells) == 8 and len(table) == 8 + 4 + 2 + 1  # cells, municipality and role totals, everyone
    figure = figures.respondents_figure(cells, by=("kommune", "rolle"), colours=theme.breakdown_colours(bundled),
                                        title="Respondenter", subtitle="", language="nb", min_n=9)
    shown = sum(len(trace.y) for trace in share_traces(figure))
    assert shown == int((~cells["suppressed"]).sum()) < len(cells)
    assert all(value >= 9 for trace in share_traces(figure) for value in trace.y)
