"""Reading an .xlsx from untrusted bytes: every limit checked on what the file holds.

A workbook is a zip of XML parts, and what its headers *declare* — entry sizes, a sheet's
`<dimension>` — can lie. So before a spreadsheet library sees the bytes, `inspect` unpacks
every part once, as a stream, and stops at the first limit reached:

- parts (zip entries), and what they unpack to — counted while unpacking, so a header that
  understates a size changes nothing — and each part's compression ratio as it goes (a zip
  bomb is refused after its first megabyte, not after two gigabytes);
- `<!DOCTYPE` / `<!ENTITY` anywhere in any part (XML bombs and external entities), and XML
  in UTF-16, which the scan could not read;
- the sheet list from `xl/workbook.xml`: how many sheets, and the required ones matched by
  their exact documented names — a hidden, very hidden, duplicate or look-alike sheet
  (`" responses"`, `"Responses"`) is a problem, never a silent substitute;
- for each sheet that will be read: the rows and columns actually used (from the cells, with
  or without `r="A1"` references), the area they span (a reader lays it out in memory: one
  cell at `XFD1048576` is 17 billion cells), text runs longer than a cell may be, formula
  cells; and in the shared-string table its strings' lengths and total text.

Only then `read` lets python-calamine read exactly the sheets asked for, and checks the
values it returned: characters per cell, control characters (a NUL byte shows as nothing but
is not the answer it looks like), total distinct text. Every problem names the file's sheet,
row and column and, for a limit, the setting that raises it (`analysis.settings`).

Nothing here is Streamlit or survey-specific: `analysis.intake` reads surveys with it (in a
worker process with hard memory and time limits, `analysis.sandbox`), `workshop.model`
reads the owner's workshop workbook with it.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from analysis.problems import Problem

MB = 1024 * 1024
CHUNK = 1 * MB  # decompressed bytes handed on at most at a time
INPUT_CHUNK = 64 * 1024  # compressed bytes fed to zlib at a time (the ratio is checked after each)
RATIO_FLOOR = 1 * MB  # a part smaller than this unpacked is never a bomb, whatever its ratio
STRUCTURE_LIMIT = 16 * MB  # workbook.xml and relationships: far more than any real workbook needs
BYTES_PER_CHAR = 10  # the most XML can spend on one character (`&#x10FFFF;`): a coarse pre-read bound

WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
MACRO_PARTS = ("xl/vbaProject.bin",)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"  # a namespace prefix (`x:row`) must not hide a tag from the scan
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:")
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)


class _Tags:
    """The patterns the sheet scan uses, with or without namespace prefixes (the plain ones
    are several times faster, and used for a chunk without any prefixed tag)."""

    def __init__(self, prefix: bytes):
        self.row = re.compile(rb"<" + prefix + rb"row[\s/>]")
        self.row_r = re.compile(rb"<" + prefix + rb"row\b[^>]*?\sr\s*=\s*[\"'](\d+)[\"']")
        self.row_start = re.compile(rb"<" + prefix + rb"row\b(?:[^>]*?\sr\s*=\s*[\"'](\d+)[\"'])?")
        self.cell = re.compile(rb"<" + prefix + rb"c[\s/>]")
        self.cell_column = re.compile(rb"<" + prefix + rb"c\b[^>]*?\sr\s*=\s*[\"']\$?([A-Za-z]+)\$?\d+[\"']")
        self.formula = re.compile(rb"<" + prefix + rb"f\b")
        # what almost every writer emits (`r` first, double quotes): several times faster to find
        self.row_r_first = re.compile(rb'<' + prefix + rb'row r="(\d+)"')
        self.cell_column_first = re.compile(rb'<' + prefix + rb'c r="\$?([A-Z]+)\$?\d+"')
        self.cell_or_formula = re.compile(rb"<" + prefix + rb"(c|f)\b([^>]*?)(/?)>")


_PLAIN, _ANY_PREFIX = _Tags(b""), _Tags(_PREFIX)
_TAG = re.compile(rb"<(/?)" + _PREFIX + rb"(si)\b([^>]*?)(/?)>")
_R_ATTR = re.compile(rb"\sr\s*=\s*[\"']\$?([A-Za-z]*)\$?(\d+)[\"']")
_TEXT_RUN = re.compile(rb">([^<]+)")
_RICH = re.compile(rb"<" + _PREFIX + rb"r[\s>]")


class Refused(Exception):
    """The file is refused; `problems` say why (raised inside the scan to stop at once)."""

    def __init__(self, *problems: Problem):
        self.problems = list(problems)
        super().__init__(", ".join(p.code for p in problems))


@dataclass(frozen=True)
class XlsxLimits:
    """What one workbook may hold (from `analysis.intake.Limits`)."""

    max_rows: int
    max_columns: int
    max_cells: int
    max_cell_chars: int
    max_text_bytes: int
    max_sheets: int
    max_parts: int
    max_unzipped_bytes: int
    max_compression_ratio: int


@dataclass(frozen=True)
class SheetEntry:
    """A sheet as `xl/workbook.xml` lists it."""

    name: str
    state: str  # visible | hidden | veryHidden
    part: str | None  # the zip entry of its XML


@dataclass
class SheetScan:
    """What the scan of one sheet's XML found."""

    name: str
    rows: int = 0  # the last row used (1 = the header only)
    columns: int = 0  # the furthest column used
    cells: int = 0
    formulas: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column index, formula)


