"""The charts of a page for a view — figure, table, notes — without Streamlit.

A `Chart` is everything one chart says: the question (its title), the figure, the table
behind it, the base (n) of each group, the denominator and the data's provenance. The pages
render Charts; presentation mode draws the same Chart large; the exports (PNG, SVG, XLSX,
CSV, PPTX) and the `deck` command write the same Chart to files. So whatever filter and
suppression the screen shows, every export shows too: they are one object.

The numbers come from a `Numbers` source: `dashboard.data` on a page (cached per session) or
`report.numbers.SurveyNumbers` outside Streamlit — both return the same protected rows.
A page's charts are planned first (`section_plan`: which charts, in which order, cheap) and
drawn on demand (`build`), so presentation mode draws only the chart on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Protocol

import pandas as pd
import plotly.graph_objects as go

from analysis.aggregate import BLANK
from analysis.codebook import Item, Survey
from analysis.formatting import format_number, format_pct
from report.strings import t
from analysis.protect import suppression_note
from analysis.safe_text import markdown
from report import figures, tables, theme
from report.figures import SCREEN, Style
from report.view import DISTRIBUTION, View, unit_and_group
from report.workshop_figures import matrix_figure, ranking_frame
from report import labels

ITEM, TOP, ALL, RESPONDENTS, ROUNDS, WORKSHOP = "item", "top", "all", "respondents", "rounds", "workshop"
NUMERIC = "numeric"  # a numeric item: mean, median, 95 % interval per group
GROUP_COLUMN = "_gruppe"  # the groups of one round as one label, so a chart has groups down and rounds across


class Numbers(Protocol):
    """Where a chart's protected rows come from (`dashboard.data` or `SurveyNumbers`)."""

    def threshold(self, survey: Survey) -> int: ...
    def headline(self, view: View, items: Sequence[str]) -> pd.DataFrame: ...
    def distribution(self, view: View, items: Sequence[str]) -> pd.DataFrame: ...
    def options(self, view: View, question: str, by: Sequence[str]) -> pd.DataFrame: ...
    def top_options_per_unit(self, view: View, question: str) -> pd.DataFrame: ...
    def respondents(self, view: View) -> pd.DataFrame: ...
    def numeric(self, view: View, items: Sequence[str]) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Chart:
    """One chart as every output shows it.

    `frame` is the table under the chart (protected numbers, headers in the view's language);
    `footer` the one line a slide carries (n per group, denominator, provenance); `notes` what a
    spreadsheet states above the table (measure and selection, bases, suppression, provenance).
    The figure is drawn on first use, and again in another `Style` by `drawn`.
    """

    key: str  # unique on its page: widget keys and file names
    title: str  # the question's wording
    subtitle: str  # measure · denominator · selection
    frame: pd.DataFrame
    footer: str
    notes: tuple[str, ...]
    draw: Callable[[Style], go.Figure] = field(repr=False, compare=False)
    style: Style = SCREEN
    subsection: str = ""
    wide: bool = False  # spans the page's width on screen
    summary: str = ""  # the chart's numbers in one line: its text alternative (`chart_summary`)
    hidden_why: tuple[str, ...] = ()  # why a group is hidden, one plain sentence per kind (`notice.why.*`)

    @cached_property
    def figure(self) -> go.Figure:
        return self.draw(self.style)

    def drawn(self, style: Style) -> go.Figure:
        """The same chart, same numbers, drawn for a room or a slide."""
        return self.figure if style == self.style else self.draw(style)


@dataclass(frozen=True)
class Matrix:
    """What a workshop matrix says besides its ranking table (a WORKSHOP slot's texts)."""

    title: str
    subtitle: str
    language: str
    split: str
    sectors: tuple[str, ...] = ()  # only these areas are highlighted
    provenance: str = ""


