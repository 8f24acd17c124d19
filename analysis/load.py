"""Validate a survey's sheets (responses, codebook, meta) and build the typed `Survey`.

Every problem is collected with its sheet, spreadsheet row, column and value, so a user can
fix a file in one pass; nothing is loaded from a file that has errors, and the input is
never modified. Schema checks on codebook rows use pydantic (`CodebookRow`).

Reading bytes is not done here: every file — an upload, a file named on the command line,
the bundled workbook — goes through the one intake, `analysis.intake.read_upload`, which
reads the sheets (`analysis.xlsx_reader`, CSV, SPSS) and calls `survey_from_sheets` /
`build_survey`. `load_workbook`, `validate_workbook` and `load_csv` are that intake for
trusted files, in this process.
"""

from __future__ import annotations

import difflib
import math
import os
from pathlib import Path
from typing import Any, BinaryIO, Union

import numpy as np
import pandas as pd
from pydantic import ValidationError

from analysis.codebook import (
    FIELDS,
    ITEM_KINDS,
    DEFAULT_MEASURE_LABELS,
    MULTI_SELECT_SCALE,
    NUMERIC_KINDS,
    SCALE_SEPARATOR,
    SCALED_KINDS,
    Breakdown,
    CodebookRow,
    Item,
    Survey,
)
from analysis.problems import Problem, SurveyError
from analysis.xlsx_reader import column_letter

Source = Union[str, os.PathLike, bytes, BinaryIO]

SHEETS = ("responses", "codebook", "meta")
REQUIRED_CODEBOOK_FIELDS = ("column", "kind", "question", "label")
REQUIRED_META_KEYS = ("title", "year", "provenance")
MEASURES_BY_KIND = {"likert": {"top2", "bottom2"}, "yes_no": {"yes"}, "multi_select": {"selected"}}
SET_MEASURE_KINDS = ("likert", "yes_no")
"""Kinds whose headline measure may be any set of categories (`measure = 4,5,6` or labels)."""
HEADER_ROWS = 1  # spreadsheet row of the header; data start on the next row

BUNDLED_WORKBOOK = Path(__file__).resolve().parent.parent / "data" / "survey_raw.xlsx"
FORMULA_STARTS = "=+-@"


def cell_text(value: Any) -> str | None:
    """A cell as the text a person typed: None for blank, `1` rather than `1.0`."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    if text.strip() == "":
        return None
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        return text[1:]  # the apostrophe our own downloads put before formula-like text (analysis.safe_text)
    return text


def spreadsheet_row(position: int) -> int:
    """Row number as shown in Excel for the data row at 0-based `position`."""
    return position + HEADER_ROWS + 1


def source_name(source: Source, name: str | None = None) -> str:
    if name:
        return name
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return getattr(source, "name", "opplastet fil")


def source_bytes(source: Source, name: str | None = None) -> bytes:
    """The bytes of a trusted source (a path, bytes or a binary file); `SurveyError` if a path is missing."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise SurveyError([Problem("file_not_found", value=os.fspath(source))], source_name(source, name))
        return path.read_bytes()
    return _as_bytes(source)


def _as_bytes(source: bytes | BinaryIO) -> bytes:
    if isinstance(source, bytes):
        return source
    position = source.tell() if hasattr(source, "tell") else None
    data = source.read()
    if position is not None and hasattr(source, "seek"):
        source.seek(position)
    return data


