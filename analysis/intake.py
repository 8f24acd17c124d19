"""Reading what a user uploads: size limits, format sniffing, CSV and SPSS import.

Untrusted files are checked *before* they are parsed — byte size, zip entry sizes and
compression ratios, XML entity declarations, declared sheet dimensions — so a zip or XML
bomb is refused with a message instead of hanging or exhausting the server. The uploaded
bytes are never modified: every reader works on a copy in memory.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.codebook import Survey
from analysis.load import build_survey, validate_workbook, _read_meta
from analysis.problems import Problem, SurveyError

XLSX_MAGIC = b"PK\x03\x04"
SAV_MAGIC = (b"$FL2", b"$FL3")
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .xls / encrypted workbooks
_DIMENSION = re.compile(rb'<dimension\s+ref="[A-Z]+[0-9]+(?::([A-Z]+)([0-9]+))?"')
_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)


@dataclass(frozen=True)
class Limits:
    """What the data owner allows in one upload (environment variables, see docs/deployment.md)."""

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 200_000
    max_columns: int = 500
    max_unzipped_bytes: int = 400 * 1024 * 1024
    max_compression_ratio: int = 200
    max_zip_entries: int = 2_000

    @classmethod
    def from_environment(cls) -> "Limits":
        def number(name: str, default: int) -> int:
            try:
                return int(os.environ.get(name, "") or default)
            except ValueError:
                return default

        base = cls()
        return cls(
            max_bytes=number("SURVEY_MAX_UPLOAD_MB", base.max_bytes // (1024 * 1024)) * 1024 * 1024,
            max_rows=number("SURVEY_MAX_ROWS", base.max_rows),
            max_columns=number("SURVEY_MAX_COLUMNS", base.max_columns),
        )


def sniff_format(data: bytes, name: str = "") -> str:
    """`xlsx`, `sav`, `xls`, `csv` or `unknown`, from the bytes first and the name second."""
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    if data[:4] in SAV_MAGIC:
        return "sav"
    if data.startswith(OLE_MAGIC):
        return "xls"
    if name.lower().endswith((".csv", ".txt")):
        return "csv"
    return "unknown"


def check_size(data: bytes, limits: Limits) -> list[Problem]:
    if len(data) > limits.max_bytes:
        return [Problem("too_large", params={"size_mb": round(len(data) / 1048576, 1), "limit_mb": limits.max_bytes // 1048576})]
    if not data:
        return [Problem("empty_file")]
    return []


def check_workbook_container(data: bytes, limits: Limits) -> list[Problem]:
    """Refuse zip/XML bombs and oversized sheets before any parser sees the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except zipfile.BadZipFile:
        return [Problem("not_a_workbook", params={"detail": "ødelagt zip-arkiv"})]
    if len(entries) > limits.max_zip_entries:
        return [Problem("zip_bomb", params={"detail": f"{len(entries)} deler"})]
    total = sum(e.file_size for e in entries)
    if total > limits.max_unzipped_bytes:
        return [Problem("zip_bomb", params={"detail": f"{total // 1048576} MB utpakket"})]
    for entry in entries:
        if entry.compress_size and entry.file_size / entry.compress_size > limits.max_compression_ratio and entry.file_size > 1048576:
            return [Problem("zip_bomb", params={"detail": f"{entry.filename}: komprimert {entry.file_size // entry.compress_size}:1"})]
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names:
        return [Problem("not_a_workbook", params={"detail": "mangler xl/workbook.xml"})]
    problems: list[Problem] = []
    for entry in entries:
        if not entry.filename.endswith((".xml", ".rels")):
            continue
        with archive.open(entry) as handle:
            head = handle.read(4096)
        if _ENTITY.search(head):
            return [Problem("xml_entities", params={"detail": entry.filename})]
        if entry.filename.startswith("xl/worksheets/"):
            match = _DIMENSION.search(head)
            if match and match.group(1):
                columns = 0
                for letter in match.group(1).decode():
                    columns = columns * 26 + ord(letter) - 64
                rows = int(match.group(2))
                if rows - 1 > limits.max_rows:
                    problems.append(Problem("too_many_rows", params={"rows": rows - 1, "limit": limits.max_rows}))
                if columns > limits.max_columns:
                    problems.append(Problem("too_many_columns", params={"columns": columns, "limit": limits.max_columns}))
    return problems


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


def read_csv_text(text: str, sheet: str) -> pd.DataFrame:
    """Parse CSV with the delimiter sniffed from the header (`,`, `;` or tab); all text."""
    first_line = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    return pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False, sep=delimiter, na_values=[])