@dataclass(frozen=True)
class Slot:
    """A chart of a page before it is drawn: what it shows and where it stands. Every chart —
    a section's, Utforsk's, Oversikt's, Utvikling's, the workshop's — is a Slot drawn by `build`."""

    key: str
    kind: str  # ITEM, TOP (top options per unit), ALL (every option), RESPONDENTS, NUMERIC, ROUNDS, WORKSHOP
    subsection: str = ""
    item: str = ""  # ITEM / ROUNDS: the item's id
    batch: tuple[str, ...] = ()  # ITEM: the items counted in one pass with it (its subsection's)
    question: str = ""  # TOP / ALL: the multi-select question
    title_width: int = 0  # ITEM: characters per title line on screen (0: the display's own)
    round_column: str = ""  # ROUNDS: the survey's round breakdown
    matrix: Matrix | None = None  # WORKSHOP: the matrix's texts


# ---------------------------------------------------------------------------- chart texts


def selection_text(view: View) -> str:
    """"Utvalg: Grong, Lierne · Folkevalgte" for the active filters ("" when everyone is in)."""
    parts = [", ".join(values) for _, values in view.query().selection]
    return t("ui.chart.selection", view.language, selection=labels.joined(parts)) if parts else ""


def scope_line(survey: Survey, view: View, what: str) -> str:
    """For an element that counts the whole survey while a selection is active, the one line that
    says so ("Testene gjelder alle 93 svar — utvalget gjelder figurene"); "" without a selection.
    `what` names the element: `tests`, `weighting`, `tiles` or `data` (a `ui.scope.*` key)."""
    parts = [", ".join(values) for _, values in view.query().selection]
    if not parts:
        return ""
    return t(f"ui.scope.{what}", view.language, n=format_number(len(survey.responses), view.language),
             selection=labels.joined(parts))


def subtitle(view: View, *parts: str) -> str:
    """A chart's second line: what is measured, then the selection, joined by " · "."""
    return labels.joined((*parts, selection_text(view)))


def denominator_text(view: View) -> str:
    return t("ui.chart.denominator", view.language, denominator=t(f"denominator.{view.denominator}", view.language))


def provenance_note(survey: Survey, language: str) -> str:
    """Where the numbers come from, in one line: the survey, and that the answers are
    reconstructed when they are."""
    parts = [t("ui.export.source", language, title=survey.meta_text("title", language) or survey.source)]
    if survey.reconstructed:
        parts.append(t("ui.banner.reconstructed_title", language))
    return " ".join(parts)


def cover_lines(survey: Survey, view: View, today: date | None = None) -> list[str]:
    """What a deck's first slide says about its charts: the survey, the selection, the display
    and denominator, the date and where the data come from."""
    language = view.language
    return [survey.meta_text("title", language), selection_text(view) or t("ui.export.everyone", language),
            f"{t(f'ui.display.{view.display}', language)} · {denominator_text(view)}",
            t("ui.export.made", language, date=(today or date.today()).isoformat()), provenance_note(survey, language)]


def howto_text(survey: Survey, language: str, min_n: int) -> str:
    """Oversikt's "how to read the charts" (Markdown) in the survey's own words: its first scale
    item's headline measure and answers (the file's text escaped), the threshold in force."""
    scaled = survey.ordered_items(kinds=("likert",)) or survey.ordered_items(kinds=("likert", "yes_no"))
    if not scaled:
        return t("ui.overview.howto", language, k=min_n, measure="", low="", high="", middle="")
    item = scaled[0]
    names = answer_labels(item, language)

    def quoted(answers: Sequence[str]) -> str:
        words = [t("ui.overview.howto_answer", language, answer=markdown(names.get(a, a))) for a in answers]
        return t("ui.overview.howto_or", language).join([", ".join(words[:-1]), words[-1]] if len(words) > 2 else words)

    low, middle, high = figures.scale_sides(item)
    return t("ui.overview.howto", language, k=min_n, measure=markdown(labels.measure_label(item, language)),
             low=quoted(low), high=quoted(high),
             middle=t("ui.overview.howto_middle", language, middle=markdown(names.get(middle, middle))) if middle else "")


def answer_labels(item: Item, language: str) -> dict[str, str]:
    return {category: labels.answer_label(category, language, item) for category in (*item.categories, BLANK)}


def _colours(survey: Survey, language: str) -> dict[str, dict[str, str]]:
    """The breakdown colours, each value also known by its name in `language`."""
    return labels.localised_colours(theme.breakdown_colours(survey), survey, language)


