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
from analysis.formatting import format_number
from report.strings import t
from analysis.protect import suppression_note
from report import figures, tables, theme
from report.figures import SCREEN, Style
from report.view import DISTRIBUTION, View
from report.workshop_figures import matrix_figure, ranking_frame
from report import labels
from report.labels import GROUP_SEPARATOR

ITEM, TOP, ALL, RESPONDENTS, WORKSHOP = "item", "top", "all", "respondents", "workshop"


class Numbers(Protocol):
    """Where a chart's protected rows come from (`dashboard.data` or `SurveyNumbers`)."""

    def threshold(self, survey: Survey) -> int: ...
    def headline(self, view: View, items: Sequence[str]) -> pd.DataFrame: ...
    def distribution(self, view: View, items: Sequence[str]) -> pd.DataFrame: ...
    def options(self, view: View, question: str, by: Sequence[str]) -> pd.DataFrame: ...
    def top_options_per_unit(self, view: View, question: str) -> pd.DataFrame: ...
    def respondents(self, view: View) -> pd.DataFrame: ...


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

    @cached_property
    def figure(self) -> go.Figure:
        return self.draw(self.style)

    def drawn(self, style: Style) -> go.Figure:
        """The same chart, same numbers, drawn for a room or a slide."""
        return self.figure if style == self.style else self.draw(style)


@dataclass(frozen=True)
class Slot:
    """A chart of a page before it is drawn: what it shows and where it stands."""

    key: str
    kind: str  # ITEM, TOP (top options per unit), ALL (every option), RESPONDENTS
    subsection: str = ""
    item: str = ""  # ITEM: the item's id
    batch: tuple[str, ...] = ()  # ITEM: the items counted in one pass with it (its subsection's)
    question: str = ""  # TOP / ALL: the multi-select question


# ---------------------------------------------------------------------------- chart texts


def selection_text(view: View) -> str:
    """"Utvalg: Grong, Lierne · Folkevalgte" for the active filters ("" when everyone is in)."""
    parts = [", ".join(values) for _, values in view.query().selection]
    return t("ui.chart.selection", view.language, selection=" · ".join(parts)) if parts else ""


def scope_line(survey: Survey, view: View, what: str) -> str:
    """For an element that counts the whole survey while a selection is active, the one line that
    says so ("Testene gjelder alle 93 svar — utvalget gjelder figurene"); "" without a selection.
    `what` names the element: `tests`, `weighting`, `tiles` or `data` (a `ui.scope.*` key)."""
    parts = [", ".join(values) for _, values in view.query().selection]
    if not parts:
        return ""
    return t(f"ui.scope.{what}", view.language, n=format_number(len(survey.responses), view.language),
             selection=GROUP_SEPARATOR.join(parts))


def subtitle(view: View, *parts: str) -> str:
    """A chart's second line: what is measured, then the selection, joined by " · "."""
    return " · ".join(part for part in (*parts, selection_text(view)) if part)


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
    return t("ui.export.bases", language, groups=" · ".join(seen.values())) if seen else ""


def suppression_notes(rows: pd.DataFrame, min_n: int, language: str) -> list[str]:
    """The long explanation of each kind of hiding the rows use (none when nothing is hidden)."""
    if "suppression" not in rows or not bool(rows.get("suppressed", pd.Series(dtype=bool)).any()):
        return []
    kinds = [kind for kind in dict.fromkeys(rows.loc[rows["suppressed"].astype(bool), "suppression"]) if isinstance(kind, str)]
    return [suppression_note(kind, min_n, language, long=True) for kind in kinds or ["primary"]]


def _chart(survey: Survey, view: View, *, key: str, title: str, subtitle_text: str, frame: pd.DataFrame,
           rows: pd.DataFrame, by: Sequence[str], min_n: int, draw: Callable[[Style], go.Figure], style: Style,
           base_note: str = "", count: str = "n", subsection: str = "", wide: bool = False) -> Chart:
    """A Chart with the footer and notes every survey chart carries."""
    language = view.language
    bases = bases_text(rows, by, language, min_n, count)
    provenance = provenance_note(survey, language)
    footer = " · ".join(part for part in (bases, base_note, provenance) if part)
    notes = (subtitle_text, bases, *suppression_notes(rows, min_n, language),
             t("ui.export.threshold", language, k=min_n), provenance)
    return Chart(key=key, title=title, subtitle=subtitle_text, frame=frame, footer=footer,
                 notes=tuple(note for note in notes if note), draw=draw, style=style, subsection=subsection, wide=wide)


