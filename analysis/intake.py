"""The one intake: every survey file, from every door, is read by `read_upload`.

The Data page, `python -m analysis validate`, `summary`/`compare`/`deck FILE`, survey rounds
(several workbooks) and the template round trip all call `read_upload` (the CLI through
`read_paths`), so they apply the same limits and give the same messages. What it accepts:
one `.xlsx` workbook, several workbooks of the same survey (one round each), a CSV set
(responses + codebook, optionally meta) or an SPSS `.sav` file.

Untrusted bytes are parsed in a worker process with hard limits (`analysis.sandbox`): this
process checks only their size and first bytes, and receives the validated survey (or the
problems) in a format that cannot run code. Whatever a reader library does with a hostile
file — allocate without bound, loop, abort in native code — costs that worker, never the
server. The bundled workbook and test fixtures are *trusted* and read in this process
(`trusted=True`), through exactly the same code (`parse_upload`).

Limits (`Limits`, from `analysis.settings`) are checked on what a file holds, not on what it
declares: see `analysis.xlsx_reader` for workbooks; a CSV's rows, columns and cells are
counted as parsed; an SPSS file's header is read first. The uploaded bytes are never modified.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from analysis import settings
from analysis.codebook import Survey
from analysis.load import (BUNDLED_WORKBOOK, SHEETS, Source, build_survey, formula_problems, source_bytes, source_name,
                           survey_from_sheets)
from analysis.problems import Problem, SurveyError
from analysis.rounds import combine_rounds
from analysis.sandbox import parse_in_worker
from analysis.xlsx_reader import MB, Refused, XlsxLimits, check_cells, limit_problem
from analysis.xlsx_reader import read as read_xlsx

log = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
SAV_MAGIC = (b"$FL2", b"$FL3")
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .xls / encrypted workbooks
ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument"


@dataclass(frozen=True)
class Limits:
    """What the data owner allows in one upload, and what the worker reading it may use.

    `Limits.from_settings()` reads them from `analysis.settings` (docs/deployment.md)."""

    max_bytes: int = 20 * MB
    max_rows: int = 200_000
    max_columns: int = 500
    max_cells: int = 10_000_000
    max_cell_chars: int = 5_000
    max_text_bytes: int = 50 * MB
    max_sheets: int = 50
    max_parts: int = 2_000
    max_unzipped_bytes: int = 400 * MB
    max_compression_ratio: int = 200
    worker_memory_bytes: int = 2_048 * MB
    worker_cpu_seconds: int = 60
    worker_timeout_seconds: float = 90

    @classmethod
    def from_settings(cls) -> "Limits":
        value = settings.value
        return cls(
            max_bytes=value("SURVEY_MAX_UPLOAD_MB") * MB,
            max_rows=value("SURVEY_MAX_ROWS"),
            max_columns=value("SURVEY_MAX_COLUMNS"),
            max_cells=value("SURVEY_MAX_CELLS"),
            max_cell_chars=value("SURVEY_MAX_CELL_CHARS"),
            max_text_bytes=value("SURVEY_MAX_TEXT_MB") * MB,
            max_sheets=value("SURVEY_MAX_SHEETS"),
            max_parts=value("SURVEY_MAX_PARTS"),
            max_unzipped_bytes=value("SURVEY_MAX_UNZIPPED_MB") * MB,
            max_compression_ratio=value("SURVEY_MAX_COMPRESSION_RATIO"),
            worker_memory_bytes=value("SURVEY_WORKER_MEMORY_MB") * MB,
            worker_cpu_seconds=value("SURVEY_WORKER_CPU_SECONDS"),
            worker_timeout_seconds=value("SURVEY_WORKER_TIMEOUT_SECONDS"),
        )

    def xlsx(self) -> XlsxLimits:
        return XlsxLimits(self.max_rows, self.max_columns, self.max_cells, self.max_cell_chars, self.max_text_bytes,
                          self.max_sheets, self.max_parts, self.max_unzipped_bytes, self.max_compression_ratio)


# ------------------------------------------------------------------------------ the one door


def read_upload(files: Mapping[str, bytes], limits: Limits | None = None, *, trusted: bool = False
                ) -> tuple[Survey | None, list[Problem]]:
    """Read an upload — `{file name: bytes}` in upload order — into a validated survey.

    Returns the survey (None when there are errors) and every problem found; never raises for
    bad input. Untrusted bytes are parsed in a worker process (`analysis.sandbox`); `trusted`
    parses in this process (the bundled workbook, tests' own files)."""
    limits = limits or Limits.from_settings()
    files = dict(files)
    if not files:
        return None, [Problem("no_files")]
    problems: list[Problem] = []
    for name, data in files.items():
        problems += [_named(p, name) for p in check_size(data, limits)]
    if problems:
        return None, problems
    if trusted:
        return parse_upload(files, limits)
    return parse_in_worker(files, limits, parse_upload)


def read_paths(paths: Sequence[str | Path], limits: Limits | None = None) -> tuple[Survey | None, list[Problem]]:
    """The command line's door: read the named files (never more than the size limit allows —
    `/dev/zero` is refused, not read until memory runs out) and pass them to `read_upload`.
    The bundled workbook is trusted; any other file is parsed in the worker."""
    limits = limits or Limits.from_settings()
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for path in map(Path, paths):
        name = str(path)
        if not path.exists():
            problems.append(Problem("file_not_found", value=name, params={"name": name}))
            continue
        if path.is_dir():
            problems.append(Problem("is_directory", params={"name": name}))
            continue
        try:
            with open(path, "rb") as handle:
                data = handle.read(limits.max_bytes + 1)
        except OSError:
            problems.append(Problem("file_unreadable", params={"name": name}))
            continue
        if len(data) > limits.max_bytes:
            problems.append(limit_problem("too_large_stream", "SURVEY_MAX_UPLOAD_MB", limits.max_bytes // MB, name=name))
            continue
        files[name] = data
    if problems:
        return None, problems
    trusted = all(Path(name).resolve() == BUNDLED_WORKBOOK for name in files)
    return read_upload(files, limits, trusted=trusted)


def load_path(path: str | Path) -> Survey:
    """`read_paths` for one file; raise `SurveyError` listing every problem."""
    survey, problems = read_paths([path])
    if survey is None:
        raise SurveyError(problems, str(path))
    return survey


def sniff_format(data: bytes, name: str = "") -> str:
    """`xlsx`, `sav`, `xls`, `ods`, `csv` or `unknown`, from the bytes first and the name second."""
    if data.startswith(XLSX_MAGIC):
        return "ods" if data[30:30 + len(ODS_MIMETYPE)] == ODS_MIMETYPE else "xlsx"
    if data[:4] in SAV_MAGIC:
        return "sav"
    if data.startswith(OLE_MAGIC):
        return "xls"
    if name.lower().endswith((".csv", ".txt")):
        return "csv"
    return "unknown"


def check_size(data: bytes, limits: Limits) -> list[Problem]:
    if len(data) > limits.max_bytes:
        return [limit_problem("too_large", "SURVEY_MAX_UPLOAD_MB", limits.max_bytes // MB,
                              size_mb=round(len(data) / MB, 1))]
    if not data:
        return [Problem("empty_file")]
    return []


def _named(problem: Problem, name: str) -> Problem:
    params = dict(problem.params)
    params.setdefault("name", name)
    return replace(problem, params=params)


# ------------------------------------------------------------------ parsing (in the worker)


def parse_upload(files: dict[str, bytes], limits: Limits) -> tuple[Survey | None, list[Problem]]:
    """Parse and validate an upload; the body of the worker (and of a trusted read).

    Never raises for bad input: a refused file, a reader error or a bug becomes a problem
    (a bug's traceback goes to the log, never to the user)."""
    try:
        return _parse(files, limits)
    except Refused as refused:
        return None, refused.problems
    except SurveyError as err:
        return None, err.problems
    except MemoryError:
        return None, [limit_problem("worker_memory", "SURVEY_WORKER_MEMORY_MB", limits.worker_memory_bytes // MB)]
    except RecursionError:
        return None, [Problem("unreadable")]
    except Exception:  # noqa: BLE001 - an unexpected failure is still a message, its traceback goes to the log
        log.exception("reading an upload failed: %s", ", ".join(files))
        return None, [Problem("internal_error")]


def _parse(files: dict[str, bytes], limits: Limits) -> tuple[Survey | None, list[Problem]]:
    formats = {name: sniff_format(data, name) for name, data in files.items()}
    if len(files) == 1:
        name, data = next(iter(files.items()))
        kind = formats[name]
        if kind == "xlsx":
            return _workbook(data, name, limits)
        if kind == "sav":
            return _sav(data, name, limits)
        if kind == "xls":
            return None, [Problem("old_excel", params={"name": name})]
        if kind == "ods":
            return None, [Problem("ods_file", params={"name": name})]
        if kind == "csv":
            return None, [Problem("csv_needs_codebook", params={"name": name})]
        return None, [Problem("unknown_format", params={"name": name})]
    if set(formats.values()) == {"xlsx"}:
        return _rounds(files, limits)
    return _csv_set(files, formats, limits)


def _workbook(data: bytes, name: str, limits: Limits) -> tuple[Survey | None, list[Problem]]:
    """One workbook in the documented format (sheets `responses`, `codebook`, `meta`)."""
    try:
        workbook = read_xlsx(data, limits.xlsx(), SHEETS)
    except Refused as refused:
        return None, [_named(p, name) for p in refused.problems]
    problems = workbook.problems + formula_problems(workbook.sheets, workbook.formulas)
    if any(p.severity == "error" for p in problems):
        return None, [_named(p, name) for p in problems]
    survey, problems = survey_from_sheets(workbook.sheets, name, problems)
    return survey, [_named(p, name) for p in problems]


def _rounds(files: dict[str, bytes], limits: Limits) -> tuple[Survey | None, list[Problem]]:
    """Several workbooks of the same survey: one round each, in upload order.

    A round is named by its meta `year` (or the file name when years repeat or are missing).
    """
    loaded: list[tuple[str, Survey]] = []
    problems: list[Problem] = []
    for name, data in files.items():
        survey, file_problems = _workbook(data, name, limits)
        problems += file_problems
        if survey is not None:
            loaded.append((name, survey))
    if any(p.severity == "error" for p in problems):
        return None, problems
    years = [s.meta.get("year") or "" for _, s in loaded]
    use_years = all(years) and len(set(years)) == len(years)
    labels = years if use_years else [Path(name).stem for name, _ in loaded]
    survey, round_problems = combine_rounds(list(zip(labels, (s for _, s in loaded))))
    return survey, problems + round_problems


# ---------------------------------------------------------------------------------------- CSV

_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_csv(data: bytes) -> tuple[str | None, list[Problem]]:
    """CSV text from UTF-8 (with or without BOM) or UTF-16 with BOM; other encodings refused.

    Guessing a legacy code page would silently change letters like æ, ø, å, so a file
    that is not valid UTF-8 gets a message telling the user how to save it instead.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        return None, [Problem("not_utf8", params={"position": exc.start})]


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def read_csv_grid(text: str, name: str, limits: Limits) -> pd.DataFrame:
    """A CSV file as a raw grid of text (header in row 0, like a sheet), within the limits;
    raise `Refused` with a specific problem otherwise."""
    control = _CONTROL.search(text)
    if control:  # before parsing: a NUL byte is not something to hand to a parser
        line = text.count("\n", 0, control.start()) + 1
        raise Refused(Problem("control_character", sheet=name, row=line,
                              params={"character": f"U+{ord(control.group()):04X}"}))
    delimiter = _delimiter(text)
    header_fields = text.split("\n", 1)[0].count(delimiter) + 1
    if header_fields > limits.max_columns:
        raise Refused(limit_problem("too_many_columns", "SURVEY_MAX_COLUMNS", limits.max_columns, sheet=name,
                                    columns=header_fields))
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    try:
        grid = pd.read_csv(io.StringIO(text), header=None, dtype=object, keep_default_na=False, na_values=[],
                           sep=delimiter, nrows=limits.max_rows + 2, engine="c")
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except pd.errors.ParserError as err:
        found = _FIELD_COUNT.search(str(err))
        if found:
            expected, line, saw = map(int, found.groups())
            raise Refused(Problem("csv_field_count", sheet=name, row=line,
                                  params={"expected": expected, "found": saw})) from None
        raise Refused(Problem("csv_unreadable", sheet=name)) from None
    if len(grid) - 1 > limits.max_rows:
        raise Refused(limit_problem("too_many_rows", "SURVEY_MAX_ROWS", limits.max_rows, sheet=name,
                                    rows=max(lines - 1, limits.max_rows + 1)))
    if grid.shape[1] > limits.max_columns:
        raise Refused(limit_problem("too_many_columns", "SURVEY_MAX_COLUMNS", limits.max_columns, sheet=name,
                                    columns=grid.shape[1]))
    if grid.shape[0] * grid.shape[1] > limits.max_cells:
        raise Refused(limit_problem("too_many_cells", "SURVEY_MAX_CELLS", limits.max_cells, sheet=name,
                                    cells=grid.shape[0] * grid.shape[1], rows=grid.shape[0], columns=grid.shape[1]))
    return grid


def _csv_set(files: dict[str, bytes], formats: dict[str, str], limits: Limits) -> tuple[Survey | None, list[Problem]]:
    """Responses + codebook (+ meta) as CSV files, recognised by their names."""
    roles: dict[str, str] = {}
    for name in files:
        stem = Path(name).stem.lower()
        for role in ("codebook", "meta", "responses"):
            if role in stem or (role == "codebook" and "kodebok" in stem) or (role == "responses" and "svar" in stem):
                roles.setdefault(role, name)
                break
    if set(formats.values()) != {"csv"} or "codebook" not in roles or "responses" not in roles:
        return None, [Problem("csv_set_names", params={"names": ", ".join(files)})]
    grids: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for role, name in roles.items():
        text, decode_problems = decode_csv(files[name])
        if decode_problems:
            problems += [replace(p, sheet=name) for p in decode_problems]
            continue
        try:
            grids[role] = read_csv_grid(text, name, limits)
        except Refused as refused:
            problems += refused.problems
    if problems:
        return None, problems
    problems = check_cells({roles[role]: grid for role, grid in grids.items()}, limits.max_cell_chars,
                           limits.max_text_bytes)
    if any(p.severity == "error" for p in problems):
        return None, problems
    if "meta" not in grids:
        grids["meta"] = pd.DataFrame([["key", "value"], ["title", Path(roles["responses"]).stem], ["year", ""],
                                      ["provenance", ""]])
        problems.append(Problem("no_meta_csv", severity="warning"))
    survey, found = survey_from_sheets(grids, roles["responses"], problems)
    return survey, [_renamed(p, roles) for p in found]


def _renamed(problem: Problem, roles: dict[str, str]) -> Problem:
    """A problem in the `responses` "sheet" of a CSV set names the file it is in."""
    return replace(problem, sheet=roles.get(problem.sheet, problem.sheet)) if problem.sheet in roles else problem


# -------------------------------------------------------------------------------------- SPSS

YES_LABELS = {"ja", "yes"}
DONT_KNOW_LABELS = {"vet ikke", "vet ikkje", "don't know", "dont know", "usikker"}


def _sav(data: bytes, name: str, limits: Limits) -> tuple[Survey | None, list[Problem]]:
    """An SPSS `.sav` file: value labels become answers, the codebook is inferred.

    SPSS files carry labels but not the dashboard's notions of section and measure, so the
    inferred codebook is reported as warnings; download it from the Data page, adjust it and
    upload the workbook if the guesses are wrong. The header is read first, so a file over
    the row or column limit is refused before its data are.
    """
    import pyreadstat

    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(data)
        handle.flush()
        try:
            _, header = pyreadstat.read_sav(handle.name, metadataonly=True)
        except Exception:  # noqa: BLE001 - any reader failure is one clear problem
            return None, [Problem("sav_unreadable", params={"name": name})]
        if (header.number_columns or 0) > limits.max_columns:
            return None, [limit_problem("too_many_columns", "SURVEY_MAX_COLUMNS", limits.max_columns, sheet=name,
                                        columns=header.number_columns)]
        if (header.number_rows or 0) > limits.max_rows:
            return None, [limit_problem("too_many_rows", "SURVEY_MAX_ROWS", limits.max_rows, sheet=name,
                                        rows=header.number_rows)]
        try:
            frame, meta = pyreadstat.read_sav(handle.name, apply_value_formats=False, row_limit=limits.max_rows + 1)
        except Exception:  # noqa: BLE001
            return None, [Problem("sav_unreadable", params={"name": name})]
    if len(frame) > limits.max_rows:
        return None, [limit_problem("too_many_rows", "SURVEY_MAX_ROWS", limits.max_rows, sheet=name, rows=len(frame))]
    codebook, responses, warnings = infer_codebook(frame, meta)
    info = {"title": meta.file_label or Path(name).stem, "year": "",
            "provenance": f"Importert fra SPSS-fila {name}.", "provenance_en": f"Imported from the SPSS file {name}."}
    grids = {"responses": _grid(responses), "codebook": _grid(codebook),
             "meta": pd.DataFrame([["key", "value"], *info.items()])}
    problems = check_cells(grids, limits.max_cell_chars, limits.max_text_bytes)
    if any(p.severity == "error" for p in problems):
        return None, [_named(p, name) for p in problems]
    survey, problems = build_survey(responses, codebook, info, name, problems + warnings)
    return survey, problems


def _grid(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame as a raw grid (header in row 0), for the cell checks every format gets."""
    return pd.DataFrame([list(frame.columns), *frame.astype(object).to_numpy().tolist()], dtype=object) \
        if len(frame.columns) else pd.DataFrame()


def _sav_text(value) -> str:
    """A code or label as text; an unlabelled code 3.0 stays visible as `3` so it is reported."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def infer_codebook(frame: pd.DataFrame, meta) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Guess each SPSS variable's kind from its value labels, and turn codes into labels."""
    rows, columns, warnings = [], {}, []
    labels_by_var = meta.variable_value_labels or {}
    questions = dict(zip(meta.column_names, meta.column_labels or [None] * len(meta.column_names)))
    id_found = False
    for variable in frame.columns:
        values = frame[variable]
        question = questions.get(variable) or variable
        value_labels = labels_by_var.get(variable)
        row = {"column": variable, "question": question, "label": question}
        if value_labels:
            ordered = [value_labels[k] for k in sorted(value_labels)]
            lowered = [label.strip().lower() for label in ordered]
            dont_know = next((label for label in ordered if label.strip().lower() in DONT_KNOW_LABELS), None)
            if dont_know:
                ordered = [label for label in ordered if label != dont_know] + [dont_know]
            substantive = [label for label in lowered if label not in DONT_KNOW_LABELS]
            if any(label in YES_LABELS for label in substantive) and len(substantive) == 2:
                yes = next(label for label in ordered if label.strip().lower() in YES_LABELS)
                ordered = [label for label in ordered if label != yes and label != dont_know] + [yes] + ([dont_know] if dont_know else [])
                row.update(kind="yes_no", measure="yes", section="spørsmål")
            elif dont_know or len(substantive) >= 4:
                row.update(kind="likert", measure="top2", section="spørsmål")
            else:
                row.update(kind="breakdown")
            row.update(scale=" | ".join(ordered), dont_know=dont_know)
            columns[variable] = values.map(lambda v, labels=value_labels: _sav_text(labels.get(v, v)) if pd.notna(v) else None)
        elif not id_found and values.notna().all() and values.is_unique:
            row.update(kind="id")
            id_found = True
            columns[variable] = values.map(_sav_text)
        elif pd.api.types.is_numeric_dtype(values) and set(values.dropna().unique()) <= {0, 1}:
            row.update(kind="multi_select", measure="selected", section="spørsmål")
            columns[variable] = values.map(lambda v: None if pd.isna(v) else str(int(v)))
        else:
            row.update(kind="text")
            columns[variable] = values.map(lambda v: None if pd.isna(v) or v == "" else str(v))
        warnings.append(Problem("sav_inferred", severity="warning", sheet="codebook", column=variable,
                                params={"kind": row["kind"]}))
        rows.append(row)
    return pd.DataFrame(rows), pd.DataFrame(columns), warnings


def read_workbook(source: Source, required: tuple[str, ...], optional: tuple[str, ...] = (), name: str | None = None):
    """A trusted workbook's documented sheets (the workshop's, the bundled survey's), through the
    same checks as an upload (`analysis.xlsx_reader`): `(Workbook, problems)`, or `(None, problems)`."""
    try:
        data = source_bytes(source, name)
        workbook = read_xlsx(data, Limits.from_settings().xlsx(), required, optional)
    except SurveyError as err:
        return None, err.problems
    except Refused as refused:
        return None, refused.problems
    return workbook, workbook.problems


def load_workbook(source: Source = BUNDLED_WORKBOOK, name: str | None = None) -> Survey:
    """Load a *trusted* workbook (the bundled one, a test's own) in this process, through the one
    intake (`analysis.intake.read_upload`); raise SurveyError listing every problem. Uploads and
    files named on the command line go through the same intake in a worker process."""
    survey, problems = validate_workbook(source, name)
    if survey is None:
        raise SurveyError(problems, source_name(source, name))
    return survey


def validate_workbook(source: Source, name: str | None = None) -> tuple[Survey | None, list[Problem]]:
    """Check a trusted workbook in this process; return the survey (None if there are errors) and all problems."""
    label = source_name(source, name)
    try:
        data = source_bytes(source, name)
    except SurveyError as err:
        return None, err.problems
    return read_upload({label: data}, trusted=True)


def load_csv(responses: Source, codebook: Source, meta: Source | None = None, name: str | None = None) -> Survey:
    """Load trusted responses and codebook CSV files (UTF-8), with optional key/value meta CSV,
    through the one intake in this process."""
    label = source_name(responses, name)
    files = {"responses.csv": source_bytes(responses), "codebook.csv": source_bytes(codebook)}
    if meta is not None:
        files["meta.csv"] = source_bytes(meta)
    survey, problems = read_upload(files, trusted=True)
    if survey is None:
        raise SurveyError(problems, label)
    survey.source = label
    return survey
