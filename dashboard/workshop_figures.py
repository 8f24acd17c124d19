"""Workshop figures and tables: a ranking table in, a Plotly figure or a display frame out.

The matrix puts each area at (mean feasibility, mean potential), one colour per sector, its
rank printed on the marker so a projector audience can find it in the ranked list, the
quadrant lines where `analysis.workshop.quadrant_split` puts them and the four quadrant
names in the corners. The hover says how much the groups agreed (range and spread of
potential × feasibility). No Streamlit: the Prioriteringer page, the presenter view and the
PNG export call the same function.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analysis.formatting import format_number
from analysis.i18n import t
from analysis.workshop import SCORE_MAX, SCORE_MIN, quadrant_label, quadrant_split
from dashboard import figures, theme

MARKER_SIZE = 26
PLOT_HEIGHT = 560
LABEL_WIDTH = 26  # characters per line of a quadrant name in a corner


def sector_colours(sectors: Sequence[str]) -> dict[str, str]:
    """One colour per sector, in the order given, from the app palette. Pass the sectors in the
    areas' listed order, not in rank order, so a sector keeps its colour while scores arrive."""
    unique = list(dict.fromkeys(s or "" for s in sectors))
    return {sector: theme.CATEGORICAL[i % len(theme.CATEGORICAL)] for i, sector in enumerate(unique)}


def _sector_name(sector: str, language: str) -> str:
    return sector or t("ui.workshop.no_sector", language)


def _hover(row: pd.Series, language: str) -> str:
    def num(value, decimals=1):
        return format_number(value, language, decimals)

    lines = [
        f"<b>{row['area']}</b>",
        _sector_name(row["sector"], language),
        t("ui.workshop.hover.rank", language, rank=int(row["rank"]), groups=int(row["groups"])),
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


def matrix_figure(table: pd.DataFrame, *, split: str = "mean", title: str, subtitle: str = "", language: str = "nb",
                  colours: dict[str, str] | None = None, highlight: Sequence[str] | None = None,
                  title_width: int = figures.TITLE_WIDTH) -> go.Figure:
    """The 2×2 matrix of a ranking table (`analysis.workshop.ranking_table`).

    `split`: "mean" (lines at the mean of the areas' means) or "scale" (at 5.5). The lines are
    computed from the whole `table`; `highlight` (e.g. the sectors a filter kept) only decides
    which areas are drawn, so a filter never moves the lines or the ranks. Unscored areas are
    left out of the picture (the table lists them).
    """
    x_line, y_line = quadrant_split(table, split)
    scored = table[table["groups"] > 0]
    shown = scored if highlight is None else scored[scored["sector"].isin(list(highlight))]
    listed = table.sort_values("order", kind="stable")["sector"].tolist()  # not the rank: colours must not move
    colours = colours or sector_colours(listed)
    figure = go.Figure()
    for sector in dict.fromkeys(listed):
        rows = shown[shown["sector"] == sector]
        if rows.empty:
            continue
        figure.add_trace(go.Scatter(
            x=rows["mean_feasibility"].tolist(), y=rows["mean_potential"].tolist(), mode="markers+text",
            name=_sector_name(sector, language),
            text=[str(int(r)) for r in rows["rank"]], textposition="middle center",
            textfont={"color": "#FFFFFF", "size": 12, "family": theme.FONT_FAMILY},
            marker={"size": MARKER_SIZE, "color": colours.get(sector, theme.TOTAL_COLOUR),
                    "line": {"color": "#FFFFFF", "width": 1.5}},
            customdata=rows["area"].tolist(),
            hovertext=[_hover(row, language) for _, row in rows.iterrows()], hoverinfo="text",
        ))
    x_range = _axis_range(scored["mean_feasibility"], x_line, split)
    y_range = _axis_range(scored["mean_potential"], y_line, split)
    line = {"color": theme.MUTED_TEXT, "width": 1.5, "dash": "dash"}
    figure.add_shape(type="line", x0=x_line, x1=x_line, y0=0, y1=1, xref="x", yref="y domain", line=line)
    figure.add_shape(type="line", x0=0, x1=1, y0=y_line, y1=y_line, xref="x domain", yref="y", line=line)
    corners = {"easy_high": (1, 1, "right", "top"), "hard_high": (0, 1, "left", "top"),
               "easy_low": (1, 0, "right", "bottom"), "hard_low": (0, 0, "left", "bottom")}
    for key, (x, y, xanchor, yanchor) in corners.items():
        figure.add_annotation(
            text="<br>".join(textwrap.wrap(quadrant_label(key, language), LABEL_WIDTH)), x=x, y=y,
            xref="x domain", yref="y domain", xanchor=xanchor, yanchor=yanchor, showarrow=False, align=xanchor,
            font={"size": 12.5, "color": theme.MUTED_TEXT}, bgcolor="rgba(255,255,255,0.8)",
        )
    if scored.empty:
        figure.add_annotation(text=t("ui.workshop.no_scores", language), x=0.5, y=0.5, xref="x domain",
                              yref="y domain", showarrow=False, font={"size": 16, "color": theme.MUTED_TEXT})
    title_block = figures.chart_title(title, subtitle, title_width)
    names = [trace.name for trace in figure.data]
    legend = figures.legend_rows(names, title_width) if names else 0
    figure.update_layout(**figures.base_layout(language, title_block, PLOT_HEIGHT, legend=legend, bottom=56))
    axis = {"gridcolor": theme.GRID_COLOUR, "zeroline": False, "showline": True, "linecolor": theme.GRID_COLOUR}
    figure.update_xaxes(title=t("ui.workshop.axis.feasibility", language), range=x_range, **axis)
    figure.update_yaxes(title=t("ui.workshop.axis.potential", language), range=y_range, **axis)
    figure.update_layout(margin={"l": 64})
    return figure


def ranking_frame(table: pd.DataFrame, language: str = "nb", with_quadrant: bool = True) -> pd.DataFrame:
    """The ranked list as shown and downloaded: headers in `language`, numbers as numbers."""
    def col(name):
        return t(f"workshop.col.{name}", language)

    frame = pd.DataFrame({
        col("rank"): table["rank"].astype("Int64"),
        col("area"): table["area"],
        col("mean_score"): table["mean_score"].astype("Float64"),
        col("mean_potential"): table["mean_potential"].astype("Float64"),
        col("mean_feasibility"): table["mean_feasibility"].astype("Float64"),
        col("sd_score"): table["sd_score"].astype("Float64"),
        col("min_score"): table["min_score"].astype("Int64"),
        col("max_score"): table["max_score"].astype("Int64"),
        col("groups"): table["groups"].astype("Int64"),
        col("sector"): [_sector_name(s, language) for s in table["sector"]],
    })
    if with_quadrant and "quadrant_label" in table:
        frame[col("quadrant")] = table["quadrant_label"].fillna("").tolist()
    return frame.reset_index(drop=True)
