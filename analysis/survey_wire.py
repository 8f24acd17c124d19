"""A parsed survey and its problems as bytes that cannot run code — what a worker sends back.

The worker that parsed an untrusted file may, in the worst case, be under the file's
control; so what it returns is never unpickled. The format is a JSON header (items,
breakdowns, meta, codebook, problems, and for each response column its kind and categories)
followed by the categorical codes as raw little-endian integers, read back with
`numpy.frombuffer` — numbers and strings only. `decode` checks every field's type and
every code's range and rebuilds the objects with their own constructors, so a malformed or
hostile reply is one problem (`worker_bad_reply`), never an exception or a wrong survey.
"""

from __future__ import annotations

import json
import struct
from dataclasses import asdict, fields
from typing import Any

import numpy as np
import pandas as pd

from analysis.codebook import Breakdown, Item, Survey
from analysis.i18n import NB
from analysis.problems import Problem

VERSION = 1
_HEADER = struct.Struct("<4sQ")
MAGIC = b"SVY1"
_SCALAR = (str, int, float, bool, type(None))


class BadReply(Exception):
    """The reply does not have the shape `encode` gives it."""


# ----------------------------------------------------------------------------------- encode


def encode(survey: Survey | None, problems: list[Problem]) -> bytes:
    """The survey (or None) and the problems as bytes."""
    blob = bytearray()
    header: dict[str, Any] = {"version": VERSION, "problems": [_problem(p) for p in problems], "survey": None}
    if survey is not None:
        columns = []
        for name in survey.responses.columns:
            values = survey.responses[name]
            if isinstance(values.dtype, pd.CategoricalDtype):
                codes = np.asarray(values.cat.codes, dtype="<i4")
                columns.append({"name": str(name), "kind": "categorical", "ordered": bool(values.cat.ordered),
                                "categories": [str(c) for c in values.cat.categories],
                                "offset": len(blob), "length": len(codes)})
                blob += codes.tobytes()
            elif pd.api.types.is_float_dtype(values.dtype):
                numbers = np.asarray(values, dtype="<f8")
                columns.append({"name": str(name), "kind": "float", "offset": len(blob), "length": len(numbers)})
                blob += numbers.tobytes()
            else:
                columns.append({"name": str(name), "kind": "string",
                                "values": [None if pd.isna(v) else str(v) for v in values.tolist()]})
        header["survey"] = {
            "items": [{**asdict(item), "categories": list(item.categories), "measure_set": list(item.measure_set),
                "categories_en": list(item.categories_en)}
                      for item in survey.items.values()],
            "breakdowns": [{**asdict(b), "values": list(b.values), "values_en": list(b.values_en)} for b in survey.breakdowns.values()],
            "meta": {str(k): str(v) for k, v in survey.meta.items()},
            "id_column": survey.id_column,
            "source": survey.source,
            "rows": len(survey.responses),
            "columns": columns,
            "codebook": _codebook(survey.codebook),
            "weight": survey.weight,
        }
    text = json.dumps(header, ensure_ascii=False, allow_nan=False).encode("utf-8")
    return _HEADER.pack(MAGIC, len(text)) + text + bytes(blob)


def _problem(problem: Problem) -> dict[str, Any]:
    return {"code": problem.code, "severity": problem.severity, "sheet": problem.sheet, "row": problem.row,
            "column": problem.column, "value": _scalar(problem.value),
            "params": {str(k): _scalar(v) for k, v in problem.params.items()}}


