"""Notes and panels say what is true of the survey shown (issue 16's leftovers): a hidden bar in
grouped bars names its group; the respondents chart marks hidden groups without words that run
into each other; no empty count panel when nobody said "don't know" or skipped; the Oversikt
how-to names the survey's own measure and answers."""

from __future__ import annotations

from analysis.aggregate import distribution_table
from analysis.protect import protect_headline
from analysis.aggregate import headline_table
from report import charts, figures, theme
from report.labels import measure_label


def test_hidden_bar_in_grouped_bars_names_its_group(bundled):
    item = bundled.ordered_items(kinds=("likert",))[0]
    by = tuple(bundled.breakdowns)[:2]
    min_n = 9  # a stricter owner: some municipality × role cells are hidden
    rows = protect_headline(headline_table(bundled, by, [item.id]), min_n, by, bundled)
    hidden = rows[rows["suppressed"]]
    assert len(hidden), "the bundled survey hides some municipality × role cells"
    figure = figures.headline_figure(rows, by=by, colours=theme.breakdown_colours(bundled), title="t", subtitle="",
                                     language="nb", min_n=min_n)
    labels = [text for trace in figure.data if trace.type == "scatter" for text in trace.text if "<i>" in text]
    assert sorted(label.split(":")[0].strip() for label in labels) == sorted(hidden[by[-1]].astype(str))


def test_no_count_panel_without_dont_know_or_blank(bundled):
    item = bundled.ordered_items(kinds=("likert",))[0]
    answers = bundled.responses[item.id]
    answered = bundled.subset(answers.notna() & (answers.astype(str) != str(item.dont_know)))
    table = distribution_table(answered, (), [item.id])
    figure = figures.distribution_figure(table, item, by=(), title="t", subtitle="", language="en", min_n=5,
                                         answer_labels=charts.answer_labels(item, "en"))
    assert not any(getattr(trace, "xaxis", None) == "x2" for trace in figure.data)
    assert figure.layout.xaxis.domain == (0, 1)

    full = figures.distribution_figure(distribution_table(bundled, (), [item.id]), item, by=(), title="t", subtitle="",
                                       language="en", min_n=5, answer_labels=charts.answer_labels(item, "en"))
    assert all(float(v).is_integer() for v in full.layout.xaxis2.tickvals)  # whole-number ticks


def test_howto_names_the_surveys_own_measure(bundled, tiny):
    for survey in (bundled, tiny):
        item = survey.ordered_items(kinds=("likert",))[0]
        for language in ("nb", "en"):
            text = charts.howto_text(survey, language, 5)
            assert measure_label(item, language).split("/")[0] in text
            assert item.category_text(item.substantive[0], language) in text  # the answers in the reader's language
