"""Property tests (hypothesis): valid workbooks and CSV sets, mutated byte by byte and cell by
cell, through the one intake as an upload (in the worker). Whatever the mutation: no
exception here, this process still alive, and either a survey or specific messages — never a
traceback, an exception name or an unfilled placeholder, in either language."""

from __future__ import annotations

import io
import os
import re
import zipfile

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.i18n import NB
from analysis.intake import read_upload
from conftest import tiny_frames

pytestmark = pytest.mark.slow

PROPERTY = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "40")), deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LEAKS = re.compile(r"Traceback|Error\b|Exception|\bNone\b|\{[a-z_]+\}")


def workbook(frames) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


GOOD = workbook(tiny_frames())
GOOD_PARTS = {i.filename: zipfile.ZipFile(io.BytesIO(GOOD)).read(i) for i in zipfile.ZipFile(io.BytesIO(GOOD)).infolist()}
GOOD_CSV = {f"{name}.csv": frame.to_csv(index=False).encode("utf-8") for name, frame in tiny_frames().items()}


def check(files: dict[str, bytes]) -> None:
    survey, problems = read_upload(files)
    errors = [p for p in problems if p.severity == "error"]
    assert (survey is None) == bool(errors)
    for problem in problems:
        assert problem.code not in ("internal_error", "worker_crashed", "worker_bad_reply"), problem.describe()
        assert f"problem.{problem.code}" in NB
        for language in ("nb", "en"):
            text = problem.describe(language)
            assert text and not LEAKS.search(problem.message(language)), text


# --------------------------------------------------------------------------------- mutations

VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "Aby\x00", "=HYPERLINK(\"x\")", "<b>x</b>", "[x](javascript:alert(1))",
                     "I stor grad", "Vet ikke", "Ja", "1", "0", "-1", "1e308", "nan", "kind", "likert", "id",
                     "top2", "responses", "A | A", "|||", "x" * 6000]),
    st.integers(min_value=-10 ** 12, max_value=10 ** 12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
)


@st.composite
def cell_edits(draw):
    """A few cells of the tiny survey's sheets (header included) set to arbitrary values."""
    frames = {name: frame.astype(object) for name, frame in tiny_frames().items()}
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(sorted(frames)))
        frame = frames[name]
        column = draw(st.integers(0, frame.shape[1] - 1))
        value = draw(VALUES)
        if draw(st.booleans()):  # a header
            columns = list(frame.columns)
            columns[column] = "" if value is None else str(value)
            frame.columns = columns
        else:
            frame.iat[draw(st.integers(0, len(frame) - 1)), column] = value
    return frames


def _writable(frames) -> bool:
    try:
        workbook(frames)
        return True
    except Exception:  # openpyxl refuses control characters: such a workbook cannot be written
        return False


@PROPERTY
@given(cell_edits())
def test_workbooks_mutated_cell_by_cell(frames):
    if _writable(frames):
        check({"mutated.xlsx": workbook(frames)})


@PROPERTY
@given(cell_edits())
def test_csv_sets_mutated_cell_by_cell(frames):
    check({f"{name}.csv": frame.to_csv(index=False).encode("utf-8", "surrogatepass") for name, frame in frames.items()})


@st.composite
def byte_edits(draw, data: bytes):
    """Flip, insert, delete or truncate bytes."""
    blob = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        if not blob:
            break
        position = draw(st.integers(0, len(blob) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if action == "flip":
            blob[position] ^= draw(st.integers(1, 255))
        elif action == "insert":
            blob[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif action == "delete":
            del blob[position:position + draw(st.integers(1, 64))]
        else:
            del blob[position:]
    return bytes(blob)


@PROPERTY
@given(byte_edits(GOOD))
def test_workbook_bytes_mutated(data):
    check({"mutated.xlsx": data})


@PROPERTY
@given(st.sampled_from(sorted(GOOD_PARTS)), st.data())
def test_workbook_parts_mutated_inside_a_valid_zip(part, data):
    """The XML itself damaged, in a zip that is otherwise sound (so the reader gets to it)."""
    parts = dict(GOOD_PARTS)
    parts[part] = data.draw(byte_edits(parts[part]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    check({"mutated.xlsx": buffer.getvalue()})


@PROPERTY
@given(st.sampled_from(sorted(GOOD_CSV)), st.data())
def test_csv_bytes_mutated(name, data):
    files = dict(GOOD_CSV)
    files[name] = data.draw(byte_edits(files[name]))
    check(files)
