"""Workshop figures and tables: a ranking table in, a Plotly figure or a display frame out.

The matrix puts each area at (mean feasibility, mean potential), one colour per sector, its
rank printed on the marker («7=» where two areas share rank 7) so a room can find it in the
ranked list, the quadrant lines where `workshop.model.quadrant_split` puts them and the four
quadrant names outside the plot — above it and under the x axis's title — so no name covers a
point or sits on an axis. Markers that would overlap are moved apart (nearest free spot, a thin
line back to the true position), so every rank stays readable. The hover says how much the
groups agreed (range and spread of potential × feasibility). Area and sector names follow the
language (`workshop.model.localised`). No Streamlit: the Prioriteringer page, the projector,
presentation mode and the PNG / PPTX exports call the same function.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analysis.formatting import format_number
from report.strings import t
from workshop.model import SCORE_MAX, SCORE_MIN, localised, quadrant_label, quadrant_split, rank_labels
from report import figures, theme

MARKER_SIZE = 26
PLOT_HEIGHT = 560
LABEL_WIDTH = 44  # characters per line of a quadrant name (the four names fit on one line each)
ASPECT = 1.2  # the narrowest plot width / height the marker spacing assumes (wider only spreads them more)
CAPTION_LINE = 16  # px per line of a quadrant name at font 12.5
TICKS_AND_TITLE = 50  # px under the plot for the x ticks and the axis title


def sector_colours(sectors: Sequence[str]) -> dict[str, str]:
    """One colour per sector, in the order given, from the app palette. Pass the sectors in the
    areas' listed order, not in rank order, so a sector keeps its colour while scores arrive."""
    unique = list(dict.fromkeys(s or "" for s in sectors))
    return {sector: theme.CATEGORICAL[i % len(theme.CATEGORICAL)] for i, sector in enumerate(unique)}


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def label_colour(fill: str) -> str:
    """White or black text on a marker or badge of colour `fill`, whichever reads better
    (WCAG contrast: white where it reaches 4.5:1, else black)."""
    white = 1.05 / (_luminance(fill) + 0.05)
    return "#FFFFFF" if white >= 4.5 else "#000000"


def _sector_name(sector: str, language: str) -> str:
    return sector or t("ui.workshop.no_sector", language)


def _hover(row: pd.Series, language: str, rank: str) -> str:
    def num(value, decimals=1):
        return format_number(value, language, decimals)

    lines = [
        f"<b>{row['label']}</b>",
        _sector_name(row["sector_label"], language),
        t("ui.workshop.hover.rank", language, rank=rank, groups=int(row["groups"])),
        t("ui.workshop.hover.score", language, mean=num(row["mean_score"]), low=num(row["min_score"], 0),
          high=num(row["max_score"], 0), sd=num(row["sd_score"])),
        t("ui.workshop.hover.potential", language, mean=num(row["mean_potential"]), low=num(row["min_potential"], 0),
          high=num(row["max_potential"], 0)),
        t("ui.workshop.hover.feasibility", language, mean=num(row["mean_feasibility"]),
          low=num(row["min_feasibility"], 0), high=num(row["max_feasibility"], 0)),
    ]
    return "<br>".join(lines)


def _axis_range(values: pd.Series, line: float, split: str) -> list[float]:
    """The whole scale for an absolute split; otherwise the data (and the line) with a margin,
    so that areas that all scored high still spread over the four quadrants."""
    if split == "scale" or values.empty:
        return [SCORE_MIN - 0.5, SCORE_MAX + 0.5]
    low, high = min(values.min(), line), max(values.max(), line)
    pad = max(0.35, (high - low) * 0.12)
    return [max(SCORE_MIN - 0.5, low - pad), min(SCORE_MAX + 0.5, high + pad)]


def spread_markers(points: Sequence[tuple[float, float]], x_range: Sequence[float], y_range: Sequence[float],
                   gap: tuple[float, float]) -> list[tuple[float, float]]:
    """Marker positions at least one marker apart: each point (in the order given, best rank
    first) stays where it is if it is free, else moves to the nearest free spot on rings around
    it, inside the plot. `gap` is the smallest distance between two centres in data units
    (x, y). Pure geometry, deterministic."""
    gx, gy = gap
    (x0, x1), (y0, y1) = x_range, y_range
    lo_x, hi_x, lo_y, hi_y = x0 + gx / 2, x1 - gx / 2, y0 + gy / 2, y1 - gy / 2
    placed: list[tuple[float, float]] = []

    def free(x: float, y: float) -> bool:
        return all(((x - px) / gx) ** 2 + ((y - py) / gy) ** 2 >= 1 for px, py in placed)

    for x, y in points:
        spot = (min(max(x, lo_x), hi_x), min(max(y, lo_y), hi_y))
        ring = 0
        while not free(*spot) and ring < 40:
            ring += 1
            steps = 12 * ring
            candidates = [(x + ring * 0.55 * gx * math.cos(2 * math.pi * k / steps),
                           y + ring * 0.55 * gy * math.sin(2 * math.pi * k / steps)) for k in range(steps)]
            inside = [(cx, cy) for cx, cy in candidates if lo_x <= cx <= hi_x and lo_y <= cy <= hi_y and free(cx, cy)]
            if inside:
                spot = min(inside, key=lambda c: ((c[0] - x) / gx) ** 2 + ((c[1] - y) / gy) ** 2)
        placed.append(spot)
    return placed