def bases_text(rows: pd.DataFrame, by: Sequence[str], language: str, min_n: int, count: str = "n") -> str:
    """"n: Administrasjon 55 · Folkevalgte 38" from protected rows (one per group counts); a
    hidden group says so, without a number."""
    total = t("group.total", language)
    seen: dict[str, str] = {}
    for row in rows.to_dict("records"):
        label = labels.group_label(row, by, total)
        if label in seen:
            continue
        value = row.get(count)
        if bool(row.get("suppressed", False)) or value is None or pd.isna(value):
            status = row.get("suppression")
            seen[label] = f"{label}: {suppression_note(status if isinstance(status, str) else 'primary', min_n, language)}"
        else:
            seen[label] = f"{label} {format_number(value, language)}"
    return t("ui.export.bases", language, groups=labels.joined(seen.values())) if seen else ""


def suppression_notes(rows: pd.DataFrame, min_n: int, language: str) -> list[str]:
    """The long explanation of each kind of hiding the rows use (none when nothing is hidden)."""
    if "suppression" not in rows or not bool(rows.get("suppressed", pd.Series(dtype=bool)).any()):
        return []
    kinds = [kind for kind in dict.fromkeys(rows.loc[rows["suppressed"].astype(bool), "suppression"]) if isinstance(kind, str)]
    return [suppression_note(kind, min_n, language, long=True) for kind in kinds or ["primary"]]


def chart_summary(rows: pd.DataFrame, by: Sequence[str], language: str, survey: Survey | None = None) -> str:
    """The chart's numbers in one line, from the protected rows it draws — "Tallene i figuren:
    Administrasjon 40,0 %, Folkevalgte 33,3 %" — a hidden group as hidden, never a number. Options
    and answer distributions are listed per option / group ("Grong: Legetjeneste 70,0 %, …")."""
    total = t("group.total", language)

    def value(row: dict, column: str, percent: bool) -> str:
        if bool(row.get("suppressed", False)) or row.get(column) is None or pd.isna(row.get(column)):
            return t("notice.hidden", language)
        number = row[column] * (100 if column == "share" else 1)
        return format_pct(number, language) if percent else format_number(number, language)

    records = rows.to_dict("records")
    if not records:
        return ""
    if "category" in rows:  # a distribution: each group's answers in the order of the scale
        parts = []
        for group in dict.fromkeys(labels.group_label(row, by, total) for row in records):
            members = [row for row in records if labels.group_label(row, by, total) == group]
            if any(bool(row.get("suppressed", False)) for row in members):
                parts.append(t("notice.summary_hidden", language, group=group))
                continue
            answers = [f"{labels.answer_label(row['category'], language, survey.items.get(row.get('item_id')) if survey else None)} "
                       f"{value(row, 'share', True)}"
                       for row in members if not bool(row.get("is_blank", False))]
            parts.append(f"{group}: {', '.join(answers)}")
        return t("notice.summary", language, values="; ".join(parts))
    if "option" in rows:  # options per group (or per unit, its top five)
        parts = []
        for group in dict.fromkeys(labels.group_label(row, by, total) for row in records):
            members = [row for row in records if labels.group_label(row, by, total) == group]
            if any(bool(row.get("suppressed", False)) for row in members) and len(members) == 1:
                parts.append(t("notice.summary_hidden", language, group=group))
                continue
            options = [f"{row['option']} {value(row, 'pct', True)}" for row in members]
            parts.append(f"{group}: {', '.join(options)}" if by else ", ".join(options))
        return t("notice.summary", language, values="; ".join(parts))
    if "mean" in rows:  # a numeric item: each group's mean
        column, percent = "mean", False
    else:
        column, percent = ("respondents", False) if "respondents" in rows and "pct" not in rows else ("pct", True)
    parts = [f"{labels.group_label(row, by, total)} {value(row, column, percent)}" for row in records]
    return t("notice.summary", language, values=", ".join(parts))