def load_upload(
    files: dict[str, bytes],
    limits: Limits | None = None,
) -> tuple[Survey | None, list[Problem]]:
    """Load an upload: one `.xlsx`/`.sav`, or a responses CSV + a codebook CSV (+ meta CSV).

    `files` maps each uploaded file's name to its bytes. Returns the survey (None on errors)
    and every problem found; never raises for bad input.
    """
    limits = limits or Limits.from_environment()
    problems: list[Problem] = []
    for name, data in files.items():
        problems += [_named(p, name) for p in check_size(data, limits)]
    if problems:
        return None, problems
    formats = {name: sniff_format(data, name) for name, data in files.items()}
    try:
        if len(files) == 1:
            name, data = next(iter(files.items()))
            kind = formats[name]
            if kind == "xlsx":
                container = check_workbook_container(data, limits)
                if container:
                    return None, [_named(p, name) for p in container]
                return validate_workbook(data, name=name)
            if kind == "sav":
                return load_sav(data, name)
            if kind == "xls":
                return None, [Problem("old_excel", sheet=None, params={"name": name})]
            if kind == "csv":
                return None, [Problem("csv_needs_codebook", params={"name": name})]
            return None, [Problem("unknown_format", params={"name": name})]
        if set(formats.values()) == {"xlsx"}:
            return _load_rounds(files, limits)
        return _load_csv_set(files, formats, limits)
    except SurveyError as err:
        return None, err.problems
    except Exception as exc:  # noqa: BLE001 - an unexpected reader failure is still a message
        return None, [Problem("unreadable", params={"detail": f"{type(exc).__name__}: {str(exc)[:200]}"})]


def _named(problem: Problem, name: str) -> Problem:
    params = dict(problem.params)
    params.setdefault("name", name)
    return Problem(problem.code, problem.severity, problem.sheet, problem.row, problem.column, problem.value, params)


def _load_rounds(files: dict[str, bytes], limits: Limits) -> tuple[Survey | None, list[Problem]]:
    """Several workbooks of the same survey: one round each, in upload order.

    A round is named by its meta `year` (or the file name when years repeat or are missing).
    """
    from analysis.rounds import combine_rounds

    loaded: list[tuple[str, Survey]] = []
    problems: list[Problem] = []
    for name, data in files.items():
        container = check_workbook_container(data, limits)
        if container:
            problems += [_named(p, name) for p in container]
            continue
        survey, file_problems = validate_workbook(data, name=name)
        problems += [_named(p, name) for p in file_problems]
        if survey is not None:
            loaded.append((name, survey))
    if any(p.severity == "error" for p in problems):
        return None, problems
    years = [s.meta.get("year") or "" for _, s in loaded]
    use_years = all(years) and len(set(years)) == len(years)
    labels = years if use_years else [Path(name).stem for name, _ in loaded]
    survey, round_problems = combine_rounds(list(zip(labels, (s for _, s in loaded))))
    return survey, problems + round_problems


def _load_csv_set(files: dict[str, bytes], formats: dict[str, str], limits: Limits) -> tuple[Survey | None, list[Problem]]:
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
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for role, name in roles.items():
        text, decode_problems = decode_csv(files[name])
        if decode_problems:
            problems += [Problem(p.code, sheet=name, params=p.params) for p in decode_problems]
            continue
        frames[role] = read_csv_text(text, role)
        if len(frames[role]) > limits.max_rows:
            problems.append(Problem("too_many_rows", sheet=name, params={"rows": len(frames[role]), "limit": limits.max_rows}))
        if len(frames[role].columns) > limits.max_columns:
            problems.append(Problem("too_many_columns", sheet=name, params={"columns": len(frames[role].columns), "limit": limits.max_columns}))
    if problems:
        return None, problems
    meta_problems: list[Problem] = []
    if "meta" in frames:
        meta_problems, meta = _read_meta(frames["meta"])
    else:
        meta = {"title": Path(roles["responses"]).stem, "year": "", "provenance": ""}
        meta_problems = [Problem("no_meta_csv", severity="warning")]
    return build_survey(frames["responses"], frames["codebook"], meta, roles["responses"], meta_problems)


# --- SPSS -----------------------------------------------------------------------------------

YES_LABELS = {"ja", "yes"}
DONT_KNOW_LABELS = {"vet ikke", "vet ikkje", "don't know", "dont know", "usikker"}


def load_sav(data: bytes, name: str = "upload.sav") -> tuple[Survey | None, list[Problem]]:
    """Import an SPSS `.sav` file: value labels become answers, the codebook is inferred.

    SPSS files carry labels but not the dashboard's notions of section and measure, so the
    inferred codebook is reported as warnings; download it from the Data page, adjust it and
    upload the workbook if the guesses are wrong.
    """
    import pyreadstat

    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(data)
        handle.flush()
        try:
            frame, meta = pyreadstat.read_sav(handle.name, apply_value_formats=False)
        except Exception as exc:  # noqa: BLE001
            return None, [Problem("unreadable", params={"detail": f"{type(exc).__name__}: {str(exc)[:200]}"})]
    codebook, responses, warnings = infer_codebook(frame, meta)
    info = {"title": meta.file_label or Path(name).stem, "year": "", "provenance": f"Importert fra SPSS-fila {name}."}
    survey, problems = build_survey(responses, codebook, info, name, warnings)
    return survey, problems


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