@dataclass(frozen=True)
class Inspection:
    """A workbook that passed `inspect`: its sheets, and what the scan found in the ones to read."""

    sheets: tuple[SheetEntry, ...]
    chosen: dict[str, SheetEntry]  # documented name → the sheet to read
    scans: dict[str, SheetScan]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def limit_problem(code: str, setting: str, limit: int, sheet: str | None = None, **params) -> Problem:
    """A limit reached: the problem names the limit and the setting that raises it."""
    return Problem(code, sheet=sheet, params={"limit": limit, "setting": setting, **params})


# ------------------------------------------------------------------------------ the container


def _open(data: bytes, limits: XlsxLimits) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error):
        raise Refused(Problem("xlsx_not_zip")) from None
    if len(entries) > limits.max_parts:
        raise Refused(limit_problem("zip_too_many_parts", "SURVEY_MAX_PARTS", limits.max_parts, count=len(entries)))
    declared = sum(entry.file_size for entry in entries)
    if declared > limits.max_unzipped_bytes:  # refused at once when the header already says so
        raise Refused(limit_problem("zip_unpacked_too_large", "SURVEY_MAX_UNZIPPED_MB", limits.max_unzipped_bytes // MB,
                                    size_mb=declared // MB))
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise Refused(Problem("xlsx_encrypted", params={"part": entry.filename}))
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(Problem("xlsx_compression", params={"part": entry.filename}))
    return archive, entries


class _Unpacker:
    """Unpacks parts as streams while counting what comes out against the limits."""

    def __init__(self, data: bytes, limits: XlsxLimits):
        self.data = memoryview(data)
        self.limits = limits
        self.total = 0

    def _raw(self, entry: zipfile.ZipInfo) -> memoryview:
        """The part's compressed bytes, located from its local header (sizes from the central
        directory, which the checks below hold the stream to)."""
        offset = entry.header_offset
        header = bytes(self.data[offset:offset + 30])
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise Refused(Problem("xlsx_not_zip"))
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        start = offset + 30 + name_length + extra_length
        raw = self.data[start:start + entry.compress_size]
        if len(raw) < entry.compress_size:
            raise Refused(Problem("xlsx_truncated", params={"part": entry.filename}))
        return raw

    def stream(self, entry: zipfile.ZipInfo) -> Iterator[bytes]:
        """The part's bytes, at most `CHUNK` at a time; refuses as soon as a limit is passed."""
        raw = self._raw(entry)
        produced = crc = 0
        if entry.compress_type == zipfile.ZIP_STORED:
            for start in range(0, len(raw), CHUNK):
                out = bytes(raw[start:start + CHUNK])
                produced += len(out)
                self._count(entry, len(out), produced, start + len(out))
                crc = zlib.crc32(out, crc)
                yield out
        else:
            inflater = zlib.decompressobj(-15)
            position = 0
            while not inflater.eof:
                if inflater.unconsumed_tail:
                    given = inflater.unconsumed_tail
                else:
                    given = bytes(raw[position:position + INPUT_CHUNK])
                    position += len(given)
                try:
                    out = inflater.decompress(given, CHUNK)
                except zlib.error:
                    raise Refused(Problem("xlsx_corrupt_part", params={"part": entry.filename})) from None
                if not out:
                    if not given:
                        break  # input used up before the end of the stream: checked below
                    continue
                produced += len(out)
                self._count(entry, len(out), produced, position - len(inflater.unconsumed_tail))
                crc = zlib.crc32(out, crc)
                yield out
            if not inflater.eof:
                raise Refused(Problem("xlsx_corrupt_part", params={"part": entry.filename}))
        if produced != entry.file_size or crc != entry.CRC:
            raise Refused(Problem("xlsx_corrupt_part", params={"part": entry.filename}))

    def _count(self, entry: zipfile.ZipInfo, size: int, produced: int, consumed: int) -> None:
        self.total += size
        self._check(entry, produced, consumed)

    def _check(self, entry: zipfile.ZipInfo, produced: int, consumed: int) -> None:
        limits = self.limits
        if produced > entry.file_size:
            raise Refused(Problem("zip_size_mismatch", params={"part": entry.filename}))
        if self.total > limits.max_unzipped_bytes:
            raise Refused(limit_problem("zip_unpacked_too_large", "SURVEY_MAX_UNZIPPED_MB",
                                        limits.max_unzipped_bytes // MB, size_mb=self.total // MB))
        if produced > RATIO_FLOOR and produced > limits.max_compression_ratio * max(consumed, 1):
            raise Refused(limit_problem("zip_ratio", "SURVEY_MAX_COMPRESSION_RATIO", limits.max_compression_ratio,
                                        part=entry.filename, ratio=produced // max(consumed, 1)))


def _declarations(entry: zipfile.ZipInfo, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Pass chunks on, refusing a DOCTYPE or ENTITY declaration anywhere (also across chunks)."""
    tail = b""
    first = True
    for chunk in chunks:
        if first:
            first = False
            if chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or chunk[:2] in (b"<\x00", b"\x00<"):
                if entry.filename.endswith((".xml", ".rels", ".vml")):
                    raise Refused(Problem("xlsx_encoding", params={"part": entry.filename}))
        edge = tail + chunk[:32]  # a declaration across two chunks
        # a plain search for "<!" first: several times faster than the regex, and rarely found
        if ((b"<!" in chunk or b"<!" in edge) and _DECLARATION.search(tail + chunk)) or (
                _is_xml_part(entry) and any(mark in chunk or mark in edge for mark in (b"<\x00!\x00", b"\x00<\x00!"))):
            raise Refused(Problem("xml_entities", params={"part": entry.filename}))
        tail = chunk[-24:]
        yield chunk


def _is_xml_part(entry: zipfile.ZipInfo) -> bool:
    return entry.filename.endswith((".xml", ".rels", ".vml")) or entry.filename == "[Content_Types].xml"


# ----------------------------------------------------------------------------- the sheet list


def _parse_small(unpacker: _Unpacker, entry: zipfile.ZipInfo) -> ElementTree.Element:
    """A small structural part (workbook.xml, its relationships), declarations refused first."""
    if entry.file_size > STRUCTURE_LIMIT:
        raise Refused(Problem("xlsx_corrupt_part", params={"part": entry.filename}))
    body = b"".join(_declarations(entry, unpacker.stream(entry)))
    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise Refused(Problem("xlsx_corrupt_part", params={"part": entry.filename})) from None


def _sheets(unpacker: _Unpacker, by_name: dict[str, zipfile.ZipInfo]) -> tuple[list[SheetEntry], set[str]]:
    """The sheets `xl/workbook.xml` lists, and the shared-string parts its relationships name."""
    workbook = _parse_small(unpacker, by_name[WORKBOOK_PART])
    targets: dict[str, str] = {}
    shared = {name for name in by_name if name.lower() == "xl/sharedstrings.xml"}
    if WORKBOOK_RELS in by_name:
        for relation in _parse_small(unpacker, by_name[WORKBOOK_RELS]).iter(f"{{{PACKAGE_REL_NS}}}Relationship"):
            target = relation.get("Target") or ""
            part = _normalise_part(target.lstrip("/") if target.startswith("/") else "xl/" + target)
            targets[relation.get("Id") or ""] = part
            if (relation.get("Type") or "").endswith("/sharedStrings"):
                shared.add(part)
    entries = []
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        rel_id = sheet.get(f"{{{REL_NS}}}id") or ""
        entries.append(SheetEntry(sheet.get("name") or "", sheet.get("state") or "visible", targets.get(rel_id)))
    return entries, shared


def _normalise_part(path: str) -> str:
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _folded(name: str) -> str:
    """A sheet name as a person would read it: case, spacing, width and invisible characters aside."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc"))
    return " ".join(text.split()).casefold()


def match_sheets(sheets: Sequence[SheetEntry], required: Sequence[str], optional: Sequence[str] = ()
                 ) -> tuple[dict[str, SheetEntry], list[Problem]]:
    """The sheets to read, by their exact documented names; a problem for every hidden,
    duplicate or look-alike sheet, and for every required one that is missing."""
    chosen: dict[str, SheetEntry] = {}
    problems: list[Problem] = []
    found = ", ".join(sheet.name for sheet in sheets) or "–"
    for wanted in (*required, *optional):
        exact = [sheet for sheet in sheets if sheet.name == wanted]
        similar = [sheet for sheet in sheets if sheet.name != wanted and _folded(sheet.name) == _folded(wanted)]
        if len(exact) > 1:
            problems.append(Problem("sheet_duplicate", sheet=wanted, params={"expected": wanted, "count": len(exact)}))
            continue
        if exact and exact[0].state != "visible":
            problems.append(Problem("sheet_hidden", sheet=wanted, params={"expected": wanted,
                                                                          "state": exact[0].state}))
            continue
        for other in similar:
            code = "sheet_lookalike" if exact else "sheet_misnamed"
            problems.append(Problem(code, sheet=other.name, params={"expected": wanted, "found_name": other.name}))
        if exact and not similar:
            chosen[wanted] = exact[0]
        elif not exact and not similar and wanted in required:
            problems.append(Problem("missing_sheet", sheet=wanted, params={"expected": wanted, "found": found}))
    return chosen, problems


# ------------------------------------------------------------------------------- sheet scanning


class _SheetScanner:
    """Counts what one sheet's XML really holds, chunk by chunk, and refuses at the first limit."""

    def __init__(self, name: str, limits: XlsxLimits):
        self.scan = SheetScan(name)
        self.limits = limits
        self.long_run = _long_run(limits)
        self.row = 0  # the current row (1-based) and column (1-based) while walking tags
        self.column = 0

    def feed(self, chunk: bytes) -> None:
        scan, limits = self.scan, self.limits
        long = _sparse_tags(chunk) and self.long_run.search(chunk)
        if long:
            raise Refused(limit_problem("cell_too_long", "SURVEY_MAX_CELL_CHARS", limits.max_cell_chars,
                                        sheet=scan.name, length=_run_length(chunk, long.start()) // BYTES_PER_CHAR))
        tags = _ANY_PREFIX if b":" in chunk and _PREFIXED.search(chunk) else _PLAIN
        rows = len(tags.row.findall(chunk))
        explicit_rows = tags.row_r_first.findall(chunk)
        if len(explicit_rows) != rows:
            explicit_rows = tags.row_r.findall(chunk)
        cells = len(tags.cell.findall(chunk))
        references = tags.cell_column_first.findall(chunk)  # (cells with `r` elsewhere: the walk finds them)
        if rows == len(explicit_rows) and cells == len(references) and not tags.formula.search(chunk):
            if explicit_rows:  # the common case: every row and cell says where it is
                self.row = max(self.row, max(map(int, explicit_rows)))
            if references:
                self.column = max(_column_number(c) for c in set(references))
                scan.columns = max(scan.columns, self.column)
            scan.cells += cells
        else:
            self._walk(chunk, tags, explicit_rows if rows == len(explicit_rows) else None)
        scan.rows = max(scan.rows, self.row)
        self._check()

    def _walk(self, chunk: bytes, tags: _Tags, explicit: list | None) -> None:
        """Positions without `r=`: an implicit row follows the row before it, an implicit cell
        the cell before it (with references mixed in, the count is an upper bound); and formula
        cells with their place. Vectorised over the chunk: one pass of each pattern."""
        scan = self.scan
        if tags is _PLAIN:  # positions found with numpy, not match by match
            row_positions, cell_positions = _tag_positions(chunk, b"row"), _tag_positions(chunk, b"c")
            if explicit is not None and len(explicit) == len(row_positions):  # every row says its number, in order
                numbers = np.array(explicit, dtype=np.int64)
            else:
                numbers = self._row_numbers([m.group(1) for m in tags.row_start.finditer(chunk)])
        else:
            starts = [(m.start(), m.group(1)) for m in tags.row_start.finditer(chunk)]
            numbers = self._row_numbers([digits for _, digits in starts])
            row_positions = np.fromiter((start for start, _ in starts), dtype=np.int64, count=len(starts))
            cell_positions = np.fromiter((m.start() for m in tags.cell.finditer(chunk)), dtype=np.int64)
        segments = len(row_positions) + 1  # segment 0: the end of a row begun in the chunk before
        counts = np.bincount(np.searchsorted(row_positions, cell_positions, side="right"), minlength=segments)
        references = [(m.start(), m.group(1)) for m in tags.cell_column.finditer(chunk)]
        explicit_max = np.zeros(segments, dtype=np.int64)
        explicit_counts = np.zeros(segments, dtype=np.int64)
        if references:
            numbers_of = {letters: _column_number(letters) for letters in {r[1] for r in references}}
            segment_of = np.searchsorted(row_positions, np.fromiter((r[0] for r in references), dtype=np.int64),
                                         side="right")
            np.maximum.at(explicit_max, segment_of, np.fromiter((numbers_of[r[1]] for r in references), dtype=np.int64))
            explicit_counts = np.bincount(segment_of, minlength=segments)
        implicit = counts - explicit_counts
        explicit_max[0] = max(explicit_max[0], self.column)
        columns = explicit_max + implicit
        if tags.formula.search(chunk) and len(scan.formulas) < 1000:
            bounds = [0, *row_positions.tolist(), len(chunk)]
            for match in tags.formula.finditer(chunk):
                segment = int(np.searchsorted(row_positions, match.start(), side="right"))
                row = self.row if segment == 0 else int(numbers[segment - 1])
                self._formulas(chunk[bounds[segment]:bounds[segment + 1]], row, tags, match.start() - bounds[segment])
        scan.cells += len(cell_positions)
        scan.columns = max(scan.columns, int(columns.max()))
        self.column = int(columns[-1]) if counts[-1] or segments == 1 else 0
        if len(numbers):
            self.row = int(numbers[-1])
            scan.rows = max(scan.rows, int(numbers.max()))

    def _row_numbers(self, digits: list) -> np.ndarray:
        """Each row's number: its `r`, else one more than the row before."""
        numbers = np.empty(len(digits), dtype=np.int64)
        current = self.row
        for index, value in enumerate(digits):
            current = int(value) if value else current + 1
            numbers[index] = current
        return numbers

    def _formulas(self, segment: bytes, row: int, tags: _Tags, at: int) -> None:
        """The formula at offset `at` of one row's XML: (row, column index, formula)."""
        column = 0
        for match in tags.cell_or_formula.finditer(segment):
            tag, attributes, empty = match.groups()
            if tag == b"c":
                reference = _R_ATTR.search(b" " + attributes)
                column = _column_number(reference.group(1)) if reference and reference.group(1) else column + 1
            elif match.start() == at:
                end = segment.find(b"<", match.end())
                text = b"" if empty else segment[match.end():end if end >= 0 else len(segment)]
                self.scan.formulas.append((row, column - 1, "=" + text[:200].decode("utf-8", "replace")))
                return

    def _check(self) -> None:
        scan, limits = self.scan, self.limits
        if scan.rows - 1 > limits.max_rows:
            raise Refused(limit_problem("too_many_rows", "SURVEY_MAX_ROWS", limits.max_rows, sheet=scan.name,
                                        rows=scan.rows - 1))
        if scan.columns > limits.max_columns:
            raise Refused(limit_problem("too_many_columns", "SURVEY_MAX_COLUMNS", limits.max_columns, sheet=scan.name,
                                        columns=scan.columns))
        if scan.rows * scan.columns > limits.max_cells:
            raise Refused(limit_problem("too_many_cells", "SURVEY_MAX_CELLS", limits.max_cells, sheet=scan.name,
                                        cells=scan.rows * scan.columns, rows=scan.rows, columns=scan.columns))


class _SharedStringScanner:
    """The shared-string table: each string's length (rich text included) and all text together."""

    def __init__(self, limits: XlsxLimits):
        self.limits = limits
        self.long_run = _long_run(limits)
        self.span_limit = limits.max_cell_chars * BYTES_PER_CHAR * 2 + 64  # text plus the tags of its runs
        self.offset = 0
        self.start: int | None = None
        self.text = 0

    def feed(self, chunk: bytes) -> None:
        limits = self.limits
        long = self.long_run.search(chunk)
        if long:
            self._too_long(_run_length(chunk, long.start()) // BYTES_PER_CHAR)
        self.text += sum(map(len, _TEXT_RUN.findall(chunk)))
        if self.text > limits.max_text_bytes:
            raise Refused(limit_problem("text_too_large", "SURVEY_MAX_TEXT_MB", limits.max_text_bytes // MB,
                                        size_mb=self.text // MB))
        if self.start is not None or _RICH.search(chunk):  # rich text: measure whole strings
            for match in _TAG.finditer(chunk):
                closing, tag, _, empty = match.groups()
                if tag != b"si" or empty:
                    continue
                if not closing:
                    self.start = self.offset + match.start()
                elif self.start is not None:
                    span = self.offset + match.end() - self.start
                    if span > self.span_limit:
                        self._too_long(span // BYTES_PER_CHAR)
                    self.start = None
        self.offset += len(chunk)

    def _too_long(self, length: int) -> None:
        raise Refused(limit_problem("cell_too_long", "SURVEY_MAX_CELL_CHARS", self.limits.max_cell_chars,
                                    length=length))


_TAG_ENDS = np.zeros(256, dtype=bool)
_TAG_ENDS[list(b" \t\n\r/>")] = True


def _tag_positions(chunk: bytes, name: bytes) -> np.ndarray:
    """Offsets where an element `<name` opens (what `<name[\\s/>]` matches), found with numpy."""
    data = np.frombuffer(chunk, dtype=np.uint8)
    pattern = b"<" + name
    length = len(data) - len(pattern)
    if length <= 0:
        return np.empty(0, dtype=np.int64)
    hits = data[:length] == pattern[0]
    for offset, byte in enumerate(pattern[1:], start=1):
        hits &= data[offset:offset + length] == byte
    hits &= _TAG_ENDS[data[len(pattern):len(pattern) + length]]
    return np.flatnonzero(hits).astype(np.int64)


def _sparse_tags(chunk: bytes) -> bool:
    """Whether the chunk's tags are far apart on average (ordinary sheet XML has one every few
    dozen bytes): only then can it hold a run of text long enough to look for. A single long
    cell among ordinary ones is found exactly after reading (`check_cells`)."""
    return chunk.count(b"<") * 512 < len(chunk)


def _long_run(limits: XlsxLimits) -> re.Pattern:
    """Text between two tags longer than any allowed cell could need (a coarse, fast bound; the
    exact count is made on the values read)."""
    return re.compile(rb">[^<]{%d}" % (limits.max_cell_chars * BYTES_PER_CHAR + 16))


def _run_length(chunk: bytes, start: int) -> int:
    end = chunk.find(b"<", start + 1)
    return (end if end >= 0 else len(chunk)) - start - 1


def _tag_chunks(chunks: Iterator[bytes], entry: zipfile.ZipInfo, limits: XlsxLimits) -> Iterator[bytes]:
    """Re-cut a part's chunks so that no tag or text run is split between two of them."""
    pending = b""
    hard_limit = max(4 * MB, limits.max_cell_chars * BYTES_PER_CHAR * 2)
    for chunk in chunks:
        pending += chunk
        cut = pending.rfind(b"<")
        if cut <= 0:
            if len(pending) > hard_limit:
                raise Refused(limit_problem("cell_too_long", "SURVEY_MAX_CELL_CHARS", limits.max_cell_chars,
                                            length=len(pending) // BYTES_PER_CHAR, part=entry.filename))
            continue
        yield pending[:cut]
        pending = pending[cut:]
    if pending:
        yield pending


# ---------------------------------------------------------------------------------- inspect


def inspect(data: bytes, limits: XlsxLimits, required: Sequence[str], optional: Sequence[str] = ()) -> Inspection:
    """Check the whole workbook before any reader sees it; raise `Refused` with the problems."""
    archive, entries = _open(data, limits)
    by_name = {entry.filename: entry for entry in entries}
    if WORKBOOK_PART not in by_name:
        raise Refused(Problem("xlsx_no_workbook"))
    if any(part in by_name for part in MACRO_PARTS):
        raise Refused(Problem("macro_workbook"))
    unpacker = _Unpacker(data, limits)
    sheets, shared_parts = _sheets(unpacker, by_name)
    if len(sheets) > limits.max_sheets:
        raise Refused(limit_problem("too_many_sheets", "SURVEY_MAX_SHEETS", limits.max_sheets, count=len(sheets)))
    chosen, problems = match_sheets(sheets, required, optional)  # refused after the parts are checked
    scanners: dict[str, object] = {}
    for wanted, sheet in chosen.items():
        if sheet.part is None or sheet.part not in by_name:
            problems.append(Problem("xlsx_missing_part", sheet=wanted, params={"part": sheet.part or "?"}))
        else:
            scanners[sheet.part] = _SheetScanner(wanted, limits)
    for part in shared_parts:
        scanners.setdefault(part, _SharedStringScanner(limits))
    done = {WORKBOOK_PART, WORKBOOK_RELS}
    for entry in entries:
        if entry.filename in done or entry.is_dir():
            continue
        stream = _declarations(entry, unpacker.stream(entry))
        scanner = scanners.get(entry.filename)
        if scanner is None:
            for _ in stream:
                pass
            continue
        for chunk in _tag_chunks(stream, entry, limits):
            scanner.feed(chunk)
    if problems:
        raise Refused(*problems)
    scans = {scanner.scan.name: scanner.scan for scanner in scanners.values() if isinstance(scanner, _SheetScanner)}
    return Inspection(tuple(sheets), chosen, scans)


# ------------------------------------------------------------------------------------- read


@dataclass(frozen=True)
class Workbook:
    """The sheets read from a workbook that passed every check: raw cell grids (header in row
    0), the formula cells found, and the problems the values themselves raised."""

    sheets: dict[str, pd.DataFrame]
    formulas: dict[str, list[tuple[int, int, str]]]
    problems: list[Problem]


def read(data: bytes, limits: XlsxLimits, required: Sequence[str], optional: Sequence[str] = ()) -> Workbook:
    """Inspect, then read the documented sheets with python-calamine; raise `Refused` if the
    workbook cannot be used."""
    inspection = inspect(data, limits, required, optional)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - any reader failure is one clear problem
        raise Refused(Problem("xlsx_unreadable")) from None
    sheets: dict[str, pd.DataFrame] = {}
    for wanted, entry in inspection.chosen.items():
        try:
            rows = workbook.get_sheet_by_name(entry.name).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001
            raise Refused(Problem("xlsx_unreadable_sheet", sheet=wanted)) from None
        sheets[wanted] = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
    problems = check_cells(sheets, limits.max_cell_chars, limits.max_text_bytes)
    formulas = {name: scan.formulas for name, scan in inspection.scans.items() if scan.formulas}
    return Workbook(sheets, formulas, problems)


# ------------------------------------------------------------------------------ cell checks

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_CELL_PROBLEMS = 20  # per kind and sheet: enough to act on, never a flood


def check_cells(sheets: dict[str, pd.DataFrame], max_chars: int, max_text_bytes: int) -> list[Problem]:
    """Problems with the values read (raw grids, header in row 0): a cell longer than allowed,
    a control character, too much distinct text. Checked on the distinct values, so a large
    clean sheet costs one pass of hashing."""
    problems: list[Problem] = []
    total = 0
    for name, frame in sheets.items():
        if frame.empty:
            continue
        values = frame.to_numpy(dtype=object)
        flat = values.ravel()
        texts = [v for v in pd.unique(flat) if isinstance(v, str)]
        total += sum(len(v.encode("utf-8", "surrogatepass")) for v in texts)
        for value, where in _cells(flat, values.shape[1], [v for v in texts if len(v) > max_chars]):
            problems.append(limit_problem("cell_too_long", "SURVEY_MAX_CELL_CHARS", max_chars, sheet=name,
                                          length=len(value)))
            problems[-1] = _placed(problems[-1], where, values)
        for value, where in _cells(flat, values.shape[1], [v for v in texts if _CONTROL.search(v)]):
            character = f"U+{ord(_CONTROL.search(value).group()):04X}"
            problems.append(_placed(Problem("control_character", sheet=name, value=_snippet(value),
                                            params={"character": character}), where, values))
    if total > max_text_bytes:
        problems.append(limit_problem("text_too_large", "SURVEY_MAX_TEXT_MB", max_text_bytes // MB, size_mb=total // MB))
    return problems


def _cells(flat: np.ndarray, width: int, bad: list[str]) -> Iterator[tuple[str, tuple[int, int]]]:
    """The first cells (value, (row, column)) holding one of the `bad` values."""
    if not bad:
        return
    wanted = set(bad)
    found = 0
    for position, value in enumerate(flat):
        if isinstance(value, str) and value in wanted:
            yield value, divmod(position, width)
            found += 1
            if found >= MAX_CELL_PROBLEMS:
                return


def _placed(problem: Problem, where: tuple[int, int], values: np.ndarray) -> Problem:
    row, column = where
    return Problem(problem.code, problem.severity, problem.sheet, row + 1, _header(values, column), problem.value,
                   problem.params)


def _snippet(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[:length] + "…"


def _header(values: np.ndarray, column: int) -> str:
    """A column as a person finds it: its header text, else its letter."""
    head = values[0, column] if values.shape[0] else None
    if isinstance(head, str) and head.strip() and not _CONTROL.search(head) and len(head) <= 80:
        return head.strip()
    return column_letter(column)