def matrix_figure(table: pd.DataFrame, *, split: str = "mean", title: str, subtitle: str = "", language: str = "nb",
                  colours: dict[str, str] | None = None, highlight: Sequence[str] | None = None,
                  title_width: int = figures.TITLE_WIDTH, scale: float = 1.0, plot_height: int = PLOT_HEIGHT,
                  aspect: float = ASPECT, height: int | None = None) -> go.Figure:
    """The 2×2 matrix of a ranking table (`workshop.model.ranking_table`).

    `split`: "mean" (lines at the mean of the areas' means) or "scale" (at 5.5). The lines are
    computed from the whole `table`; `highlight` (e.g. the sectors a filter kept) only decides
    which areas are drawn, so a filter never moves the lines or the ranks. Unscored areas are
    left out of the picture (the table lists them). `scale` multiplies every size for a room
    (the projector draws at 1.45); `plot_height` is the plot's height in px — or `height` the
    whole figure's, the plot taking what the title, legend and captions leave — and `aspect`
    the narrowest width / height it will be shown at: markers are kept apart for that size.
    """
    x_line, y_line = quadrant_split(table, split)
    named = localised(table, language)
    named["rank_label"] = rank_labels(named["rank"])
    scored = named[named["groups"] > 0]
    shown = scored if highlight is None else scored[scored["sector"].isin(list(highlight))]
    listed = named.sort_values("order", kind="stable")  # not the rank: colours must not move
    colours = colours or sector_colours(listed["sector"].tolist())
    x_range = _axis_range(scored["mean_feasibility"], x_line, split)
    y_range = _axis_range(scored["mean_potential"], y_line, split)
    wrapped = {key: textwrap.wrap(quadrant_label(key, language), LABEL_WIDTH) for key in
               ("easy_high", "hard_high", "easy_low", "hard_low")}
    top_lines = max(len(wrapped["easy_high"]), len(wrapped["hard_high"]))
    bottom_lines = max(len(wrapped["easy_low"]), len(wrapped["hard_low"]))
    title_block = figures.chart_title(title, subtitle, title_width)
    if scale != 1:
        title_block = {**title_block, "font": {"size": title_block["font"]["size"] * scale}}
        title_block["text"] = title_block["text"].replace("font-size:12.5px", f"font-size:{12.5 * scale:g}px")
    sectors_shown = [s for s in dict.fromkeys(listed["sector"]) if (shown["sector"] == s).any()]
    legend = figures.legend_rows([_sector_name(s, language) for s in sectors_shown], title_width) if sectors_shown else 0
    captions_top = (top_lines * CAPTION_LINE + 8) * scale
    bottom = (TICKS_AND_TITLE + bottom_lines * CAPTION_LINE + 8) * scale
    layout = figures.base_layout(language, title_block, 100, legend=legend, bottom=bottom)
    top = layout["margin"]["t"] * scale + captions_top
    if height is not None:
        plot_height = max(200, int(height - top - bottom))
    marker = MARKER_SIZE * scale
    gap = ((marker + 3 * scale) / (plot_height * aspect) * (x_range[1] - x_range[0]),
           (marker + 3 * scale) / plot_height * (y_range[1] - y_range[0]))
    ordered = shown.sort_values(["mean_score", "order"], ascending=[False, True], kind="stable")
    true_points = list(zip(ordered["mean_feasibility"], ordered["mean_potential"]))
    spots = dict(zip(ordered["area"], spread_markers(true_points, x_range, y_range, gap)))
    figure = go.Figure()
    moved = [(area, (f, p), spots[area]) for area, f, p in zip(ordered["area"], *zip(*true_points))
             if spots[area] != (f, p)] if true_points else []
    if moved:  # a thin line from each moved marker back to where its area really is
        xs, ys = [], []
        for _area, (f, p), (mx, my) in moved:
            xs += [f, mx, None]
            ys += [p, my, None]
        figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", showlegend=False, hoverinfo="skip",
                                    line={"color": theme.MUTED_TEXT, "width": 1.2 * scale},
                                    marker={"size": 5 * scale, "color": theme.MUTED_TEXT}, meta="leader"))
    for sector in dict.fromkeys(listed["sector"]):
        rows = shown[shown["sector"] == sector]
        if rows.empty:
            continue
        fill = colours.get(sector, theme.TOTAL_COLOUR)
        figure.add_trace(go.Scatter(
            x=[spots[a][0] for a in rows["area"]], y=[spots[a][1] for a in rows["area"]], mode="markers+text",
            name=_sector_name(rows["sector_label"].iloc[0], language),
            text=rows["rank_label"].tolist(), textposition="middle center",
            textfont={"color": label_colour(fill), "family": theme.FONT_FAMILY,
                      "size": [(12 if len(label) < 3 else 10.5) * scale for label in rows["rank_label"]]},
            marker={"size": marker, "color": fill,
                    "line": {"color": "#FFFFFF", "width": 1.5 * scale}},
            customdata=rows["area"].tolist(),
            hovertext=[_hover(row, language, row["rank_label"]) for _, row in rows.iterrows()], hoverinfo="text",
        ))
    line = {"color": theme.MUTED_TEXT, "width": 1.5 * scale, "dash": "dash"}
    figure.add_shape(type="line", x0=x_line, x1=x_line, y0=0, y1=1, xref="x", yref="y domain", line=line)
    figure.add_shape(type="line", x0=0, x1=1, y0=y_line, y1=y_line, xref="x domain", yref="y", line=line)
    # The quadrant names outside the plot: the high-potential ones above it, the low ones under
    # the x axis's title; hard to implement on the left, easy on the right (feasibility grows →).
    corners = {"hard_high": (0, 1, "left", "bottom", 4), "easy_high": (1, 1, "right", "bottom", 4),
               "hard_low": (0, 0, "left", "top", -TICKS_AND_TITLE), "easy_low": (1, 0, "right", "top", -TICKS_AND_TITLE)}
    for key, (x, y, xanchor, yanchor, shift) in corners.items():
        figure.add_annotation(
            text="<br>".join(wrapped[key]), x=x, y=y, xref="x domain", yref="y domain", xanchor=xanchor,
            yanchor=yanchor, yshift=shift * scale, showarrow=False, align=xanchor,
            font={"size": 12.5 * scale, "color": theme.MUTED_TEXT},
        )
    if scored.empty:
        figure.add_annotation(text=t("ui.workshop.no_scores", language), x=0.5, y=0.5, xref="x domain",
                              yref="y domain", showarrow=False, font={"size": 16 * scale, "color": theme.MUTED_TEXT})
    layout["margin"] = {**layout["margin"], "t": top, "l": 64 * scale, "r": 16 * scale}
    layout["height"] = top + plot_height + bottom
    if scale != 1:
        layout["font"] = {**layout["font"], "size": layout["font"]["size"] * scale}
        layout["legend"] = {**layout["legend"], "font": {"size": 12.5 * scale},
                            "y": 1 - (figures.title_height(title_block) * scale + 2) / layout["height"]}
        layout["hoverlabel"] = {**layout["hoverlabel"], "font": {**layout["hoverlabel"]["font"], "size": 13 * scale}}
    else:
        layout["legend"] = {**layout["legend"], "y": 1 - (figures.title_height(title_block) + 2) / layout["height"]}
    figure.update_layout(**layout)
    axis = {"gridcolor": theme.GRID_COLOUR, "zeroline": False, "showline": True, "linecolor": theme.GRID_COLOUR,
            "fixedrange": True}
    figure.update_xaxes(title={"text": t("ui.workshop.axis.feasibility", language), "standoff": 8 * scale},
                        range=x_range, **axis)
    figure.update_yaxes(title=t("ui.workshop.axis.potential", language), range=y_range, **axis)
    return figure


def ranking_frame(table: pd.DataFrame, language: str = "nb", with_quadrant: bool = True) -> pd.DataFrame:
    """The ranked list as shown and downloaded: headers in `language`, numbers as numbers."""
    def col(name):
        return t(f"workshop.col.{name}", language)

    named = localised(table, language)
    frame = pd.DataFrame({
        col("rank"): table["rank"].astype("Int64"),
        col("area"): named["label"],
        col("mean_score"): table["mean_score"].astype("Float64"),
        col("mean_potential"): table["mean_potential"].astype("Float64"),
        col("mean_feasibility"): table["mean_feasibility"].astype("Float64"),
        col("sd_score"): table["sd_score"].astype("Float64"),
        col("min_score"): table["min_score"].astype("Int64"),
        col("max_score"): table["max_score"].astype("Int64"),
        col("groups"): table["groups"].astype("Int64"),
        col("sector"): [_sector_name(s, language) for s in named["sector_label"]],
    })
    if with_quadrant and "quadrant_label" in table:
        frame[col("quadrant")] = table["quadrant_label"].fillna("").tolist()
    return frame.reset_index(drop=True)