def hidden_sentences(rows: pd.DataFrame, language: str) -> tuple[str, ...]:
    """One plain sentence per kind of hiding the rows use: why a group's slot says "skjult"."""
    if "suppression" not in rows or not bool(rows.get("suppressed", pd.Series(dtype=bool)).astype(bool).any()):
        return ()
    kinds = [kind for kind in dict.fromkeys(rows.loc[rows["suppressed"].astype(bool), "suppression"]) if isinstance(kind, str)]
    return tuple(t(f"notice.why.{kind}", language) for kind in kinds or ["primary"])


def _chart(survey: Survey, view: View, *, key: str, title: str, subtitle_text: str, frame: pd.DataFrame,
           rows: pd.DataFrame, by: Sequence[str], min_n: int, draw: Callable[[Style], go.Figure], style: Style,
           base_note: str = "", count: str = "n", subsection: str = "", wide: bool = False,
           drawn_rows: pd.DataFrame | None = None, drawn_by: Sequence[str] | None = None) -> Chart:
    """A Chart with the footer and notes every survey chart carries."""
    language = view.language
    bases = bases_text(rows, by, language, min_n, count)
    provenance = provenance_note(survey, language)
    footer = labels.joined((bases, base_note, provenance))
    notes = (subtitle_text, bases, *suppression_notes(rows, min_n, language),
             t("ui.export.threshold", language, k=min_n), provenance)
    drawn_rows = rows if drawn_rows is None else drawn_rows
    drawn_by = by if drawn_by is None else drawn_by
    return Chart(key=key, title=title, subtitle=subtitle_text, frame=frame, footer=footer,
                 notes=tuple(note for note in notes if note), draw=draw, style=style, subsection=subsection, wide=wide,
                 summary=chart_summary(drawn_rows, drawn_by, language, survey), hidden_why=hidden_sentences(drawn_rows, language))


def _width(style: Style, screen: int) -> int:
    """Characters per title line: the style's when every chart spans the width, else the page's."""
    return style.title_width or screen


# ------------------------------------------------------------------------------ the charts


def _item_chart(survey: Survey, view: View, item: Item, table: pd.DataFrame, *, min_n: int, style: Style = SCREEN,
               title_width: int | None = None, subsection: str = "") -> Chart:
    """One likert / yes-no item in the view's display (headline shares or the whole answer
    distribution). `table` holds the protected rows of the display for this item and maybe
    more (one counting pass per subsection)."""
    language, title = view.language, item.title(view.language)
    rows = labels.localised_groups(table[table["item_id"] == item.id], survey, view.by, language)
    if view.display == DISTRIBUTION:
        text = subtitle(view, t("ui.chart.distribution_of", language), denominator_text(view))
        screen = title_width or figures.TITLE_WIDTH * 2
        names = answer_labels(item, language)

        def draw(style: Style) -> go.Figure:
            return figures.styled(figures.distribution_figure(
                rows, item, by=view.by, title=title, subtitle=text, language=language, min_n=min_n,
                answer_labels=names, title_width=_width(style, screen)), style)

        frame = tables.distribution_frame(rows, view.by, survey, language, min_n)
    else:
        share = t("ui.chart.share_of", language, measure=labels.measure_label(item, language))
        text = subtitle(view, share, denominator_text(view))
        screen = title_width or figures.TITLE_WIDTH
        colours = _colours(survey, language)

        def draw(style: Style) -> go.Figure:
            return figures.styled(figures.headline_figure(
                rows, by=view.by, colours=colours, title=title, subtitle=text, language=language, min_n=min_n,
                title_width=_width(style, screen)), style)

        frame = tables.headline_frame(rows, view.by, survey, language, min_n)
    return _chart(survey, view, key=f"{item.id}-{view.display}", title=title, subtitle_text=text, frame=frame,
                  rows=rows, by=view.by, min_n=min_n, draw=draw, style=style, base_note=denominator_text(view),
                  subsection=subsection, wide=view.display == DISTRIBUTION)