def _scalar(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    return value if isinstance(value, _SCALAR) else str(value)


def _codebook(frame: pd.DataFrame) -> dict[str, Any]:
    records = []
    for record in frame.to_dict("records"):
        records.append({str(k): list(v) if isinstance(v, (tuple, list)) else _scalar(v) for k, v in record.items()})
    return {"columns": [str(c) for c in frame.columns], "records": records}


# ----------------------------------------------------------------------------------- decode


def decode(data: bytes) -> tuple[Survey | None, list[Problem]]:
    """Rebuild what `encode` wrote; `BadReply` for anything else."""
    try:
        magic, length = _HEADER.unpack_from(data)
        if magic != MAGIC or length > len(data) - _HEADER.size:
            raise BadReply("header")
        header = json.loads(bytes(data[_HEADER.size:_HEADER.size + length]).decode("utf-8"))
        blob = memoryview(data)[_HEADER.size + length:]
        _expect(isinstance(header, dict) and header.get("version") == VERSION, "version")
        problems = [_read_problem(p) for p in _list(header.get("problems"))]
        raw = header.get("survey")
        return (None if raw is None else _read_survey(raw, blob)), problems
    except BadReply:
        raise
    except (ValueError, TypeError, KeyError, struct.error, UnicodeDecodeError) as err:
        raise BadReply(type(err).__name__) from None


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise BadReply(what)


def _list(value: Any) -> list:
    _expect(isinstance(value, list), "list")
    return value


def _text(value: Any, optional: bool = False) -> str | None:
    _expect(isinstance(value, str) or (optional and value is None), "text")
    return value


def _read_problem(raw: Any) -> Problem:
    _expect(isinstance(raw, dict), "problem")
    code = _text(raw.get("code"))
    _expect(f"problem.{code}" in NB, "problem code")  # only messages the catalogue knows
    _expect(raw.get("severity") in ("error", "warning"), "severity")
    row = raw.get("row")
    _expect(row is None or (isinstance(row, int) and not isinstance(row, bool)), "row")
    params = raw.get("params")
    _expect(isinstance(params, dict) and all(isinstance(v, _SCALAR) for v in params.values()), "params")
    _expect(isinstance(raw.get("value"), _SCALAR), "value")
    return Problem(code, raw["severity"], _text(raw.get("sheet"), True), row, _text(raw.get("column"), True),
                   raw.get("value"), dict(params))


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(_text(v) for v in _list(value))


def _read_item(raw: Any) -> Item:
    _expect(isinstance(raw, dict) and set(raw) == {f.name for f in fields(Item)}, "item")
    for name in ("id", "kind", "question", "label", "section", "subsection", "measure", "measure_label"):
        _text(raw[name])
    for name in ("dont_know", "question_en", "label_en", "measure_label_en", "section_en", "subsection_en"):
        _text(raw[name], optional=True)
    _expect(isinstance(raw["order"], (int, float)) and not isinstance(raw["order"], bool), "order")
    return Item(**{**raw, "categories": _texts(raw["categories"]), "measure_set": _texts(raw["measure_set"]),
                   "categories_en": _texts(raw["categories_en"]), "order": float(raw["order"])})


def _read_breakdown(raw: Any) -> Breakdown:
    _expect(isinstance(raw, dict) and set(raw) == {f.name for f in fields(Breakdown)}, "breakdown")
    return Breakdown(_text(raw["id"]), _text(raw["label"]), _texts(raw["values"]), _text(raw["label_en"], True),
                     _texts(raw["values_en"]))


def _read_survey(raw: Any, blob: memoryview) -> Survey:
    _expect(isinstance(raw, dict), "survey")
    rows = raw.get("rows")
    _expect(isinstance(rows, int) and rows >= 0, "rows")
    columns: dict[str, pd.Series] = {}
    for column in _list(raw.get("columns")):
        _expect(isinstance(column, dict), "column")
        name = _text(column.get("name"))
        _expect(name not in columns, "duplicate column")
        if column.get("kind") == "categorical":
            categories = list(_texts(column.get("categories")))
            offset, length = column.get("offset"), column.get("length")
            _expect(isinstance(offset, int) and isinstance(length, int) and length == rows and offset >= 0
                    and offset + 4 * length <= len(blob), "codes")
            codes = np.frombuffer(blob[offset:offset + 4 * length], dtype="<i4").astype(np.int32)
            _expect(bool(((codes >= -1) & (codes < len(categories))).all()), "code range")
            categorical = pd.Categorical.from_codes(codes, categories=categories, ordered=column.get("ordered") is True)
            columns[name] = pd.Series(categorical)
        elif column.get("kind") == "float":
            offset, length = column.get("offset"), column.get("length")
            _expect(isinstance(offset, int) and isinstance(length, int) and length == rows and offset >= 0
                    and offset + 8 * length <= len(blob), "numbers")
            columns[name] = pd.Series(np.frombuffer(blob[offset:offset + 8 * length], dtype="<f8").astype(float))
        elif column.get("kind") == "string":
            values = _list(column.get("values"))
            _expect(len(values) == rows and all(v is None or isinstance(v, str) for v in values), "strings")
            columns[name] = pd.Series(values, dtype="string")
        else:
            raise BadReply("column kind")
    items = {item.id: item for item in map(_read_item, _list(raw.get("items")))}
    breakdowns = {b.id: b for b in map(_read_breakdown, _list(raw.get("breakdowns")))}
    meta = raw.get("meta")
    _expect(isinstance(meta, dict) and all(isinstance(v, str) for v in meta.values()), "meta")
    id_column = _text(raw.get("id_column"))
    _expect(id_column in columns and all(i in columns for i in items) and all(b in columns for b in breakdowns),
            "columns named")
    codebook = raw.get("codebook")
    _expect(isinstance(codebook, dict), "codebook")
    records = []
    for record in _list(codebook.get("records")):
        _expect(isinstance(record, dict), "codebook record")
        records.append({k: tuple(_texts(v)) if isinstance(v, list) else v for k, v in record.items()
                        if isinstance(v, _SCALAR) or isinstance(v, list)})
    codebook_frame = pd.DataFrame(records, columns=_texts(codebook.get("columns")))
    weight = _text(raw.get("weight"), optional=True)
    _expect(weight is None or weight in columns, "weight column")
    return Survey(items=items, breakdowns=breakdowns, responses=pd.DataFrame(columns, index=pd.RangeIndex(rows)),
                  meta=dict(meta), id_column=id_column, source=_text(raw.get("source")), codebook=codebook_frame,
                  weight=weight)
