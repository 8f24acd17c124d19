"""A chart, or a page of charts, as files: CSV and XLSX of the table, PNG and SVG of the figure.

Every function takes a `report.charts.Chart` — the object the page draws — so a file
holds exactly the rows, filters and hidden groups of the screen. Images are drawn only when
asked for (a click), through the one Chromium that `exports.images` keeps alive.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import pandas as pd

from report.charts import Chart
from exports.tables import Sheet, screen_csv, sheets_to_xlsx_bytes, to_xlsx_bytes
from exports.images import figure_image

IMAGE_WIDTH = {True: 1400, False: 900}  # CSS px of a full-width / half-width chart, about as on screen
PNG_SCALE = 3  # 4200 × … px for a full-width chart: sharp in print and on a projector
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}


def file_stem(text: str) -> str:
    """A file name from a chart key or page title: lower case ASCII, words joined by hyphens
    (æ, ø and å spelt ae, o, a, so the name survives any file system and e-mail)."""
    text = str(text).lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "figur"


def decimals(frame: pd.DataFrame) -> dict[str, str]:
    """Excel formats for the frame's decimal columns: one decimal, as the screen shows them."""
    return {column: "0.0" for column in frame.columns if str(frame[column].dtype) == "Float64"}


def chart_csv(chart: Chart, language: str) -> bytes:
    return screen_csv(chart.frame, language)


def chart_sheet(chart: Chart) -> Sheet:
    """The chart's table with its question as title and its notes (measure, selection, bases,
    suppression, provenance) above it."""
    return Sheet(chart.key, chart.frame, chart.title, chart.notes, decimals(chart.frame))


def chart_xlsx(chart: Chart) -> bytes:
    sheet = chart_sheet(chart)
    return to_xlsx_bytes(sheet.frame, title=sheet.title, notes=sheet.notes, sheet_name=sheet.name,
                         number_formats=sheet.number_formats)


def page_xlsx(charts: Sequence[Chart]) -> bytes:
    """Every table of a page in one workbook, a sheet per chart in page order."""
    return sheets_to_xlsx_bytes([chart_sheet(chart) for chart in charts])


def chart_image(chart: Chart, fmt: str = "png") -> bytes:
    """The figure as on screen, as PNG (high resolution) or SVG."""
    figure = chart.figure
    height = int(figure.layout.height or 500)
    return figure_image(figure, fmt, width=IMAGE_WIDTH[chart.wide], height=height, scale=PNG_SCALE if fmt == "png" else 1)