def _numeric_chart(survey: Survey, view: View, item: Item, table: pd.DataFrame, *, min_n: int, style: Style = SCREEN,
                   title_width: int | None = None, subsection: str = "") -> Chart:
    """A numeric item (age, hours, income): per group its mean with the 95 % interval, the
    median, and n; the table adds the SD. `table` holds protected `numbers.numeric_rows` (this
    item's and maybe more). Either display shows the same chart: a number has no headline share."""
    language, title = view.language, item.title(view.language)
    rows = table[table["item_id"] == item.id]
    text = subtitle(view, t("ui.numeric.subtitle", language))
    screen = title_width or figures.TITLE_WIDTH
    colours = theme.breakdown_colours(survey)

    def draw(style: Style) -> go.Figure:
        return figures.styled(figures.numeric_figure(
            rows, by=view.by, colours=colours, title=title, subtitle=text, language=language, min_n=min_n,
            title_width=_width(style, screen)), style)

    return _chart(survey, view, key=f"{item.id}-numeric", title=title, subtitle_text=text,
                  frame=tables.numeric_frame(rows, view.by, survey, language, min_n), rows=rows, by=view.by,
                  min_n=min_n, draw=draw, style=style, subsection=subsection)


def _top_options_chart(survey: Survey, view: View, options: Sequence[Item], top: pd.DataFrame, *, min_n: int,
                      style: Style = SCREEN, subsection: str = "") -> Chart:
    """A multi-select question as the report shows it: the most chosen options per unit
    (municipality, or "mine vs the rest"). `top` holds `top_options_per_unit` rows."""
    language = view.language
    title = options[0].text("question", language)
    unit_name = labels.breakdown_label(survey, view.unit, language).lower()
    text = subtitle(view, t("ui.chart.top_per_unit", language, n=5, unit=unit_name), t("ui.chart.options_base", language))
    colours = _colours(survey, language)
    top = labels.localised_groups(top, survey, (view.unit,), language)

    def draw(style: Style) -> go.Figure:
        return figures.styled(figures.top_options_figure(
            top, unit=view.unit, colours=colours, title=title, subtitle=text, language=language, min_n=min_n,
            columns=min(2, max(1, top[view.unit].nunique())), title_width=_width(style, figures.WIDE_TITLE)), style)

    return _chart(survey, view, key=f"{options[0].id}-top", title=title, subtitle_text=text,
                  frame=tables.options_frame(top, (view.unit,), survey, language, min_n), rows=top, by=(view.unit,),
                  min_n=min_n, draw=draw, style=style, base_note=t("ui.chart.options_base", language),
                  subsection=subsection, wide=True)


def _all_options_chart(survey: Survey, view: View, options: Sequence[Item], overall: pd.DataFrame, by: Sequence[str],
                      *, min_n: int, style: Style = SCREEN, subsection: str = "") -> Chart:
    """Every option of a multi-select question over the whole selection, a bar per group of
    `by` (the view's breakdown without the unit)."""
    language = view.language
    title = options[0].text("question", language)
    text = subtitle(view, t("ui.chart.all_options", language), t("ui.chart.options_base", language))
    colours = _colours(survey, language)
    overall = labels.localised_groups(overall, survey, by, language)

    def draw(style: Style) -> go.Figure:
        return figures.styled(figures.options_figure(
            overall, by=by, colours=colours, title=title, subtitle=text, language=language, min_n=min_n,
            title_width=_width(style, figures.WIDE_TITLE)), style)

    return _chart(survey, view, key=f"{options[0].id}-all", title=title, subtitle_text=text,
                  frame=tables.options_frame(overall, by, survey, language, min_n), rows=overall, by=by, min_n=min_n,
                  draw=draw, style=style, base_note=t("ui.chart.options_base", language), subsection=subsection,
                  wide=True)