def _width(style: Style, screen: int) -> int:
    """Characters per title line: the style's when every chart spans the width, else the page's."""
    return style.title_width or screen


# ------------------------------------------------------------------------------ the charts


def item_chart(survey: Survey, view: View, item: Item, table: pd.DataFrame, *, min_n: int, style: Style = SCREEN,
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


def top_options_chart(survey: Survey, view: View, options: Sequence[Item], top: pd.DataFrame, *, min_n: int,
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


def all_options_chart(survey: Survey, view: View, options: Sequence[Item], overall: pd.DataFrame, by: Sequence[str],
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


def respondents_chart(survey: Survey, view: View, numbers: Numbers, style: Style = SCREEN) -> Chart:
    """Who answered: respondents per unit × group (municipality × role) under the survey's
    suppression; the table adds invited and response rate, with totals."""
    language, min_n = view.language, numbers.threshold(survey)
    by = tuple(survey.breakdowns)[:2]
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
                  rows=base, by=base_by, min_n=min_n, draw=draw, style=style, count="respondents", wide=True)


def workshop_chart(table: pd.DataFrame, *, key: str, title: str, subtitle_text: str, language: str, split: str,
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
    footer = " · ".join(part for part in (bases, provenance) if part)
    return Chart(key=key, title=title, subtitle=subtitle_text, frame=ranking_frame(shown, language), footer=footer,
                 notes=tuple(note for note in (subtitle_text, bases, provenance) if note), draw=draw, style=style,
                 wide=True)


# ------------------------------------------------------------------------------ a page's plan


def section_plan(survey: Survey, section: str) -> list[Slot]:
    """The charts of a codebook section in page order: by subsection, its likert / yes-no items
    (codebook order), then each multi-select question as top options per unit and as all options."""
    items = survey.ordered_items(section)
    questions = survey.question_groups(section)
    slots: list[Slot] = []
    for subsection in dict.fromkeys(item.subsection for item in items):
        scaled = [item for item in items if item.subsection == subsection and item.kind != "multi_select"]
        batch = tuple(item.id for item in scaled)
        slots += [Slot(item.id, ITEM, subsection, item=item.id, batch=batch) for item in scaled]
        for question, options in questions.items():
            if options[0].subsection == subsection:
                slots += [Slot(f"{options[0].id}-top", TOP, subsection, question=question),
                          Slot(f"{options[0].id}-all", ALL, subsection, question=question)]
    return slots


def item_rows(view: View, numbers: Numbers, items: Sequence[str]) -> pd.DataFrame:
    """The protected rows the view's display draws for `items` (one counting pass for all)."""
    return numbers.distribution(view, items) if view.display == DISTRIBUTION else numbers.headline(view, items)


def build(slot: Slot, survey: Survey, view: View, numbers: Numbers, style: Style = SCREEN) -> Chart:
    """Draw one planned chart for the view."""
    min_n = numbers.threshold(survey)
    if slot.kind == ITEM:
        return item_chart(survey, view, survey.items[slot.item], item_rows(view, numbers, slot.batch or (slot.item,)),
                          min_n=min_n, style=style, subsection=slot.subsection)
    if slot.kind == RESPONDENTS:
        return respondents_chart(survey, view, numbers, style)
    options = survey.question_groups()[slot.question]
    if slot.kind == TOP:
        return top_options_chart(survey, view, options, numbers.top_options_per_unit(view, slot.question), min_n=min_n,
                                 style=style, subsection=slot.subsection)
    by = tuple(b for b in view.breakdown if b != view.unit)
    return all_options_chart(survey, view, options, numbers.options(view, slot.question, by), by, min_n=min_n,
                             style=style, subsection=slot.subsection)


def section_charts(survey: Survey, view: View, section: str, numbers: Numbers, style: Style = SCREEN) -> list[Chart]:
    """Every chart of a codebook section for the view, in page order."""
    return [build(slot, survey, view, numbers, style) for slot in section_plan(survey, section)]