def frame_with_header(raw: pd.DataFrame, sheet: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """First row as header (text), remaining rows as data; fully blank rows dropped at the end.

    A header must name each column once: a repeated name is a problem (the first column of
    that name is kept), and so is a column with data but no name (it is dropped); a column
    without name or data is spreadsheet noise and dropped silently."""
    if raw.empty:
        return pd.DataFrame(), []
    problems: list[Problem] = []
    header = [(cell_text(v) or "").strip() for v in raw.iloc[0].tolist()]
    body = raw.iloc[1:].reset_index(drop=True)
    keep: list[int] = []
    first: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for position, name in enumerate(header):
        if not name:
            if any(cell_text(v) is not None for v in body.iloc[:, position].tolist()):
                problems.append(Problem("blank_header", sheet=sheet, row=HEADER_ROWS, column=column_letter(position)))
            continue
        if name in first:
            repeated.setdefault(name, [first[name]]).append(position)
            continue
        first[name] = position
        keep.append(position)
    for name, positions in repeated.items():
        problems.append(Problem("duplicate_header", sheet=sheet, row=HEADER_ROWS, column=name, value=name,
                                params={"columns": ", ".join(column_letter(p) for p in positions)}))
    body = body.iloc[:, keep]
    body.columns = [header[p] for p in keep]
    # Trailing rows that are entirely blank are spreadsheet noise, not respondents.
    last = len(body)
    while last > 0 and all(cell_text(v) is None for v in body.iloc[last - 1].tolist()):
        last -= 1
    return body.iloc[:last], problems


def _frame_with_header(raw: pd.DataFrame) -> pd.DataFrame:
    """`frame_with_header` without its problems (the workshop's sheets)."""
    return frame_with_header(raw)[0]


def formula_problems(sheets: dict[str, pd.DataFrame], formulas: dict[str, list[tuple[int, int, str]]]) -> list[Problem]:
    """A problem for each formula cell (readers return a formula's cached value, often nothing,
    which would silently turn a formula into a blank answer), named by its column's header."""
    problems = []
    for sheet, cells in formulas.items():
        raw = sheets.get(sheet)
        for row, column, formula in cells:
            header = cell_text(raw.iat[0, column]) if raw is not None and not raw.empty and 0 <= column < raw.shape[1] else None
            problems.append(Problem("formula_cell", sheet=sheet, row=row, column=header, value=formula[:80]))
    return problems


def survey_from_sheets(sheets: dict[str, pd.DataFrame], label: str, extra_problems: list[Problem]
                       ) -> tuple[Survey | None, list[Problem]]:
    """Raw grids of `responses`, `codebook` and `meta` (header in row 0) → the validated survey."""
    problems = list(extra_problems)
    responses, found = frame_with_header(sheets["responses"], "responses")
    problems += found
    codebook, found = frame_with_header(sheets["codebook"], "codebook")
    problems += found
    meta_frame, found = frame_with_header(sheets["meta"], "meta")
    problems += found
    meta_problems, meta = _read_meta(meta_frame)
    return build_survey(responses, codebook, meta, label, extra_problems=problems + meta_problems)


def _read_meta(frame: pd.DataFrame) -> tuple[list[Problem], dict[str, str]]:
    columns = {str(c).strip().lower(): c for c in frame.columns}
    if "key" not in columns or "value" not in columns:
        return [Problem("meta_not_key_value", sheet="meta")], {}
    meta: dict[str, str] = {}
    for key, value in zip(frame[columns["key"]], frame[columns["value"]]):
        key_text = cell_text(key)
        if key_text:
            meta[key_text.strip()] = cell_text(value) or ""
    problems = [
        Problem("missing_meta_key", sheet="meta", params={"expected": k}) for k in REQUIRED_META_KEYS if k not in meta
    ]
    for key in ("invited", "min_group_size"):
        if meta.get(key):
            try:
                number = float(meta[key])
                if not number.is_integer() or number < 0:
                    raise ValueError
            except ValueError:
                problems.append(Problem("bad_meta_number", sheet="meta", value=meta[key], params={"key": key}))
    return problems, meta


def _codebook_rows(codebook: pd.DataFrame) -> tuple[list[tuple[int, CodebookRow]], list[Problem]]:
    problems: list[Problem] = []
    fields = {str(c).strip().lower(): c for c in codebook.columns}
    for required in REQUIRED_CODEBOOK_FIELDS:
        if required not in fields:
            problems.append(Problem("missing_codebook_field", sheet="codebook", params={"expected": required}))
    if problems:
        return [], problems
    for name in fields:
        if name not in FIELDS:
            close = difflib.get_close_matches(name, FIELDS, n=1, cutoff=0.5)
            problems.append(Problem("unknown_codebook_field", severity="warning", sheet="codebook", column=fields[name],
                                    value=fields[name], params={"suggestion": close[0] if close else "—"}))
    rows: list[tuple[int, CodebookRow]] = []
    seen: dict[str, CodebookRow] = {}
    for position, record in enumerate(codebook.to_dict("records")):
        values = {str(k).strip().lower(): cell_text(v) for k, v in record.items()}
        row_no = spreadsheet_row(position)
        try:
            row = CodebookRow.model_validate({k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            for error in exc.errors():
                column = ".".join(str(p) for p in error["loc"]) or None
                if column == "column" and error["type"] == "string_pattern_mismatch":
                    # pydantic would quote the regular expression; say which characters are allowed
                    problems.append(Problem("bad_column_name", sheet="codebook", row=row_no, column=column,
                                            value=error.get("input")))
                    continue
                problems.append(_codebook_problem(error, row_no, column))
            continue
        row = _resolve_values(row)
        if row.column in seen and not _breakdown_and_item(seen[row.column], row):
            problems.append(Problem("duplicate_codebook_column", sheet="codebook", row=row_no, column="column", value=row.column))
            continue
        seen[row.column] = row
        problems.extend(_check_codebook_row(row, row_no))
        rows.append((row_no, row))
    return rows, problems


def _breakdown_and_item(first: CodebookRow, second: CodebookRow) -> bool:
    """A column may have two codebook rows when one makes it a breakdown and the other an item
    on the same scale."""
    kinds = {first.kind, second.kind}
    return "breakdown" in kinds and len(kinds) == 2 and kinds <= {"breakdown", *SET_MEASURE_KINDS} \
        and first.scale == second.scale


def _resolve_values(row: CodebookRow) -> CodebookRow:
    """A row with a `values` mapping (codes and labels, as survey exports hold answers): its scale
    is the mapping's labels when none is given, and a `dont_know` given as a code is its label."""
    if not row.values:
        return row
    labels = dict(row.values)
    update = {}
    if not row.scale:
        update["scale"] = tuple(label for _, label in row.values)
    if row.dont_know in labels:
        update["dont_know"] = labels[row.dont_know]
    return row.model_copy(update=update) if update else row


def measure_set(row: CodebookRow) -> tuple[str, ...] | None:
    """The categories of a `measure` that is a set: labels separated by "|", or codes separated
    by "," (the `values` mapping's codes, else positions 1, 2, … on the scale); None if a part
    names no category."""
    text = row.measure or ""
    parts = [p.strip() for p in text.split(SCALE_SEPARATOR if SCALE_SEPARATOR in text else ",") if p.strip()]
    codes = dict(row.values)
    chosen = []
    for part in parts:
        if part in row.scale:
            chosen.append(part)
        elif part in codes:
            chosen.append(codes[part])
        elif not codes and part.isdigit() and 1 <= int(part) <= len(row.scale):
            chosen.append(row.scale[int(part) - 1])
        else:
            return None
    return tuple(c for c in row.scale if c in chosen) or None


def _codebook_problem(error: dict, row_no: int, column: str | None) -> Problem:
    """A pydantic error on a codebook row as a message in the user's language (pydantic's own
    text is English and names Python types)."""
    kind = error["type"]
    where = {"sheet": "codebook", "row": row_no, "column": column, "value": error.get("input")}
    if kind == "literal_error":
        allowed = ", ".join(part.strip(" '") for part in
                            str((error.get("ctx") or {}).get("expected", "")).replace(" or ", ", ").split(","))
        return Problem("codebook_not_allowed", params={"allowed": allowed}, **where)
    if kind in ("missing", "string_too_short"):
        return Problem("codebook_missing_value", **{**where, "value": None})
    if kind.startswith(("float", "int")):
        return Problem("codebook_not_number", **where)
    return Problem("codebook_invalid_value", **where)


def _check_codebook_row(row: CodebookRow, row_no: int) -> list[Problem]:
    problems = []
    where = {"sheet": "codebook", "row": row_no}
    scale = row.scale if row.kind != "multi_select" else MULTI_SELECT_SCALE
    if row.kind in SCALED_KINDS and not row.scale:
        problems.append(Problem("missing_scale", column="scale", params={"kind": row.kind}, **where))
    for label in {s for s in row.scale if row.scale.count(s) > 1}:
        problems.append(Problem("duplicate_scale_label", column="scale", value=label, **where))
    if row.dont_know and row.dont_know not in scale:
        problems.append(Problem("dont_know_not_in_scale", column="dont_know", value=row.dont_know, **where))
    for code, label in row.values:
        if not code or not label:
            problems.append(Problem("bad_values", column="values", value=f"{code}{'=' if label else ''}{label}", **where))
        elif label not in row.scale:
            problems.append(Problem("value_label_not_in_scale", column="values", value=label, **where))
    if row.kind in SCALED_KINDS and row.scale_en and len(row.scale_en) != len(scale):
        problems.append(Problem("scale_en_length", column="scale_en", value=" | ".join(row.scale_en),
                                params={"count": len(row.scale_en), "expected": len(scale)}, **where))
    if row.kind in NUMERIC_KINDS and not row.section:
        problems.append(Problem("missing_section", column="section", **where))
    if row.kind in ITEM_KINDS:
        if not row.section:
            problems.append(Problem("missing_section", column="section", **where))
        if row.measure is None:
            problems.append(Problem("missing_measure", column="measure", **where))
        elif row.measure not in DEFAULT_MEASURE_LABELS and row.kind in SET_MEASURE_KINDS:
            chosen = measure_set(row)
            if chosen is None or (row.dont_know in chosen):
                problems.append(Problem("bad_measure_set", column="measure", value=row.measure,
                                        params={"allowed": ", ".join(c for c in scale if c != row.dont_know)}, **where))
        elif row.measure not in MEASURES_BY_KIND[row.kind]:
            problems.append(
                Problem("measure_kind_mismatch", column="measure", value=row.measure, params={"measure": row.measure, "kind": row.kind}, **where)
            )
        else:
            substantive = [s for s in scale if s != row.dont_know]
            if len(substantive) < (3 if row.measure in ("top2", "bottom2") else 2):
                problems.append(Problem("scale_too_short", column="scale", params={"measure": row.measure}, **where))
    return problems


def _suggest(value: str, allowed: tuple[str, ...]) -> str | None:
    folded = {a.casefold().strip(): a for a in allowed}
    if value.casefold().strip() in folded:
        return folded[value.casefold().strip()]
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    return close[0] if close else None


def _check_column(
    column: str, values: pd.Series, allowed: tuple[str, ...], kind: str, value_codes: dict[str, str] | None = None
) -> tuple[pd.Series, list[Problem]]:
    """Map cells to labels; report every unknown value with a suggestion.

    The column is factorised once, so each *distinct* value is checked once (a Likert
    column has a handful); only cells holding an unknown value are visited one by one to
    build messages, so a clean 100 000-row file is checked at pandas speed. With `value_codes` (the
    codebook's `values` mapping) a cell may hold a code ("7") or its label.
    """
    values = values.astype(object).reset_index(drop=True)
    if kind == "text":
        return values.map(cell_text), []
    value_codes = value_codes or {}
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    allowed_set = set(allowed)
    labels: list[str | None] = []
    bad: list[int] = []
    for index, raw in enumerate(uniques):
        text = cell_text(raw)
        if kind == "multi_select" and text in ("0.0", "1.0"):
            text = text[0]  # a numeric export of 0/1; the value is unchanged
        text = value_codes.get(text, text)
        if text is None or text in allowed_set:
            labels.append(text)
        else:
            labels.append(None)
            bad.append(index)
    lookup = np.array(labels + [None], dtype=object)  # code -1 (missing) → last entry
    cleaned = pd.Series(lookup[codes], dtype=object)
    problems: list[Problem] = []
    allowed_text = ", ".join(allowed)
    if bad:
        for position in np.flatnonzero(np.isin(codes, bad)):
            text = cell_text(values.iat[position])
            row_no = spreadsheet_row(int(position))
            if text.startswith("="):
                problems.append(Problem("formula_cell", sheet="responses", row=row_no, column=column, value=text))
            elif kind == "multi_select":
                problems.append(Problem("bad_multi_select", sheet="responses", row=row_no, column=column, value=text))
            else:
                suggestion = _suggest(text, allowed + tuple(value_codes))
                code = "unknown_label_suggest" if suggestion else "unknown_label"
                problems.append(
                    Problem(code, sheet="responses", row=row_no, column=column, value=text,
                            params={"suggestion": suggestion, "allowed": allowed_text})
                )
    return cleaned, problems


def _check_numbers(column: str, values: pd.Series, kind: str) -> tuple[pd.Series, list[Problem]]:
    """A numeric item or the weight column as floats: a cell that is not a number is a problem
    (with its row); a weight must be a positive number in every row."""
    values = values.astype(object).reset_index(drop=True)
    texts = values.map(cell_text)
    numbers = pd.to_numeric(texts.str.replace(",", ".", regex=False) if texts.notna().any() else texts, errors="coerce")
    numbers = numbers.astype(float)
    bad = texts.notna() & (numbers.isna() | ~np.isfinite(numbers.fillna(0)))
    if kind == "weight":
        bad |= texts.isna() | (numbers <= 0)
    code = "bad_weight" if kind == "weight" else "not_a_number"
    problems = [Problem(code, sheet="responses", row=spreadsheet_row(int(position)), column=column,
                        value=texts.iat[position]) for position in np.flatnonzero(bad.to_numpy())]
    return numbers.where(~bad), problems


def build_survey(
    responses: pd.DataFrame,
    codebook: pd.DataFrame,
    meta: dict[str, str],
    source: str = "",
    extra_problems: list[Problem] | None = None,
) -> tuple[Survey | None, list[Problem]]:
    """Validate responses against the codebook and build the typed `Survey`."""
    problems = list(extra_problems or [])
    if codebook.empty:
        problems.append(Problem("empty_sheet", sheet="codebook"))
        return None, problems
    rows, codebook_problems = _codebook_rows(codebook)
    problems += codebook_problems
    if not rows and codebook_problems:
        return None, problems

    response_columns = [str(c).strip() for c in responses.columns]
    responses = responses.copy()
    responses.columns = response_columns
    described = {row.column for _, row in rows}
    for row_no, row in rows:
        if row.column not in response_columns:
            problems.append(Problem("codebook_without_data", sheet="codebook", row=row_no, column="column", value=row.column))
    for column in response_columns:
        if column not in described:
            problems.append(Problem("data_without_codebook", sheet="responses", row=HEADER_ROWS, column=column, value=column))
    if responses.empty:
        problems.append(Problem("no_respondents", sheet="responses"))

    id_rows = [row for _, row in rows if row.kind == "id"]
    if len(id_rows) != 1:
        problems.append(Problem("no_id_column", sheet="codebook", params={"count": len(id_rows)}))
    if not any(row.kind == "breakdown" for _, row in rows):
        problems.append(Problem("no_breakdowns", sheet="codebook"))
    if not any(row.kind in ITEM_KINDS for _, row in rows):
        problems.append(Problem("no_items", sheet="codebook"))

    weights = [row.column for _, row in rows if row.kind == "weight"]
    if len(weights) > 1:
        problems.append(Problem("several_weights", sheet="codebook", value=", ".join(weights)))
    items_of_rows = {row.column for _, row in rows if row.kind in ITEM_KINDS}
    clean: dict[str, pd.Series] = {}
    for _, row in rows:
        if row.column not in response_columns:
            continue
        values = responses[row.column]
        if row.kind == "id":
            problems += _check_ids(row.column, values)
            clean[row.column] = values.map(cell_text).astype("string")
            continue
        if row.kind in ("numeric", "weight"):
            clean[row.column], column_problems = _check_numbers(row.column, values, row.kind)
            problems += column_problems
            continue
        allowed = MULTI_SELECT_SCALE if row.kind == "multi_select" else row.scale
        cleaned, column_problems = _check_column(row.column, values, allowed, row.kind, dict(row.values))
        problems += column_problems
        if row.kind == "text":
            clean[row.column] = pd.Series(cleaned, dtype="string")
            continue
        # A repeated scale label is already a problem; the column is still built to find the others.
        # A column that is both a breakdown and an item is ordered (an item's scale is).
        ordered = row.kind != "breakdown" or row.column in items_of_rows
        clean[row.column] = pd.Series(pd.Categorical(cleaned, categories=list(dict.fromkeys(allowed)), ordered=ordered))
        if row.kind == "breakdown":
            problems += _check_breakdown(row.column, clean[row.column])
        if len(values) and cleaned.isna().all() and not column_problems:
            problems.append(Problem("empty_column", severity="warning", sheet="responses", column=row.column))

    invited = meta.get("invited")
    if invited and invited.replace(".", "", 1).isdigit() and float(invited) < len(responses):
        problems.append(Problem("invited_too_low", severity="warning", sheet="meta",
                                params={"invited": int(float(invited)), "answered": len(responses)}))

    if any(p.severity == "error" for p in problems):
        return None, problems

    frame = pd.DataFrame(clean)[[c for c in response_columns if c in clean]]
    items, breakdowns = _model_objects(rows)
    codebook_frame = pd.DataFrame([{**row.model_dump(), "values": " | ".join(f"{c}={v}" for c, v in row.values)}
                                   for _, row in rows])
    survey = Survey(
        items=items,
        breakdowns=breakdowns,
        responses=frame,
        meta=dict(meta),
        id_column=id_rows[0].column,
        source=source,
        codebook=codebook_frame,
        weight=weights[0] if weights else None,
    )
    return survey, problems + _english_notices(survey, rows)


def _english_notices(survey: Survey, rows: list[tuple[int, CodebookRow]]) -> list[Problem]:
    """One warning per English codebook column that is blank where a reader would see the text:
    the English interface shows the bokmål text there."""
    first_row = {}
    for row_no, row in rows:
        first_row.setdefault(row.column, row_no)
    return [Problem("missing_english", severity="warning", sheet="codebook", row=first_row.get(columns[0]),
                    column=field_name, value=columns[0], params={"count": len(columns)})
            for field_name, columns in survey.english_gaps().items()]


def _check_ids(column: str, values: pd.Series) -> list[Problem]:
    problems = []
    first_seen: dict[str, int] = {}
    for position, raw in enumerate(values.tolist()):
        text = cell_text(raw)
        row_no = spreadsheet_row(position)
        if text is None:
            problems.append(Problem("blank_id", sheet="responses", row=row_no, column=column))
        elif text in first_seen:
            problems.append(Problem("duplicate_id", sheet="responses", row=row_no, column=column, value=text,
                                    params={"other_row": first_seen[text]}))
        else:
            first_seen[text] = row_no
    return problems


def _check_breakdown(column: str, values: pd.Series) -> list[Problem]:
    problems = []
    blanks = values.isna().to_numpy().nonzero()[0]
    for position in blanks:
        problems.append(Problem("blank_breakdown", sheet="responses", row=spreadsheet_row(int(position)), column=column))
    counts = values.value_counts()
    for value, count in counts.items():
        if count == 0:
            problems.append(Problem("unused_breakdown_value", severity="warning", sheet="codebook", column=column, value=value))
        elif count == 1:
            position = int((values == value).to_numpy().nonzero()[0][0])
            problems.append(Problem("rare_breakdown_value", severity="warning", sheet="responses",
                                    row=spreadsheet_row(position), column=column, value=value))
    return problems


def _model_objects(rows: list[tuple[int, CodebookRow]]) -> tuple[dict[str, Item], dict[str, Breakdown]]:
    items: dict[str, Item] = {}
    breakdowns: dict[str, Breakdown] = {}
    for position, (_, row) in enumerate(rows):
        if row.kind == "breakdown":
            breakdowns[row.column] = Breakdown(row.column, row.label, row.scale, row.label_en, row.scale_en)
        if row.kind in (*ITEM_KINDS, *NUMERIC_KINDS):
            named = row.measure in DEFAULT_MEASURE_LABELS
            chosen = () if named or row.kind in NUMERIC_KINDS else measure_set(row)
            measure = row.measure if named else "set" if chosen else ""
            default_label = DEFAULT_MEASURE_LABELS.get(row.measure) or "/".join(chosen or ())
            items[row.column] = Item(
                id=row.column,
                kind=row.kind,
                question=row.question,
                label=row.label,
                section=row.section or "",
                subsection=row.subsection or "",
                measure=measure,
                measure_label=row.measure_label or default_label,
                categories=MULTI_SELECT_SCALE if row.kind == "multi_select" else row.scale,
                dont_know=row.dont_know,
                order=row.order if row.order is not None else float(position),
                question_en=row.question_en,
                label_en=row.label_en,
                measure_set=chosen or (),
                measure_label_en=row.measure_label_en,
                section_en=row.section_en,
                subsection_en=row.subsection_en,
                categories_en=row.scale_en if row.kind != "multi_select" else (),
            )
    return items, breakdowns