def _respondents_chart(survey: Survey, view: View, numbers: Numbers, style: Style = SCREEN) -> Chart:
    """Who answered: respondents per unit × group (municipality × role) under the survey's
    suppression; the table adds invited and response rate, with totals."""
    language, min_n = view.language, numbers.threshold(survey)
    by = unit_and_group(survey)
    cells_and_totals = numbers.respondents(view)
    cells = cells_and_totals[cells_and_totals["cell"]]
    names = [labels.breakdown_label(survey, column, language).lower() for column in by]
    title = t("ui.overview.respondents_title", language, groups=" × ".join(names))
    text = subtitle(view, t("ui.overview.respondents_subtitle", language, k=min_n))
    colours = _colours(survey, language)
    cells = labels.localised_groups(cells, survey, by, language)

    def draw(style: Style) -> go.Figure:
        return figures.styled(figures.respondents_figure(cells, by=by, colours=colours, title=title, subtitle=text,
                                                         language=language, min_n=min_n), style)

    # The base is everyone in the selection: the grand total, or the cells when a filter drops it.
    overall = cells_and_totals[(cells_and_totals[list(by)] == t("group.total", language)).all(axis=1)]
    base, base_by = (overall, ()) if len(overall) else (cells, by)
    return _chart(survey, view, key="respondenter", title=title, subtitle_text=text,
                  frame=tables.respondents_frame(cells_and_totals, by, survey, language, min_n),
                  rows=base, by=base_by, min_n=min_n, draw=draw, style=style, count="respondents", wide=True,
                  drawn_rows=cells, drawn_by=by)


def _rounds_chart(survey: Survey, view: View, item: Item, table: pd.DataFrame, column: str, *, min_n: int,
                  style: Style = SCREEN) -> Chart:
    """The share of `item` per round (bars side by side, 95 % whiskers) in each group (down the
    axis). `table`: protected rows grouped by (*groups, column), groups the view's `by`."""
    language = view.language
    groups = tuple(b for b in view.by if b != column)
    rows = table[table["item_id"] == item.id]
    rows = rows.assign(**{GROUP_COLUMN: labels.group_labels(rows, groups, language)})
    share = t("ui.chart.share_of", language, measure=labels.measure_label(item, language))
    text = subtitle(view, share, denominator_text(view))
    colours = theme.breakdown_colours(survey)
    title = item.title(language)

    def draw(style: Style) -> go.Figure:
        return figures.styled(figures.headline_figure(
            rows, by=(GROUP_COLUMN, column), colours=colours, title=title, subtitle=text, language=language,
            min_n=min_n, title_width=_width(style, figures.WIDE_TITLE)), style)

    return _chart(survey, view, key=f"{item.id}-runder", title=title, subtitle_text=text,
                  frame=tables.headline_frame(rows, (*groups, column), survey, language, min_n), rows=rows,
                  by=(GROUP_COLUMN, column), min_n=min_n, draw=draw, style=style,
                  base_note=denominator_text(view), wide=True)


def _workshop_chart(table: pd.DataFrame, *, key: str, title: str, subtitle_text: str, language: str, split: str,
                    sectors: Sequence[str] | None = None, provenance: str = "", style: Style = SCREEN) -> Chart:
    """The workshop's potential × feasibility matrix (a ranking table from
    `workshop.model`), with the ranked list as its table. `sectors` only hides areas."""
    def draw(style: Style) -> go.Figure:
        return figures.styled(matrix_figure(table, split=split, title=title, subtitle=subtitle_text, language=language,
                                            highlight=list(sectors) if sectors else None,
                                            title_width=_width(style, figures.TITLE_WIDTH)), style)

    shown = table if not sectors else table[table["sector"].isin(list(sectors))]
    scored = int((table["groups"] > 0).sum())
    groups = int(table["groups"].max()) if len(table) else 0
    bases = t("ui.export.workshop_bases", language, groups=groups, areas=scored)
    footer = labels.joined((bases, provenance))
    ranked = ranking_frame(shown, language)
    summary = t("notice.summary", language, values="; ".join(
        f"{rank}. {area} {format_number(score, language, 1)}" for rank, area, score in
        zip(ranked.iloc[:, 0], ranked.iloc[:, 1], ranked.iloc[:, 2]) if not pd.isna(score))) if len(ranked) else ""
    return Chart(key=key, title=title, subtitle=subtitle_text, frame=ranked, footer=footer,
                 notes=tuple(note for note in (subtitle_text, bases, provenance) if note), draw=draw, style=style,
                 wide=True, summary=summary)


