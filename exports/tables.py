"""Tables as CSV and formatted XLSX, safe to open in a spreadsheet.

Text cells starting with `=`, `+`, `-`, `@`, tab or carriage return are prefixed with an
apostrophe so a spreadsheet shows them as text instead of running them as formulas
(OWASP "CSV injection"); numbers are left as numbers. The rule is `analysis.safe_text.
spreadsheet` — the one used for every spreadsheet the product writes, here and in the core
(`analysis.template`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from analysis.safe_text import FORMULA_PREFIXES, spreadsheet, spreadsheet_frame  # noqa: F401 (FORMULA_PREFIXES for callers)

PERCENT_COLUMNS = ("pct", "ci_low_pct", "ci_high_pct", "pct_a", "pct_b", "diff_pp", "diff_ci_low", "diff_ci_high")
SHARE_COLUMNS = ("share", "ci_low", "ci_high")


escape_cell = spreadsheet  # the one rule (analysis.safe_text); named here for the exports


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose headers and text cells a spreadsheet cannot run (see `escape_cell`)."""
    return spreadsheet_frame(frame)


def to_csv_bytes(frame: pd.DataFrame, language: str = "nb", float_format: str | None = None) -> bytes:
    """UTF-8 CSV with BOM (so Excel detects the encoding); `;` and decimal comma for bokmål.
    `float_format` (e.g. "%.1f") writes decimals as the screen shows them."""
    escaped = escape_frame(frame)
    if language == "nb":
        text = escaped.to_csv(index=False, sep=";", decimal=",", float_format=float_format)
    else:
        text = escaped.to_csv(index=False, float_format=float_format)
    return ("\ufeff" + text).encode("utf-8")


def screen_csv(frame: pd.DataFrame, language: str) -> bytes:
    """The same rows and columns as on screen, for a spreadsheet (`to_csv_bytes`:
    UTF-8 with BOM so Excel reads æøå, `;` and decimal comma in bokmål, formula-like text
    escaped), decimals as the screen shows them."""
    return to_csv_bytes(frame, language, float_format="%.1f")


def to_xlsx_bytes(
    frame: pd.DataFrame,
    title: str = "",
    notes: Iterable[str] = (),
    sheet_name: str = "tabell",
    number_formats: Mapping[str, str] | None = None,
) -> bytes:
    """A formatted workbook: title, notes (provenance, suppression), bold header, % formats.

    Columns named like shares (0–1) get a percent format; columns in percent points get a
    one-decimal number format, as do the columns named in `number_formats` (header → Excel
    format); suppressed cells stay empty.
    """
    return sheets_to_xlsx_bytes([Sheet(sheet_name, frame, title, tuple(notes), number_formats)])


@dataclass(frozen=True)
class Sheet:
    """One table of a workbook, with what is said above it."""

    name: str
    frame: pd.DataFrame
    title: str = ""
    notes: tuple[str, ...] = ()
    number_formats: Mapping[str, str] | None = None


def sheet_names(names: Iterable[str]) -> list[str]:
    """Names a spreadsheet accepts: at most 31 characters, none of []:*?/\\, unique."""
    used: set[str] = set()
    result = []
    for name in names:
        base = re.sub(r"[\[\]:*?/\\]", "-", str(name)).strip("'") or "tabell"
        candidate, number = base[:31], 2
        while candidate.lower() in used:
            suffix = f"-{number}"
            candidate, number = base[:31 - len(suffix)] + suffix, number + 1
        used.add(candidate.lower())
        result.append(candidate)
    return result


def sheets_to_xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one formatted sheet per table (a page's tables in one file)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, name in zip(sheets, sheet_names(s.name for s in sheets)):
        _write_sheet(workbook.create_sheet(name), sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet, table: Sheet) -> None:
    frame, formats = table.frame, dict(table.number_formats or {})
    row = 1
    if table.title:
        sheet.cell(row=row, column=1, value=escape_cell(table.title)).font = Font(bold=True, size=13)
        row += 1
    for note in table.notes:
        sheet.cell(row=row, column=1, value=escape_cell(note)).font = Font(italic=True, color="555555")
        row += 1
    if row > 1:
        row += 1
    header_row = row
    fill = PatternFill("solid", fgColor="E8EEF4")
    for col, name in enumerate(frame.columns, start=1):
        cell = sheet.cell(row=header_row, column=col, value=escape_cell(str(name)))
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, record in enumerate(frame.itertuples(index=False), start=header_row + 1):
        for col, value in enumerate(record, start=1):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            if hasattr(value, "item"):
                value = value.item()
            cell = sheet.cell(row=r, column=col, value=escape_cell(value))
            name = frame.columns[col - 1]
            if name in SHARE_COLUMNS and isinstance(value, float):
                cell.number_format = "0.0%"
            elif name in PERCENT_COLUMNS and isinstance(value, (int, float)):
                cell.number_format = "0.0"
            elif name in formats and isinstance(value, (int, float)):
                cell.number_format = formats[name]
    for col, name in enumerate(frame.columns, start=1):
        width = max([len(str(name))] + [len(str(v)) for v in frame.iloc[:, col - 1].tolist()[:200]])
        sheet.column_dimensions[get_column_letter(col)].width = min(60, max(8, width + 2))
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
