"""A PowerPoint deck (16:9) of a page's charts: one slide per chart.

Each slide has the question's wording as its title, the chart as a picture (drawn in the
`SLIDE` style: larger type, the question left to the slide title), a footer with the bases
(n per group), the denominator and where the data come from, and speaker notes with the
numbers of the chart's table. The notes are written from the same protected table the page
shows: a hidden group is named with the core's note ("for få svar til å vises"), never with
a number. A cover slide says what the deck shows (page, survey, selection, date).

Pages (download button), and the `deck` command build decks here, from the same `Chart`s.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from report.strings import t
from report import tables, theme
from report.charts import Chart
from report.figures import SLIDE
from report.labels import joined
from exports.images import figure_image

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_HEIGHT = Inches(0.3), Inches(1.15)
PICTURE_TOP, PICTURE_HEIGHT = Inches(1.5), Inches(5.05)
FOOTER_TOP, FOOTER_HEIGHT = Inches(6.65), Inches(0.7)
IMAGE_WIDTH = 1500  # CSS px the picture is drawn at (SLIDE style), then scaled for sharpness
IMAGE_SCALE = 2
TITLE_LAYOUT, COVER_LAYOUT = 5, 0  # the default template's "Title Only" and "Title Slide"

Render = Callable[[go.Figure, int, int], bytes]  # (figure, width px, height px) -> PNG bytes


def render_png(figure: go.Figure, width: int, height: int) -> bytes:
    """The figure as a sharp PNG through kaleido (one Chromium kept alive, `exports.images`)."""
    return figure_image(figure, "png", width=width, height=height, scale=IMAGE_SCALE)


def number_lines(frame: pd.DataFrame, language: str) -> list[str]:
    """The numbers of a chart's table as sentences for a presenter, in the screen's number
    format: first what every row shares ("Nevner: …"), then one line per row — its group,
    then each number with its column name. A row with a note (a hidden group) gives the group
    and the note only."""
    shown = tables.shown(frame, language)
    note = t("ui.col.note", language)
    numeric = [c for c in frame.columns if str(frame[c].dtype) in ("Int64", "Float64") or pd.api.types.is_numeric_dtype(frame[c])]
    columns = [c for c in frame.columns if c not in numeric and c != note]
    constant = [c for c in columns if len(frame) > 1 and shown[c].nunique() == 1]
    varying = [c for c in columns if c not in constant]
    lines = [f"{column}: {shown[column].iloc[0]}" for column in constant]
    for index in range(len(frame)):
        row = shown.iloc[index]
        label = joined([str(row[c]) for c in varying]) or (str(row[columns[0]]) if columns else "")
        if note in shown.columns and str(row[note]).strip():
            lines.append(f"{label}: {row[note]}")
            continue
        values = [f"{column} {row[column]}" for column in numeric if str(row[column]).strip()]
        lines.append(f"{label}: " + "; ".join(values))
    return lines


def _text(frame, text: str, size: float, *, bold: bool = False, colour: str = theme.TEXT_COLOUR) -> None:
    frame.word_wrap = True
    frame.text = text
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))


def _place(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _picture(slide, png: bytes, width_px: int, height_px: int) -> None:
    """The chart as large as the picture area allows, its proportions kept, centred."""
    box_width, box_height = WIDTH - 2 * MARGIN, PICTURE_HEIGHT
    ratio = min(box_width / width_px, box_height / height_px)
    width, height = Emu(int(width_px * ratio)), Emu(int(height_px * ratio))
    slide.shapes.add_picture(io.BytesIO(png), Emu(int((WIDTH - width) / 2)), PICTURE_TOP, width=width, height=height)


def build_deck(charts: Sequence[Chart], *, title: str, cover: Sequence[str], language: str,
               render: Render | None = None) -> bytes:
    """The deck as .pptx bytes: a cover slide (`title`, `cover` lines), then one slide per chart.
    `render` draws a figure as PNG (default `render_png`; tests pass a stand-in)."""
    render = render or render_png
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    first = deck.slides.add_slide(deck.slide_layouts[COVER_LAYOUT])
    _place(first.shapes.title, MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(1.5))
    _text(first.shapes.title.text_frame, title, 40, bold=True)
    _place(first.placeholders[1], MARGIN, Inches(3.7), WIDTH - 2 * MARGIN, Inches(2.6))
    _text(first.placeholders[1].text_frame, "\n".join(line for line in cover if line), 18, colour=theme.MUTED_TEXT)
    for chart in charts:
        slide = deck.slides.add_slide(deck.slide_layouts[TITLE_LAYOUT])
        _place(slide.shapes.title, MARGIN, TITLE_TOP, WIDTH - 2 * MARGIN, TITLE_HEIGHT)
        _text(slide.shapes.title.text_frame, chart.title, 26 if len(chart.title) < 110 else 22, bold=True)
        figure = chart.drawn(SLIDE)
        height = int(figure.layout.height or 600)
        _picture(slide, render(figure, IMAGE_WIDTH, height), IMAGE_WIDTH, height)
        footer = slide.shapes.add_textbox(MARGIN, FOOTER_TOP, WIDTH - 2 * MARGIN, FOOTER_HEIGHT)
        _text(footer.text_frame, chart.footer, 11, colour=theme.MUTED_TEXT)
        notes = [chart.title, chart.subtitle, "", t("ui.export.numbers", language), *number_lines(chart.frame, language),
                 "", chart.footer]
        slide.notes_slide.notes_text_frame.text = "\n".join(notes)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