# ------------------------------------------------------------------------------ a page's plan


def section_plan(survey: Survey, section: str) -> list[Slot]:
    """The charts of a codebook section in page order: by subsection, its likert / yes-no items
    (codebook order), then each multi-select question as top options per unit and as all options."""
    items = survey.ordered_items(section)
    numeric = survey.numeric_items(section)
    questions = survey.question_groups(section)
    slots: list[Slot] = []
    for subsection in dict.fromkeys(item.subsection for item in [*items, *numeric]):
        scaled = [item for item in items if item.subsection == subsection and item.kind != "multi_select"]
        batch = tuple(item.id for item in scaled)
        slots += [Slot(item.id, ITEM, subsection, item=item.id, batch=batch) for item in scaled]
        counted = tuple(item.id for item in numeric if item.subsection == subsection)
        slots += [Slot(f"{item_id}-numeric", NUMERIC, subsection, item=item_id, batch=counted) for item_id in counted]
        for question, options in questions.items():
            if options[0].subsection == subsection:
                slots += [Slot(f"{options[0].id}-top", TOP, subsection, question=question),
                          Slot(f"{options[0].id}-all", ALL, subsection, question=question)]
    return slots


def item_rows(view: View, numbers: Numbers, items: Sequence[str]) -> pd.DataFrame:
    """The protected rows the view's display draws for `items` (one counting pass for all)."""
    return numbers.distribution(view, items) if view.display == DISTRIBUTION else numbers.headline(view, items)


def build(slot: Slot, survey: Survey | None, view: View | None, numbers: Numbers | None = None,
          style: Style = SCREEN, *, rows: pd.DataFrame | None = None) -> Chart:
    """Draw one planned chart for the view: the one way every page, presentation mode, the deck
    and the exports make a chart. The rows come from `numbers`, or — for rows counted by the
    caller (Utvikling's rounds, an ITEM batch already fetched, a workshop's ranking) — `rows`.
    A WORKSHOP slot needs no survey, view or numbers: its rows and `slot.matrix` say it all."""
    if slot.kind == WORKSHOP:
        matrix = slot.matrix
        return _workshop_chart(rows, key=slot.key, title=matrix.title, subtitle_text=matrix.subtitle,
                               language=matrix.language, split=matrix.split, sectors=matrix.sectors or None,
                               provenance=matrix.provenance, style=style)
    min_n = numbers.threshold(survey)
    if slot.kind == ITEM:
        table = rows if rows is not None else item_rows(view, numbers, slot.batch or (slot.item,))
        return _item_chart(survey, view, survey.items[slot.item], table, min_n=min_n, style=style,
                           title_width=slot.title_width or None, subsection=slot.subsection)
    if slot.kind == NUMERIC:
        table = rows if rows is not None else numbers.numeric(view, slot.batch or (slot.item,))
        return _numeric_chart(survey, view, survey.items[slot.item], table, min_n=min_n, style=style,
                              title_width=slot.title_width or None, subsection=slot.subsection)
    if slot.kind == ROUNDS:
        return _rounds_chart(survey, view, survey.items[slot.item], rows, slot.round_column, min_n=min_n, style=style)
    if slot.kind == RESPONDENTS:
        return _respondents_chart(survey, view, numbers, style)
    options = survey.question_groups()[slot.question]
    if slot.kind == TOP:
        return _top_options_chart(survey, view, options, numbers.top_options_per_unit(view, slot.question), min_n=min_n,
                                 style=style, subsection=slot.subsection)
    by = tuple(b for b in view.breakdown if b != view.unit)
    return _all_options_chart(survey, view, options, numbers.options(view, slot.question, by), by, min_n=min_n,
                             style=style, subsection=slot.subsection)


def respondents_slot() -> Slot:
    """Oversikt's chart of who answered."""
    return Slot("respondenter", RESPONDENTS)


def section_charts(survey: Survey, view: View, section: str, numbers: Numbers, style: Style = SCREEN) -> list[Chart]:
    """Every chart of a codebook section for the view, in page order."""
    return [build(slot, survey, view, numbers, style) for slot in section_plan(survey, section)]
