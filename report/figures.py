"""Figure builders: protected tables in, `plotly.graph_objects.Figure` out. No Streamlit.

Every function takes tables that have already been through `analysis.protect` and only draws
them: a hidden group is drawn as the core's note ("for få svar til å vises"), never as a bar.
Numbers are formatted by `analysis.formatting` and Plotly's `separators`, so a chart reads
"12,5 %" in bokmål and "12.5%" in English. Pages, presentation mode and exports call the same
functions.

Text from a survey file — questions, group values, answer labels, option names — is data:
Plotly reads a subset of HTML in titles, tick labels, legends, annotations and hover text
(`<a href>`, `<span style>`, entities), so every such string goes through
`analysis.safe_text.plotly` here before it meets the markup these functions add themselves.

Each figure is assembled as plain trace and layout dicts and validated once by `go.Figure`:
building it step by step (`add_bar`, `update_layout`, `make_subplots`) costs several times
as much, and a page draws a dozen charts on every rerun.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from analysis.codebook import Item
from analysis.formatting import format_number, format_pct, plotly_separators
from report.strings import t
from analysis.protect import suppression_note
from analysis.safe_text import plotly as as_text
from report import theme
from report.labels import group_label

Colours = Mapping[str, Mapping[str, str]]  # {breakdown: {value: colour}}, see theme.breakdown_colours

BAR_HEIGHT = 30  # px per bar in a horizontal bar chart
LABEL_MIN_SHARE = 0.09  # segments narrower than this carry no text label in a stacked bar
AXIS_ROOM = 125  # percent axis runs at most to here; with LABEL_MARGIN, room for the labels right of the whiskers
LABEL_ROOM = 30  # percentage points right of the highest whisker for its label
LABEL_MARGIN = 64  # px right of the plot for those labels
TITLE_WIDTH = 50  # characters per title line for a chart half the page wide; wide charts pass more
WIDE_TITLE = 105  # … for a chart the full width of the page


# ---------------------------------------------------------------------------- shared pieces


def wrap(text: str, width: int = TITLE_WIDTH) -> str:
    """Break a long question into lines for a chart title (Plotly does not wrap by itself); the
    text is shown as text (the lines are escaped after wrapping, so no entity is cut)."""
    return "<br>".join(as_text(line) for line in textwrap.wrap(str(text), width)) or as_text(text)


def chart_title(title: str, subtitle: str = "", width: int = TITLE_WIDTH) -> dict:
    """Title in bold with a smaller grey subtitle (measure, denominator, selection) below it."""
    text = f"<b>{wrap(title, width)}</b>"
    if subtitle:
        text += f"<br><span style='font-size:12.5px;color:{theme.MUTED_TEXT}'>{wrap(subtitle, int(width * 1.25))}</span>"
    # Plotly anchors a multi-line title by its first line; this pad keeps that line inside the figure.
    return {"text": text, "x": 0, "xanchor": "left", "xref": "container", "y": 1, "yanchor": "top",
            "yref": "container", "pad": {"t": 22, "l": 6},
            "font": {"size": 15.5, "family": theme.FONT_FAMILY}}  # the app's font, also where a theme sets another


def title_height(title: dict) -> int:
    """Pixels the title block needs above the plot (lines × line height + padding)."""
    return 22 + 20 * (title["text"].count("<br>") + 1)


def legend_rows(labels: Sequence[str], title_width: int) -> int:
    """How many rows a horizontal legend needs, estimated from the labels and the chart's width
    (a title line of `title_width` characters spans about the plot's width)."""
    width = title_width * 8.5
    return max(1, math.ceil(sum(7 * len(label) + 45 for label in labels) / width))


def base_layout(language: str, title: dict, plot_height: int, legend: int = 0, bottom: int = 40, **extra) -> dict:
    """Fonts, separators, margins and background shared by every chart; the legend, if any, in
    `legend` rows between the title and the plot. The figure is as tall as its content needs."""
    top = title_height(title) + (8 + 21 * legend if legend else 8)
    height = top + plot_height + bottom
    return {
        "title": title,
        "height": height,
        "separators": plotly_separators(language),
        "font": {"family": theme.FONT_FAMILY, "size": 13, "color": theme.TEXT_COLOUR},
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "margin": {"l": 10, "r": 16, "t": top, "b": bottom},
        "hoverlabel": {"font": {"family": theme.FONT_FAMILY, "size": 13}, "bgcolor": "#FFFFFF"},
        "showlegend": bool(legend),
        # In container coordinates, so a wide legend is not squeezed into the plot area's width.
        "legend": {"orientation": "h", "xref": "container", "yref": "container", "x": 0.005, "xanchor": "left",
                   "y": 1 - (title_height(title) + 2) / height, "yanchor": "top", "traceorder": "normal",
                   "font": {"size": 12.5}},
        "bargap": 0.28,
        "bargroupgap": 0.06,
        **extra,
    }


def percent_axis(language: str, upper: float = 100, **extra) -> dict:
    """A 0–100 % axis (ticks only up to 100 even when the range runs further for labels)."""
    ticks = [0, 20, 40, 60, 80, 100]
    return {"range": [0, upper], "tickvals": ticks, "ticktext": [format_pct(v, language, 0) for v in ticks],
            "gridcolor": theme.GRID_COLOUR, "zeroline": True, "zerolinecolor": "#B8BEC4", "fixedrange": True, **extra}


def category_axis(categories: Sequence[str], **extra) -> dict:
    """A y-axis listing categories top to bottom in the given order."""
    return {"categoryorder": "array", "categoryarray": list(categories), "autorange": "reversed",
            "automargin": True, "ticks": "", "fixedrange": True, **extra}


def hidden_note(row: Mapping, min_n: int, language: str) -> str:
    """The core's words for a hidden group, in italics (hover text; the slot itself shows `hidden_mark`)."""
    status = row.get("suppression")
    return f"<i>{suppression_note(status if isinstance(status, str) else 'primary', min_n, language)}</i>"


def hidden_mark(language: str, colour: str | None = None) -> str:
    """What a hidden group's own slot shows: a square in the group's colour (when it has one) and
    "skjult" in the text colour (a coloured word would fail contrast for light colours). The
    same for every kind of hiding: the sentence under the chart says why (`notice.why.*`)."""
    swatch = f"<span style='color:{colour}'>■</span> " if colour else ""
    return f"{swatch}<i>{t('notice.hidden', language)}</i>"


def value_colour(colours: Colours, breakdown: str | None, value: str) -> str:
    """A breakdown value's colour; the rest of the region in grey; everyone in the total colour."""
    if breakdown is None:
        return theme.TOTAL_COLOUR
    return colours.get(breakdown, {}).get(value, theme.REST_COLOUR)


def _missing(value) -> bool:
    return value is None or pd.isna(value)


# ------------------------------------------------------------------- headline share bars


@dataclass(frozen=True)
class Bar:
    """One bar of a share chart (values in percent), or a hidden group's placeholder."""

    category: str
    series: str
    colour: str
    pct: float | None
    low: float | None
    high: float | None
    n: int | None
    k: int | None
    note: str = ""  # set for a hidden group: what to show instead of the bar

    @property
    def hidden(self) -> bool:
        return self.pct is None


def bars_from_table(table: pd.DataFrame, category: str | None, series: str | None, colour_by: str | None,
                    colours: Colours, language: str, min_n: int) -> list[Bar]:
    """Turn protected headline rows into bars: `category` names the y-axis column (None: one
    "all" bar), `series` the column that splits a category into bars side by side (None: one
    bar per category), `colour_by` the breakdown whose value picks the colour (None: the
    total colour)."""
    total_label = t("group.total", language)
    bars = []
    for row in table.to_dict("records"):
        cat = as_text(row[category]) if category else total_label
        hidden = bool(row.get("suppressed", False)) or _missing(row["pct"])
        bars.append(Bar(
            category=cat,
            series=as_text(row[series]) if series else cat,
            colour=value_colour(colours, colour_by, str(row[colour_by]) if colour_by else ""),
            pct=None if hidden else float(row["pct"]),
            low=None if hidden or _missing(row["ci_low"]) else float(row["ci_low"]) * 100,
            high=None if hidden or _missing(row["ci_high"]) else float(row["ci_high"]) * 100,
            n=None if hidden else int(row["n"]),
            k=None if hidden else int(row["k"]),
            note=hidden_mark(language, value_colour(colours, colour_by, str(row[colour_by]) if colour_by else "")) if hidden else "",
        ))
    return bars


def share_bars(bars: Sequence[Bar], *, title: str, subtitle: str, language: str,
               legend: bool | None = None, title_width: int = TITLE_WIDTH) -> go.Figure:
    """Horizontal bars of shares with a Wilson 95 % whisker; right of each whisker the value
    in bold and the base ("n = 55"). Categories run top to bottom in the order given; within a
    category one bar per series, side by side, coloured per bar. A hidden bar shows its note."""
    series_order = list(dict.fromkeys(bar.series for bar in bars))
    categories = list(dict.fromkeys(bar.category for bar in bars))
    grouped = len(series_order) > 1 and len(categories) < len(bars)
    show_legend = grouped if legend is None else legend
    traces = []
    for name in (series_order if grouped else [""]):  # ungrouped: one trace, a colour per bar
        members = [bar for bar in bars if bar.series == name or not grouped]
        shown = [bar for bar in members if not bar.hidden]
        group = name or "all"
        name = name or (series_order[0] if len(series_order) == 1 else "")
        traces.append({
            "type": "bar", "orientation": "h", "name": name, "legendgroup": name, "showlegend": show_legend,
            "offsetgroup": group,
            "y": [bar.category for bar in shown],
            "x": [bar.pct for bar in shown],
            "marker": {"color": [bar.colour for bar in shown], "line": {"width": 0}},
            "error_x": {"type": "data", "symmetric": False, "color": theme.WHISKER_COLOUR, "thickness": 1.3, "width": 5,
                        "array": [0 if bar.high is None else bar.high - bar.pct for bar in shown],
                        "arrayminus": [0 if bar.low is None else bar.pct - bar.low for bar in shown]},
            "hovertext": [_bar_hover(bar, grouped, language) for bar in shown],
            "hovertemplate": "%{hovertext}<extra></extra>",
        })
        traces.append({
            "type": "scatter", "mode": "text",
            "orientation": "h",  # with scattermode "group" each label sits on its own bar
            "name": name, "legendgroup": name, "showlegend": False, "offsetgroup": group,
            "y": [bar.category for bar in members],
            "x": [_label_position(bar) for bar in members],
            "text": [_bar_label(bar, language, grouped) for bar in members],
            "textposition": "middle right", "textfont": {"size": 12.5, "color": theme.TEXT_COLOUR},
            "hoverinfo": "skip", "cliponaxis": False,
        })
    heading = chart_title(title, subtitle, title_width)
    plot_height = BAR_HEIGHT * len(bars) + 14 * len(categories) + 20
    rows = legend_rows(series_order, title_width) if show_legend else 0
    # The axis runs as far as the labels right of the highest whisker need, not always to AXIS_ROOM.
    reach = max((_label_position(bar) for bar in bars if not bar.hidden), default=0)
    upper = min(AXIS_ROOM, max(104, reach + LABEL_ROOM))
    layout = base_layout(language, heading, plot_height, legend=rows, barmode="group", scattermode="group",
                         xaxis=percent_axis(language, upper), yaxis=category_axis(categories, ticklabelstandoff=6))
    layout["margin"]["r"] = LABEL_MARGIN
    return go.Figure(data=traces, layout=layout)


def _label_position(bar: Bar) -> float:
    if bar.hidden:
        return 0.0
    return bar.high if bar.high is not None else bar.pct


def _bar_label(bar: Bar, language: str, grouped: bool = False) -> str:
    """The value and base right of a bar; a hidden bar's note, naming its group when a category
    holds several (the notes of one category would otherwise not say whose they are)."""
    if bar.hidden:
        return f" {bar.series}: {bar.note}" if grouped else bar.note
    return f" <b>{format_pct(bar.pct, language)}</b>   n = {format_number(bar.n, language)}"


def _bar_hover(bar: Bar, grouped: bool, language: str) -> str:
    name = f"{bar.category} · {bar.series}" if grouped else bar.category
    lines = [f"<b>{name}</b>", t("ui.hover.share", language, pct=format_pct(bar.pct, language),
                                  k=format_number(bar.k, language), n=format_number(bar.n, language))]
    if bar.low is not None and bar.high is not None:
        lines.append(t("ui.hover.interval", language, low=format_pct(bar.low, language),
                       high=format_pct(bar.high, language)))
    return "<br>".join(lines)


def split_by(by: Sequence[str]) -> tuple[str | None, str | None]:
    """(category column, series column) for a table grouped by `by`: the first breakdown on the
    axis, the last as bars side by side within it (municipality × role: role colours per
    municipality)."""
    if not by:
        return None, None
    return by[0], (by[-1] if len(by) > 1 else None)


def headline_figure(table: pd.DataFrame, *, by: Sequence[str], colours: Colours, title: str, subtitle: str,
                    language: str, min_n: int, title_width: int = TITLE_WIDTH) -> go.Figure:
    """One item's headline share per group (its protected `headline_table` rows)."""
    category, series = split_by(by)
    bars = bars_from_table(table, category, series, series or category, colours, language, min_n)
    return share_bars(bars, title=title, subtitle=subtitle, language=language, title_width=title_width)


def options_figure(table: pd.DataFrame, *, by: Sequence[str], colours: Colours, title: str, subtitle: str,
                   language: str, min_n: int, title_width: int = WIDE_TITLE) -> go.Figure:
    """Every option of a multi-select question, most chosen first, a bar per group and option
    (protected `multi_select_table` rows)."""
    total = t("group.total", language)
    labelled = table.assign(_group=[group_label(row, by, total) for row in table.to_dict("records")])
    order = labelled.groupby("option", sort=False)["share"].mean().sort_values(ascending=False, kind="stable").index
    labelled = labelled.set_index("option", drop=False).loc[list(order)].reset_index(drop=True)
    bars = bars_from_table(labelled, "option", "_group", by[-1] if by else None, colours, language, min_n)
    return share_bars(bars, title=title, subtitle=subtitle, language=language, legend=bool(by), title_width=title_width)



# ------------------------------------------------------------------- numeric items


def numeric_decimals(values: Sequence[float]) -> int:
    """Decimals for a numeric item's numbers: one for small values (hours), none for large (income)."""
    finite = [abs(float(v)) for v in values if not _missing(v)]
    return 1 if not finite or max(finite) < 1000 else 0


def numeric_figure(table: pd.DataFrame, *, by: Sequence[str], colours: Colours, title: str, subtitle: str,
                   language: str, min_n: int, title_width: int = TITLE_WIDTH) -> go.Figure:
    """A numeric item (protected `analysis.numeric.numeric_table` rows): per group a box from
    the 95 % interval's lower to upper bound with the mean as its centre line, the median as a
    diamond, and right of it the mean and n. A hidden group shows its note, never a number."""
    total = t("group.total", language)
    records = table.to_dict("records")
    names = [as_text(group_label(row, by, total)) for row in records]
    colour_by = by[-1] if by else None
    decimals = numeric_decimals([*table["ci_low"], *table["ci_high"], *table["median"]])
    shown = [(name, row) for name, row in zip(names, records) if not bool(row.get("suppressed"))]
    values = [v for _, row in shown for v in (row["ci_low"], row["ci_high"], row["median"], row["mean"]) if not _missing(v)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    span = (high - low) or abs(high) or 1.0
    left, right = low - 0.08 * span, high + 0.45 * span  # room right of the boxes for the labels
    number = lambda v: format_number(v, language, decimals)  # noqa: E731
    traces = [{
        "type": "box", "orientation": "h", "name": name, "y": [name], "showlegend": False,
        "q1": [row["ci_low"] if not _missing(row["ci_low"]) else row["mean"]],
        "median": [row["mean"]],
        "q3": [row["ci_high"] if not _missing(row["ci_high"]) else row["mean"]],
        "lowerfence": [row["ci_low"] if not _missing(row["ci_low"]) else row["mean"]],
        "upperfence": [row["ci_high"] if not _missing(row["ci_high"]) else row["mean"]],
        "fillcolor": value_colour(colours, colour_by, str(row[colour_by]) if colour_by else ""),
        "line": {"color": theme.WHISKER_COLOUR, "width": 1.3}, "width": 0.6,
        "hoverinfo": "skip",
    } for name, row in shown]
    traces.append({
        "type": "scatter", "mode": "markers", "name": t("ui.numeric.median", language), "showlegend": False,
        "y": [name for name, _ in shown], "x": [row["median"] for _, row in shown],
        "marker": {"symbol": "diamond-open", "size": 10, "color": theme.TEXT_COLOUR, "line": {"width": 1.6}},
        "hovertext": [t("ui.numeric.hover", language, mean=number(row["mean"]), low=number(row["ci_low"]),
                        high=number(row["ci_high"]), median=number(row["median"]), sd=number(row["sd"]),
                        n=format_number(row["n"], language)) for _, row in shown],
        "hovertemplate": "%{hovertext}<extra></extra>",
    })
    traces.append({
        "type": "scatter", "mode": "text", "showlegend": False, "hoverinfo": "skip", "cliponaxis": False,
        "y": names,
        "x": [left if bool(row.get("suppressed")) else max(v for v in (row["ci_high"], row["median"], row["mean"])
                                                           if not _missing(v)) for row in records],
        "text": [hidden_note(row, min_n, language) if bool(row.get("suppressed")) else
                 t("ui.numeric.label", language, mean=number(row["mean"]), n=format_number(row["n"], language))
                 for row in records],
        "textposition": "middle right", "textfont": {"size": 12.5, "color": theme.TEXT_COLOUR},
    })
    heading = chart_title(title, subtitle, title_width)
    layout = base_layout(language, heading, BAR_HEIGHT * len(names) + 30,
                         xaxis={"range": [left, right], "gridcolor": theme.GRID_COLOUR, "zeroline": False,
                                "fixedrange": True, "tickformat": f",.{decimals}f"},
                         yaxis=category_axis(names, ticklabelstandoff=6))
    return go.Figure(data=traces, layout=layout)

# -------------------------------------------------------------- top options per municipality


def top_options_figure(table: pd.DataFrame, *, unit: str, colours: Colours, title: str, subtitle: str,
                       language: str, min_n: int, columns: int = 2, title_width: int = WIDE_TITLE) -> go.Figure:
    """Small multiples: the most chosen options in each unit (municipality), as the report shows them.

    `table` holds protected `top_options` rows per unit; a hidden unit has one placeholder row
    (`suppressed` true) and shows its note.
    """
    units = list(dict.fromkeys(table[unit]))
    rows = max(1, math.ceil(len(units) / columns))
    per_facet = max((int((table[unit] == value).sum()) for value in units), default=1)
    facet_px, gap_px = per_facet * BAR_HEIGHT + 12, 70
    plot_height = rows * facet_px + (rows - 1) * gap_px
    # The gap holds the value labels of the left facet and the option names of the right one.
    longest = max((len(str(option)) for option in table["option"].dropna()), default=10)
    column_gap = min(0.4, (7 * longest + 70) / (title_width * 8.5))
    width = (1 - column_gap * (columns - 1)) / columns
    traces, annotations, axes = [], [], {}
    for index, value in enumerate(units):
        row, col = divmod(index, columns)
        suffix = "" if index == 0 else str(index + 1)
        top = 1 - row * (facet_px + gap_px) / plot_height
        x_domain = [col * (width + column_gap), col * (width + column_gap) + width]
        axes[f"xaxis{suffix}"] = percent_axis(language, 118, domain=x_domain, anchor=f"y{suffix}")
        block = table[table[unit] == value]
        hidden = bool(block["suppressed"].any())
        n = None if hidden else block["n"].iloc[0]
        annotations.append({"text": f"<b>{as_text(value)}</b>" + ("" if _missing(n) else f"  n = {format_number(n, language)}"),
                            "x": x_domain[0], "y": top, "xref": "paper", "yref": "paper", "xanchor": "left",
                            "yanchor": "bottom", "showarrow": False, "font": {"size": 14}})
        if hidden:
            axes[f"yaxis{suffix}"] = {"domain": [top - facet_px / plot_height, top], "anchor": f"x{suffix}",
                                      "visible": False, "fixedrange": True}
            traces.append({"type": "scatter", "mode": "text", "x": [2], "y": [0], "text": [hidden_mark(language, value_colour(colours, unit, value))],
                           "hovertext": [hidden_note(block.iloc[0], min_n, language)], "hovertemplate": "%{hovertext}<extra></extra>",
                           "textposition": "middle right", "showlegend": False,
                           "xaxis": f"x{suffix}", "yaxis": f"y{suffix}"})
            continue
        block = block.sort_values("rank")
        options = [as_text(option) for option in block["option"]]
        axes[f"yaxis{suffix}"] = category_axis(options, domain=[top - facet_px / plot_height, top], anchor=f"x{suffix}")
        traces.append({
            "type": "bar", "orientation": "h", "y": options, "x": block["pct"].astype(float).tolist(),
            "marker": {"color": value_colour(colours, unit, value)},
            "text": [f" {format_pct(v, language)}" for v in block["pct"]], "textposition": "outside", "cliponaxis": False,
            "showlegend": False, "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
            "hovertext": [t("ui.hover.share", language, pct=format_pct(p, language), k=format_number(k, language),
                            n=format_number(n, language)) for p, k, n in zip(block["pct"], block["k"], block["n"])],
            "hovertemplate": "<b>%{y}</b><br>%{hovertext}<extra></extra>",
        })
    heading = chart_title(title, subtitle, title_width)
    layout = base_layout(language, heading, plot_height + 28, annotations=annotations, **axes)
    layout["margin"]["t"] += 28  # room for the first row's facet titles
    return go.Figure(data=traces, layout=layout)


# ------------------------------------------------------------- diverging distribution bars


def scale_sides(item: Item) -> tuple[list[str], str | None, list[str]]:
    """Split an item's substantive answers into (low side, middle, high side): with an odd number
    the middle one ("I noen grad") is neutral and centred; "Vet ikke" is on neither side."""
    answers = list(item.substantive)
    half = len(answers) // 2
    middle = answers[half] if len(answers) % 2 else None
    return answers[:half], middle, answers[len(answers) - half:]


def distribution_figure(table: pd.DataFrame, item: Item, *, by: Sequence[str], title: str, subtitle: str,
                        language: str, min_n: int, answer_labels: Mapping[str, str] | None = None,
                        title_width: int = TITLE_WIDTH) -> go.Figure:
    """The full answer distribution of one item per group as a diverging stacked bar.

    Low answers (liten / svært liten grad) extend left of zero, high answers right, the middle
    answer ("i noen grad") is split across zero. "Vet ikke" and blanks are drawn apart in a
    narrow panel on the right, as counts, so they never shift the diverging bar. `table` holds
    the protected `distribution_table` rows of this item.
    """
    answer_labels = answer_labels or {}
    total = t("group.total", language)
    records = table.to_dict("records")
    groups = list(dict.fromkeys(group_label(row, by, total) for row in records))
    rows = {group: [row for row in records if group_label(row, by, total) == group] for group in groups}
    hidden = {group: hidden_note(rows[group][0], min_n, language) for group in groups
              if any(row.get("suppressed", False) for row in rows[group])}
    shown = [group for group in groups if group not in hidden]
    base = {group: rows[group][0]["n"] for group in shown}
    tick = {group: as_text(group) if group in hidden else
            f"{as_text(group)}<br><span style='font-size:11.5px;color:{theme.MUTED_TEXT}'>n = {format_number(base[group], language)}</span>"
            for group in groups}
    y = [tick[group] for group in shown]

    def answer(group: str, category: str) -> tuple[float, int]:
        """(percent, count) of one answer in one group."""
        for row in rows[group]:
            if row["category"] == category:
                return (0.0 if _missing(row["share"]) else float(row["share"]) * 100), int(row["count"])
        return 0.0, 0

    def segment(category: str, colour: str, sign: int, fraction: float, legend: bool) -> dict:
        values = [answer(group, category) for group in shown]
        label = as_text(answer_labels.get(category, category))
        return {
            "type": "bar", "orientation": "h", "name": label, "legendgroup": category, "showlegend": legend,
            "legendrank": item.categories.index(category), "y": y, "x": [sign * pct * fraction for pct, _ in values],
            "marker": {"color": colour, "line": {"width": 0.6, "color": "#FFFFFF"}},
            "text": [format_pct(pct, language, 0) if fraction == 1 and pct / 100 >= LABEL_MIN_SHARE else "" for pct, _ in values],
            "textposition": "inside", "insidetextanchor": "middle", "textangle": 0,
            "textfont": {"color": theme.text_colour_on(colour), "size": 12},
            "hovertext": [t("ui.hover.answer", language, answer=label, pct=format_pct(pct, language),
                            count=format_number(count, language), n=format_number(base[group], language))
                          for (pct, count), group in zip(values, shown)],
            "hovertemplate": "%{hovertext}<extra></extra>",
        }

    low, middle, high = scale_sides(item)
    low_colours, middle_colour, high_colours = theme.scale_colours(len(low), middle is not None, len(high))
    traces = []
    # In a relative bar mode, traces stack outwards from zero in the order added.
    if middle is not None:
        traces.append(segment(middle, middle_colour, -1, 0.5, True))
    traces += [segment(category, colour, -1, 1, True) for category, colour in zip(reversed(low), low_colours)]
    if middle is not None:
        traces.append(segment(middle, middle_colour, 1, 0.5, False))
        shares = [answer(group, middle)[0] for group in shown]  # the split middle's label, once, on zero
        traces.append({"type": "scatter", "mode": "text", "showlegend": False, "hoverinfo": "skip", "y": y,
                       "x": [0] * len(shown), "textfont": {"color": theme.TEXT_COLOUR, "size": 12},
                       "text": [format_pct(v, language, 0) if v / 100 >= LABEL_MIN_SHARE else "" for v in shares]})
    traces += [segment(category, colour, 1, 1, True) for category, colour in zip(high, high_colours)]

    apart = [(item.dont_know, theme.DONT_KNOW, lambda row: row["category"] == item.dont_know)] if item.dont_know else []
    apart.append((t("ui.answer.blank", language), theme.BLANK, lambda row: bool(row["is_blank"])))
    apart_max = max((sum(int(row["count"]) for row in rows[group] if match(row)) for _, _, match in apart
                     for group in shown), default=0)
    if apart_max == 0:  # nobody said "don't know" or left it blank: no empty count panel
        apart = []
    for rank, (name, colour, match) in enumerate(apart, start=len(item.categories)):
        marker = {"color": colour, "line": {"width": 0.6, "color": "#FFFFFF"}}
        if colour == theme.BLANK:  # hatched, so a blank never looks like an answer
            marker = {"color": "#FFFFFF", "line": {"width": 1, "color": theme.DONT_KNOW},
                      "pattern": {"shape": "/", "fgcolor": theme.DONT_KNOW, "size": 6, "solidity": 0.25}}
        counts = [sum(int(row["count"]) for row in rows[group] if match(row)) for group in shown]
        label = as_text(answer_labels.get(name, name))
        traces.append({
            "type": "bar", "orientation": "h", "name": label, "legendrank": rank, "y": y, "x": counts,
            "xaxis": "x2", "yaxis": "y", "marker": marker,
            "text": [format_number(c, language) if c else "" for c in counts], "textposition": "inside",
            "insidetextanchor": "middle", "textangle": 0, "textfont": {"color": theme.text_colour_on(colour), "size": 12},
            "hovertext": [f"{label}: {format_number(c, language)}" for c in counts],
            "hovertemplate": "%{hovertext}<extra></extra>",
        })
    if hidden:  # the word in the group's row, at the start of the axis (clear of the zero line); why on hover
        traces.append({"type": "scatter", "mode": "text", "showlegend": False, "textposition": "middle right",
                       "y": [tick[g] for g in hidden], "x": [-100] * len(hidden), "text": [hidden_mark(language)] * len(hidden),
                       "hovertext": list(hidden.values()), "hovertemplate": "%{hovertext}<extra></extra>"})

    legend = [trace["name"] for trace in traces if trace["type"] == "bar" and trace.get("showlegend", True)]
    heading = chart_title(title, subtitle, title_width)
    narrow = title_width < TITLE_WIDTH * 1.5  # half the page wide: a smaller legend, the count panel further off
    ticks = [-100, -50, 0, 50, 100]
    stacked = max((sum(int(row["count"]) for row in rows[group] if row["category"] == item.dont_know or bool(row["is_blank"]))
                   for group in shown), default=0)
    layout = base_layout(
        language, heading, 46 * len(groups) + 30,
        legend=legend_rows(legend, int(title_width * (1.25 if narrow else 1))), bottom=52,
        barmode="relative", bargap=0.32,
        uniformtext={"minsize": 10, "mode": "hide"},  # no shrunken labels in narrow segments
        xaxis={"domain": [0, (0.76 if narrow else 0.79) if apart else 1], "range": [-100, 100], "tickvals": ticks,
               "fixedrange": True, "ticktext": [format_pct(abs(v), language, 0) for v in ticks],
               "gridcolor": theme.GRID_COLOUR,
               # Under the bars: the middle answer's label, centred on zero, is not crossed out by the line.
               "zeroline": True, "zerolinecolor": theme.MUTED_TEXT, "zerolinewidth": 1.4, "layer": "below traces"},
        yaxis=category_axis([tick[g] for g in groups]),
    )
    if apart:  # the count panel, with whole-number ticks only ("0 1 1" otherwise for a count of 1)
        layout["xaxis2"] = {"domain": [0.86 if narrow else 0.85, 1], "anchor": "y", "fixedrange": True,
                            "gridcolor": theme.GRID_COLOUR, **count_axis(stacked, language),
                            "title": {"text": t("ui.chart.count_axis", language), "font": {"size": 11.5}}}
    if narrow:  # legend entries in columns of equal width and a smaller font: fewer rows
        layout["legend"]["font"] = {"size": 11.5}
    return go.Figure(data=traces, layout=layout)


def count_axis(most: int, language: str, ticks: int = 3) -> dict:
    """A count axis with whole-number ticks only (never "0 1 1"): 0, a step, …, up to `most`."""
    most = max(int(most), 1)
    step = max(1, math.ceil(most / (ticks - 1)))
    values = list(range(0, most + step, step))
    return {"range": [0, values[-1] * 1.04], "tickmode": "array", "tickvals": values,
            "ticktext": [format_number(v, language) for v in values]}


# ----------------------------------------------------------------------- respondent counts


def respondents_figure(table: pd.DataFrame, *, by: Sequence[str], colours: Colours, title: str, subtitle: str,
                       language: str, min_n: int) -> go.Figure:
    """Respondents per group (protected respondent counts): bars side by side, the count on each."""
    category, series = split_by(by)
    total = t("group.total", language)
    labels = [str(v) for v in table[category]] if category else [total] * len(table)
    texts = {label: wrap(label, 16) for label in labels}  # wrapped, never rotated
    traces = []
    for value in (list(dict.fromkeys(table[series])) if series else [None]):
        mask = (table[series] == value).to_numpy() if series else [True] * len(table)
        block, x = table[mask], [label for label, keep in zip(labels, mask) if keep]
        shown = ~block["suppressed"].to_numpy()
        colour_by = series or category
        name = as_text(value) if series else total
        extra = "<extra>%{fullData.name}</extra>" if series else "<extra></extra>"  # never a file's text in a template
        traces.append({
            "type": "bar", "name": name, "showlegend": series is not None, "offsetgroup": name,
            "x": [texts[v] for v, keep in zip(x, shown) if keep], "y": block["respondents"][shown].astype(float).tolist(),
            "marker": {"color": [value_colour(colours, colour_by, str(value if series else v)) for v, keep in zip(x, shown) if keep]},
            "text": [format_number(v, language) for v in block["respondents"][shown]], "textposition": "outside",
            "cliponaxis": False, "hovertemplate": "%{x}: %{y}" + extra,
        })
        if (~shown).any():
            # A mark in the bar's slot, the whole note on hover and in the table (the subtitle says
            # why): words — even a short one — of hidden groups side by side run into each other
            # ("hiddenhidden") once a category holds several groups.
            traces.append({"type": "scatter", "mode": "markers", "showlegend": False,
                           "offsetgroup": name, "name": name, "x": [texts[v] for v, keep in zip(x, shown) if not keep],
                           "y": [0] * int((~shown).sum()), "textposition": "top center", "cliponaxis": False,
                           "text": [hidden_mark(language, value_colour(colours, series or category, str(value if series else v)))
                                    for v, keep in zip(x, shown) if not keep],
                           "hovertext": [hidden_note(row, min_n, language) for row in block[~shown].to_dict("records")],
                           "hovertemplate": "%{x}: %{hovertext}" + extra})
    heading = chart_title(title, subtitle, WIDE_TITLE)
    counts = pd.to_numeric(table.loc[~table["suppressed"].astype(bool), "respondents"], errors="coerce").dropna()
    most = int(counts.max()) if len(counts) else 0
    layout = base_layout(language, heading, 300, legend=1 if series else 0, barmode="group", scattermode="group",
                         xaxis={"fixedrange": True, "categoryorder": "array", "tickangle": 0, "automargin": True,
                                "categoryarray": [texts[label] for label in dict.fromkeys(labels)]},
                         yaxis={"title": {"text": t("ui.chart.respondents_axis", language)}, "gridcolor": theme.GRID_COLOUR, "automargin": True,
                                "fixedrange": True, **count_axis(most * 1.12, language, ticks=5)})
    return go.Figure(data=traces, layout=layout)


# ------------------------------------------------------------------ presentation and slides


@dataclass(frozen=True)
class Style:
    """How large a figure is drawn. The figure functions draw for the screen; `styled` resizes
    a drawn figure for a room or a slide, so every chart type gets the same treatment without
    each function knowing about rooms.

    `scale` multiplies every font, marker, line and margin and the figure's height (bars grow
    with the plot, so they get thicker too). `max_height` caps the height for a screen that
    must not scroll (a projector) or a slide: taller charts keep their type size and squeeze
    their bars; `min_height` lets a chart of two bars fill a room's screen or a slide.
    `title_width` is the characters per title line when every chart spans the whole width
    (None: the page's columns decide). `show_title` False leaves the question out of the
    image — on a slide it is the slide's title.
    """

    scale: float = 1.0
    min_height: int | None = None
    max_height: int | None = None
    title_width: int | None = None
    show_title: bool = True


SCREEN = Style()
PRESENTATION = Style(scale=1.8, min_height=680, max_height=860, title_width=90)  # 1920×1080, from the back of a room
SLIDE = Style(scale=1.6, min_height=480, max_height=800, title_width=88, show_title=False)  # question = slide title

_PX_KEYS = {"size", "thickness", "minsize", "ticklabelstandoff", "tracegroupgap", "height", "xshift", "yshift",
            "standoff"}
_PX_PARENTS = {"margin", "pad"}  # every value in these is in pixels
_LINE_PARENTS = {"line", "error_x", "error_y"}  # their `width` is in pixels (a bar's own `width` is not)
_INT_KEYS = {"ticklabelstandoff"}  # Plotly wants a whole number here
_CSS_SIZE = re.compile(r"font-size:\s*([\d.]+)px")


def _scale_tree(node, factor: float, parent: str = ""):
    """Every pixel size in a figure's dict, times `factor` (fonts in inline HTML too)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if number and (key in _PX_KEYS or parent in _PX_PARENTS or (key == "width" and parent in _LINE_PARENTS)):
                out[key] = round(value * factor) if key in _INT_KEYS else value * factor
            else:
                out[key] = _scale_tree(value, factor, key)
        return out
    if isinstance(node, list):
        return [_scale_tree(value, factor, parent) for value in node]
    if isinstance(node, str) and "font-size" in node:
        return _CSS_SIZE.sub(lambda m: f"font-size:{float(m.group(1)) * factor:g}px", node)
    return node


def _untitled(layout: dict) -> dict:
    """The layout without the title's question (its first, bold lines): the subtitle moves up
    and the plot with it; the legend keeps its place under what is left."""
    title = layout.get("title") or {}
    text = title.get("text", "")
    match = re.match(r"<b>.*?</b>(<br>)?", text)
    if not match:
        return layout
    rest = text[match.end():]
    height, legend = layout.get("height"), layout.get("legend") or {}
    removed = (title_height(title) - title_height({"text": rest})) if rest else title_height(title)
    layout = {**layout, "title": {**title, "text": rest}, "margin": {**layout["margin"], "t": layout["margin"]["t"] - removed}}
    if height:
        layout["height"] = height - removed
        if "y" in legend:
            layout["legend"] = {**legend, "y": 1 - ((1 - legend["y"]) * height - removed) / (height - removed)}
    return layout


def styled(figure: go.Figure, style: Style = SCREEN) -> go.Figure:
    """`figure` resized for `style` (the same figure for the screen style)."""
    if style == SCREEN:
        return figure
    spec = figure.to_plotly_json()
    layout = dict(spec.get("layout", {}))
    if not style.show_title:
        layout = _untitled(layout)
    data = _scale_tree(spec.get("data", []), style.scale)
    layout = _scale_tree(layout, style.scale)
    height = layout.get("height")
    target = height and min(max(height, style.min_height or 0), style.max_height or height)
    if height and target != height:
        legend = layout.get("legend") or {}
        if "y" in legend:  # the same distance from the top, in container fractions
            layout["legend"] = {**legend, "y": 1 - (1 - legend["y"]) * height / target}
        layout["height"] = target
    data, layout = _fit_bars(data, layout)
    return go.Figure(data=data, layout=layout)


LABEL_LINES = 1.35  # a bar at least this many label heights thick keeps its labels apart
THICK_BAR = 2.6  # … and at most this many: thicker bars only leave the slide empty


def _fit_bars(data: list, layout: dict) -> tuple[list, dict]:
    """Bars and type sized by how many bars share the plot (a room's or slide's fixed height):
    24 bars (12 areas × 2 roles) get type small enough for their labels not to run into each
    other, two bars no thicker than a few label heights (more gap instead of slabs)."""
    bars = [trace for trace in data if trace.get("type") == "bar" and trace.get("orientation") == "h"
            and trace.get("xaxis", "x") == "x" and trace.get("yaxis", "y") == "y"]
    height, margin = layout.get("height"), layout.get("margin") or {}
    if not bars or not height or any(key.startswith("yaxis") and key != "yaxis" for key in layout):
        return data, layout
    categories = len({value for trace in bars for value in trace.get("y", [])}) or 1
    grouped = layout.get("barmode") == "group"
    per_category = max(1, len({trace.get("offsetgroup") or trace.get("name") for trace in bars})) if grouped else 1
    plot = height - margin.get("t", 0) - margin.get("b", 0)
    gap = layout.get("bargap", 0.2)
    thickness = plot / categories * (1 - gap) / per_category
    label = max((trace.get("textfont", {}).get("size", 12) for trace in data), default=12)
    if thickness < LABEL_LINES * label:  # crowded: smaller type everywhere on the plot
        factor = max(0.6, thickness / (LABEL_LINES * label))
        data = [_scale_fonts(trace, factor) for trace in data]
        ticks = (layout.get("yaxis", {}).get("tickfont") or {}).get("size") or (layout.get("font") or {}).get("size", 13)
        layout = {**layout, "yaxis": {**layout.get("yaxis", {}), "tickfont": {"size": ticks * factor}}}
    elif thickness > THICK_BAR * label:  # a few bars: wider gaps, not slabs across the slide
        wanted = THICK_BAR * label * per_category * categories / plot
        layout = {**layout, "bargap": min(0.7, max(gap, 1 - wanted))}
    return data, layout


def _scale_fonts(node, factor: float, parent: str = ""):
    """Every font size in a trace or axis dict times `factor` (text labels and tick labels)."""
    if isinstance(node, dict):
        return {key: (value * factor if key == "size" and "font" in parent and isinstance(value, (int, float))
                      else _scale_fonts(value, factor, key)) for key, value in node.items()}
    if isinstance(node, list):
        return [_scale_fonts(value, factor, parent) for value in node]
    if isinstance(node, str) and "font-size" in node:
        return _CSS_SIZE.sub(lambda m: f"font-size:{float(m.group(1)) * factor:g}px", node)
    return node
