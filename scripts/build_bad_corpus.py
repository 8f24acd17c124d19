"""Build tests/fixtures/bad/: broken, hostile and markup-laden uploads, each with what it must get.

Run `python scripts/build_bad_corpus.py`; it rewrites the folder and `expected.csv`:

    case, outcome, code, nb, en, generated

`outcome` is `refused` (the upload must be refused with a problem of kind `code` whose
Norwegian and English messages contain the fragments `nb` and `en`) or `loaded` (the upload
must load; the markup cases, whose text must then show as text on every page). A case is one
file, or a folder whose files are uploaded together (CSV sets, rounds).

Cases marked `generated` are large (a 3 000 000-row workbook, a 1.7 MB zip bomb, a 12 MB
cell, …): they are not committed but built at test time into a temporary folder by
`write_case(case, folder)`, from the same code. The tests feed every case to
`python -m analysis validate` and to the Data page in a real browser.
"""

from __future__ import annotations

import csv
import functools
import io
import random
import shutil
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "bad"
LIKERT = "I svært liten grad | I liten grad | I noen grad | I stor grad | I svært stor grad | Vet ikke"
PROBE = "markup-probe.invalid"  # every link, image and style in the markup cases points here


@dataclass(frozen=True)
class Case:
    name: str  # the file, or the folder of files uploaded together
    build: Callable[[], dict[str, bytes]]
    code: str  # the problem expected ("" for a case that loads)
    nb: str  # a fragment of the Norwegian message
    en: str  # a fragment of the English message
    generated: bool = False  # large: built at test time, not committed

    @property
    def outcome(self) -> str:
        return "loaded" if not self.code else "refused"


# ----------------------------------------------------------------------------- building blocks


def good_sheets() -> dict[str, pd.DataFrame]:
    """A small valid survey that each case breaks in one way."""
    codebook = pd.DataFrame([
        {"column": "id", "kind": "id", "question": "ID", "label": "ID"},
        {"column": "kommune", "kind": "breakdown", "question": "Kommune", "label": "Kommune", "scale": "Aby | Bby"},
        {"column": "q1", "kind": "likert", "question": "Gevinster?", "label": "Gevinster", "section": "erfaringer",
         "measure": "top2", "scale": LIKERT, "dont_know": "Vet ikke"},
        {"column": "q2", "kind": "yes_no", "question": "Tettere?", "label": "Tettere", "section": "mulighetsrom",
         "measure": "yes", "scale": "Nei | Ja | Vet ikke", "dont_know": "Vet ikke"},
        {"column": "o1", "kind": "multi_select", "question": "Områder?", "label": "Helse", "section": "mulighetsrom",
         "measure": "selected"},
    ])
    responses = pd.DataFrame({
        "id": [f"R{i}" for i in range(1, 7)],
        "kommune": ["Aby", "Aby", "Aby", "Bby", "Bby", "Bby"],
        "q1": ["I stor grad", "I noen grad", "Vet ikke", "I liten grad", "I svært stor grad", None],
        "q2": ["Ja", "Nei", "Ja", "Ja", "Vet ikke", "Ja"],
        "o1": [1, 0, 1, 1, 0, 1],
    })
    meta = pd.DataFrame({"key": ["title", "year", "provenance"], "value": ["Test", "2024", "Laget for testene."]})
    return {"responses": responses, "codebook": codebook, "meta": meta}


def xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def broken(change) -> bytes:
    sheets = good_sheets()
    change(sheets)
    return xlsx(sheets)


def set_cell(sheet: str, row: int, column: str, value):
    def change(sheets):
        frame = sheets[sheet]
        frame[column] = frame[column].astype(object) if column in frame else None
        frame.loc[row, column] = value
    return change


def zip_bytes(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method, compresslevel=9 if method == zipfile.ZIP_DEFLATED else None) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    source = zipfile.ZipFile(io.BytesIO(data))
    return {i.filename: source.read(i) for i in source.infolist()}


def replace_in_zip(data: bytes, member: str, transform) -> bytes:
    return zip_bytes({name: transform(body) if name == member else body for name, body in parts(data).items()})


def good() -> bytes:
    return xlsx(good_sheets())


def csv_set(sheets: dict[str, pd.DataFrame] | None = None) -> dict[str, bytes]:
    return {f"{name}.csv": frame.to_csv(index=False).encode("utf-8") for name, frame in (sheets or good_sheets()).items()}


def sheet_xml(rows_xml: bytes, dimension: bytes | None = b"A1:C3", prefix: bytes = b"") -> bytes:
    """A worksheet part around `rows_xml` (an optional lying `<dimension>`, an optional prefix)."""
    p = prefix + b":" if prefix else b""
    ns = b'xmlns' + (b":" + prefix if prefix else b"") + b'="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    dim = b"<" + p + b'dimension ref="' + dimension + b'"/>' if dimension else b""
    return (b'<?xml version="1.0" encoding="UTF-8"?><' + p + b"worksheet " + ns + b">" + dim + b"<" + p + b"sheetData>"
            + rows_xml + b"</" + p + b"sheetData></" + p + b"worksheet>")


def with_sheet(member: str, rows_xml: bytes, **options) -> bytes:
    """The good workbook with one sheet part replaced."""
    return replace_in_zip(good(), member, lambda _: sheet_xml(rows_xml, **options))


def append_rows(member: str, rows_xml: bytes) -> bytes:
    return replace_in_zip(good(), member, lambda d: d.replace(b"</sheetData>", rows_xml + b"</sheetData>"))


def workbook_xml(sheets: list[tuple[str, str, str]]) -> bytes:
    """`xl/workbook.xml` listing (name, state, relationship id)."""
    entries = "".join(f'<sheet name="{name}" sheetId="{i + 1}" state="{state}" r:id="{rid}"/>'
                      for i, (name, state, rid) in enumerate(sheets))
    return ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{entries}</sheets></workbook>").encode()


def with_sheets(sheets: list[tuple[str, str, str]], extra_parts: dict[str, bytes] | None = None,
                extra_rels: str = "") -> bytes:
    """The good workbook with another sheet list (and more parts and relationships)."""
    body = parts(good())
    body["xl/workbook.xml"] = workbook_xml(sheets)
    if extra_rels:
        body["xl/_rels/workbook.xml.rels"] = body["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", extra_rels.encode() + b"</Relationships>")
    body.update(extra_parts or {})
    return zip_bytes(body)


def rel(rid: str, target: str) -> str:
    return (f'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="{target}" Id="{rid}"/>')


STANDARD = [("responses", "visible", "rId1"), ("codebook", "visible", "rId2"), ("meta", "visible", "rId3")]
BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


def without_declaration(data: bytes) -> bytes:
    return data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data


def late_entity(data: bytes) -> bytes:
    """A DOCTYPE with an entity after 6 000 bytes of comment (a scan of the first 4 096 misses it)."""
    return b'<?xml version="1.0"?><!--' + b" " * 6000 + b"-->" + BILLION_LAUGHS.split(b"?>", 1)[1] + without_declaration(data)


def inline(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def rows_of(count: int, start: int = 2, explicit: bool = True) -> bytes:
    """`count` data rows of three cells (id, kommune, a number), with or without `r=` references."""
    out = []
    for n in range(start, start + count):
        if explicit:
            out.append(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>R%d</t></is></c>'
                       b'<c r="B%d" t="inlineStr"><is><t>Aby</t></is></c><c r="C%d"><v>%d</v></c></row>' % (n, n, n, n, n, n % 7))
        else:
            out.append(b'<row><c t="inlineStr"><is><t>R%d</t></is></c><c t="inlineStr"><is><t>Aby</t></is></c>'
                       b'<c><v>%d</v></c></row>' % (n, n % 7))
    return b"".join(out)


HEADER_ROW = b'<row r="1">' + inline("A1", "id") + inline("B1", "kommune") + inline("C1", "q1") + b"</row>"


def dimension_lie(rows: int = 3_000_000) -> bytes:
    """3 000 000 one-cell rows behind `<dimension ref="A1:C10"/>` (about 7 MB compressed)."""
    body = b"".join(b'<row r="%d"><c><v>1</v></c></row>' % n for n in range(2, rows + 2))
    return with_sheet("xl/worksheets/sheet1.xml", HEADER_ROW + body, dimension=b"A1:C10")


def lying_header(data: bytes, member: str, declared: int) -> bytes:
    """Rewrite the unpacked size a zip's headers declare for `member` (the data stay as they are)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    blob = bytearray(data)
    struct.pack_into("<I", blob, info.header_offset + 22, declared)  # local header
    position = bytes(blob).find(b"PK\x01\x02")
    while position >= 0:  # central directory entry
        name_length = struct.unpack_from("<H", blob, position + 28)[0]
        if bytes(blob[position + 46:position + 46 + name_length]).decode() == member:
            struct.pack_into("<I", blob, position + 24, declared)
        position = bytes(blob).find(b"PK\x01\x02", position + 4)
    return bytes(blob)


@functools.lru_cache(maxsize=1)
def zip_bomb(size: int = 2_000 * 1024 * 1024) -> bytes:
    """A workbook whose one sheet is `size` zeros: ~2 MB for 2 GB (deflate's limit is ~1030:1).

    Each 16 MB block of zeros is compressed once and repeated (a full flush after each makes
    the blocks byte-aligned and independent), so building it takes a second, not a minute."""
    block = b"\0" * (16 * 1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed_block = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = size // len(block)
    raw = packed_block * count + compressor.flush()
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    name = b"xl/worksheets/sheet1.xml"
    # the other parts written normally, the bomb by hand (zipfile would compress 2 GB slowly)
    others = {k: v for k, v in parts(good()).items() if k != name.decode()}
    buffer = io.BytesIO()
    entries = []
    for part_name, data in others.items():
        compressed = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = compressed.compress(data) + compressed.flush()
        entries.append((part_name.encode(), zlib.crc32(data), len(packed), len(data), buffer.tell()))
        buffer.write(_local_header(part_name.encode(), zlib.crc32(data), len(packed), len(data)) + packed)
    entries.append((name, crc, len(raw), count * len(block), buffer.tell()))
    buffer.write(_local_header(name, crc, len(raw), count * len(block)) + raw)
    directory = buffer.tell()
    for part_name, part_crc, packed_size, plain_size, offset in entries:
        buffer.write(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, part_crc, packed_size, plain_size,
                                 len(part_name), 0, 0, 0, 0, 0, offset) + part_name)
    end = buffer.tell()
    buffer.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries), end - directory, directory, 0))
    return buffer.getvalue()


def _local_header(name: bytes, crc: int, packed: int, plain: int) -> bytes:
    return struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, packed, plain, len(name), 0) + name


def random_text(length: int, seed: int = 7) -> str:
    """Text that does not compress much (a long cell must not pass as a zip bomb instead)."""
    rng = random.Random(seed)
    return "".join(rng.choices("abcdefghijklmnopqrstuvwxyz ", k=length))


def many_parts(count: int = 2_001) -> bytes:
    body = parts(good())
    body.update({f"customXml/item{i}.xml": b"<x/>" for i in range(count)})
    return zip_bytes(body)


def sav(frame: pd.DataFrame, **options) -> bytes:
    import tempfile

    import pyreadstat

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.sav"
        pyreadstat.write_sav(frame, str(path), **options)
        return path.read_bytes()


def markup_sheets() -> dict[str, pd.DataFrame]:
    """A valid survey whose every text is an attempt at markup (links, images, styles, HTML)."""
    link = f"[klikk her](https://{PROBE}/lenke)"
    image = f"![bilde](https://{PROBE}/bilde.png)"
    style = f"<style>@import '//{PROBE}/x.css'; body {{ background: red; }}</style>"
    iframe = f'<iframe src="https://{PROBE}/ramme"></iframe>'
    anchor = f'<a href="https://{PROBE}/a">PIN</a>'
    img = f'<img src="https://{PROBE}/img.png">'
    script = "[javascript](javascript:alert(1))"
    scale = f"Nei {img} | Ja {anchor} | Vet ikke"
    codebook = pd.DataFrame([
        {"column": "id", "kind": "id", "question": "ID", "label": "ID"},
        {"column": "kommune", "kind": "breakdown", "question": f"Kommune {link}", "label": f"Kommune {anchor}",
         "scale": f"Aby {img} | Bby {link} | Cby :red[rød] :material/lock:"},
        {"column": "rolle", "kind": "breakdown", "question": "Rolle", "label": f"Rolle {image}",
         "scale": f"Adm <b>fet</b> | Pol {script}"},
        {"column": "q1", "kind": "likert", "question": f"Gevinster {iframe} {link}?", "label": f"Gevinster {image}",
         "section": f"erfaringer {style}", "subsection": f"Del {anchor} {image}", "measure": "top2",
         "scale": f"I svært liten grad | I liten grad | I noen grad {img} | I stor grad | I svært stor grad | Vet ikke",
         "dont_know": "Vet ikke"},
        {"column": "q2", "kind": "yes_no", "question": f"# Overskrift {script} $x^2$ **fet** <script>alert(1)</script>",
         "label": "Tettere", "section": f"erfaringer {style}", "subsection": f"Del {anchor} {image}", "measure": "yes",
         "measure_label": f"ja {img}", "scale": scale, "dont_know": "Vet ikke"},
        {"column": "o1", "kind": "multi_select", "question": f"Områder {iframe}?", "label": f"Helse {anchor}",
         "section": f"mulighetsrom {link}", "subsection": f"Valg {img}", "measure": "selected"},
        {"column": "o2", "kind": "multi_select", "question": f"Områder {iframe}?", "label": f"Skole {image}",
         "section": f"mulighetsrom {link}", "subsection": f"Valg {img}", "measure": "selected"},
    ])
    kommune = [f"Aby {img}", f"Bby {link}", "Cby :red[rød] :material/lock:"]
    rolle = ["Adm <b>fet</b>", f"Pol {script}"]
    likert = [s.strip() for s in codebook.loc[3, "scale"].split("|")]
    answers = [s.strip() for s in scale.split("|")]
    rows = []
    for n in range(36):
        rows.append({"id": f"R{n + 1}", "kommune": kommune[n % 3], "rolle": rolle[n % 2], "q1": likert[n % 6],
                     "q2": answers[n % 3], "o1": n % 2, "o2": (n // 2) % 2})
    meta = pd.DataFrame({"key": ["title", "year", "provenance", "assumption_1", "region", "reconstructed"],
                         "value": [f"Markup {style} {link}", "2024", f"Laget av {anchor} {image} {iframe} {script}",
                                   f"Antakelse {link} {img}", f"Region {img}", "false"]})
    return {"responses": pd.DataFrame(rows), "codebook": codebook, "meta": meta}


# ---------------------------------------------------------------------------------------- cases

MARKUP_FILE = "markup_<img src=x onerror=alert(1)>_[x](javascript:alert(1)).xlsx"  # no "/" in a file name


def cases() -> list[Case]:
    """Every case: the earlier corpus, then the hostile files the issue found, then markup."""
    def one(name, data):
        return lambda: {name: data() if callable(data) else data}

    gs = good_sheets
    return [
        # --- the earlier corpus ---------------------------------------------------------------
        Case("text_renamed.xlsx", one("text_renamed.xlsx", b"id;kommune\n1;Aby\n"), "unknown_format", "verken en .xlsx", "neither an .xlsx"),
        Case("zip_without_workbook.xlsx", one("zip_without_workbook.xlsx", lambda: zip_bytes({"hei.txt": b"hei"})),
             "xlsx_no_workbook", "mangler delen xl/workbook.xml", "has no part xl/workbook.xml"),
        Case("truncated.xlsx", one("truncated.xlsx", lambda: good()[: len(good()) // 2]), "xlsx_not_zip",
             "ikke et gyldig zip-arkiv", "not a valid zip archive"),
        Case("zip_bomb.xlsx", one("zip_bomb.xlsx", lambda: zip_bytes({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * (64 * 1024 * 1024)})),
             "zip_ratio", "avvises av sikkerhetshensyn", "refused for safety"),
        Case("xml_entities.xlsx", one("xml_entities.xlsx", lambda: replace_in_zip(good(), "xl/worksheets/sheet1.xml", lambda d: BILLION_LAUGHS + without_declaration(d))),
             "xml_entities", "XML-entitets- eller DOCTYPE-deklarasjoner", "entity or DOCTYPE declarations"),
        Case("empty.xlsx", one("empty.xlsx", b""), "empty_file", "fila er tom", "the file is empty"),
        Case("old_format.xls", one("old_format.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504), "old_excel", "gammel Excel-fil", "old Excel file"),
        Case("random.bin", one("random.bin", bytes(range(256)) * 4), "unknown_format", "verken en .xlsx", "neither an .xlsx"),
        Case("bad.sav", one("bad.sav", b"$FL2" + b"\x00garbage" * 20), "sav_unreadable", "kunne ikke leses som SPSS-fil", "could not be read as an SPSS file"),
        Case("missing_meta.xlsx", one("missing_meta.xlsx", lambda: broken(lambda s: s.pop("meta"))), "missing_sheet", "arket «meta» mangler", "the sheet “meta” is missing"),
        Case("missing_codebook.xlsx", one("missing_codebook.xlsx", lambda: broken(lambda s: s.pop("codebook"))), "missing_sheet", "arket «codebook» mangler", "the sheet “codebook” is missing"),
        Case("unknown_label.xlsx", one("unknown_label.xlsx", lambda: broken(set_cell("responses", 1, "q1", "i noen grad"))),
             "unknown_label_suggest", "mente du «I noen grad»?", "did you mean “I noen grad”?"),
        Case("unknown_label_no_match.xlsx", one("unknown_label_no_match.xlsx", lambda: broken(set_cell("responses", 1, "q2", "Kanskje"))),
             "unknown_label", "ukjent svar «Kanskje»", "unknown answer “Kanskje”"),
        Case("duplicate_id.xlsx", one("duplicate_id.xlsx", lambda: broken(set_cell("responses", 3, "id", "R1"))), "duplicate_id", "finnes flere ganger", "occurs more than once"),
        Case("blank_id.xlsx", one("blank_id.xlsx", lambda: broken(set_cell("responses", 2, "id", None))), "blank_id", "respondent-ID mangler", "the respondent id is missing"),
        Case("codebook_without_data.xlsx", one("codebook_without_data.xlsx", lambda: broken(lambda s: s.__setitem__("responses", s["responses"].drop(columns=["q2"])))),
             "codebook_without_data", "finnes ikke i svarene", "is not in the responses"),
        Case("data_without_codebook.xlsx", one("data_without_codebook.xlsx", lambda: broken(lambda s: s["responses"].__setitem__("ekstra", 1))),
             "data_without_codebook", "er ikke beskrevet i kodeboka", "is not described in the codebook"),
        Case("bad_kind.xlsx", one("bad_kind.xlsx", lambda: broken(set_cell("codebook", 2, "kind", "skala"))), "codebook_not_allowed",
             "«skala» er ikke tillatt her", "“skala” is not allowed here"),
        Case("measure_mismatch.xlsx", one("measure_mismatch.xlsx", lambda: broken(set_cell("codebook", 3, "measure", "top2"))),
             "measure_kind_mismatch", "passer ikke til typen «yes_no»", "does not fit the kind “yes_no”"),
        Case("missing_scale.xlsx", one("missing_scale.xlsx", lambda: broken(set_cell("codebook", 2, "scale", None))), "missing_scale", "svarskalaen mangler", "the answer scale is missing"),
        Case("dont_know_not_in_scale.xlsx", one("dont_know_not_in_scale.xlsx", lambda: broken(set_cell("codebook", 2, "dont_know", "Usikker"))),
             "dont_know_not_in_scale", "står ikke i svarskalaen", "is not in the answer scale"),
        Case("bad_multi_select.xlsx", one("bad_multi_select.xlsx", lambda: broken(set_cell("responses", 0, "o1", "ja"))), "bad_multi_select", "må være 0 eller 1", "must be 0 or 1"),
        Case("blank_breakdown.xlsx", one("blank_breakdown.xlsx", lambda: broken(set_cell("responses", 4, "kommune", None))), "blank_breakdown", "mangler verdi", "has no value"),
        Case("duplicate_codebook_row.xlsx", one("duplicate_codebook_row.xlsx", lambda: broken(lambda s: s.__setitem__("codebook", pd.concat([s["codebook"], s["codebook"].iloc[[2]]])))),
             "duplicate_codebook_column", "mer enn én gang", "more than once in the codebook"),
        Case("missing_meta_key.xlsx", one("missing_meta_key.xlsx", lambda: broken(lambda s: s.__setitem__("meta", s["meta"].iloc[1:]))),
             "missing_meta_key", "mangler nøkkelen «title»", "lack the key “title”"),
        Case("bad_meta_number.xlsx", one("bad_meta_number.xlsx", lambda: broken(lambda s: s.__setitem__("meta", pd.concat([s["meta"], pd.DataFrame({"key": ["invited"], "value": ["mange"]})])))),
             "bad_meta_number", "må være et heltall", "must be a whole number"),
        Case("formula.xlsx", one("formula.xlsx", lambda: broken(set_cell("responses", 0, "q2", '=IF(1,"Ja","Nei")'))), "formula_cell", "inneholder en formel", "holds a formula"),
        Case("no_respondents.xlsx", one("no_respondents.xlsx", lambda: broken(lambda s: s.__setitem__("responses", s["responses"].iloc[0:0]))),
             "no_respondents", "ingen respondentrader", "no respondent rows"),
        Case("no_id_column.xlsx", one("no_id_column.xlsx", lambda: broken(set_cell("codebook", 0, "kind", "text"))), "no_id_column",
             "nøyaktig én kolonne av typen «id»", "exactly one column of kind “id”"),
        Case("missing_codebook_field.xlsx", one("missing_codebook_field.xlsx", lambda: broken(lambda s: s.__setitem__("codebook", s["codebook"].drop(columns=["kind"])))),
             "missing_codebook_field", "mangler kolonnen «kind»", "lacks the column “kind”"),
        Case("too_many_columns.xlsx", one("too_many_columns.xlsx", lambda: broken(lambda s: s.__setitem__("responses", pd.concat([s["responses"], pd.DataFrame({f"x{i}": [1] * 6 for i in range(500)})], axis=1)))),
             "too_many_columns", "kolonner, flere enn grensen på 500 (innstillingen SURVEY_MAX_COLUMNS)", "columns, more than the limit of 500 (setting SURVEY_MAX_COLUMNS)"),
        Case("single.csv", one("single.csv", lambda: csv_set()["responses.csv"]), "csv_needs_codebook", "last opp svarene og kodeboka sammen", "upload the responses and the codebook together"),
        Case("latin1_csv", lambda: {**csv_set(), "responses.csv": csv_set()["responses.csv"].decode().replace("Aby", "Årdal").encode("latin-1"),
                                    "codebook.csv": csv_set()["codebook.csv"].decode().replace("Aby", "Årdal").encode("latin-1")},
             "not_utf8", "ikke UTF-8", "not UTF-8"),
        Case("csv_wrong_names", lambda: {"a.csv": csv_set()["responses.csv"], "b.csv": csv_set()["codebook.csv"]}, "csv_set_names",
             "må hete noe med «responses»", "must be named with “responses”"),
        # --- what a file declares is not what it holds ------------------------------------------
        Case("far_cell.xlsx", one("far_cell.xlsx", lambda: append_rows("xl/worksheets/sheet1.xml", b'<row r="1048576">' + inline("XFD1048576", "x") + b"</row>")),
             "too_many_rows", "minst 1 048 575 rader, flere enn grensen på 200 000", "at least 1,048,575 rows, more than the limit of 200,000"),
        Case("far_cell_columns.xlsx", one("far_cell_columns.xlsx", lambda: append_rows("xl/worksheets/sheet1.xml", b'<row r="7">' + inline("XFD7", "x") + b"</row>")),
             "too_many_columns", "minst 16 384 kolonner, flere enn grensen på 500", "at least 16,384 columns, more than the limit of 500"),
        Case("wide_sparse_area.xlsx", one("wide_sparse_area.xlsx", lambda: append_rows("xl/worksheets/sheet1.xml", b'<row r="199000">' + inline("SF199000", "x") + b"</row>")),
             "too_many_cells", "celler, flere enn grensen på 10 000 000 (innstillingen SURVEY_MAX_CELLS)", "cells, more than the limit of 10,000,000 (setting SURVEY_MAX_CELLS)"),
        Case("dimension_lie_3m_rows.xlsx", one("dimension_lie_3m_rows.xlsx", dimension_lie), "too_many_rows",
             "rader, flere enn grensen på 200 000 (innstillingen SURVEY_MAX_ROWS)", "rows, more than the limit of 200,000 (setting SURVEY_MAX_ROWS)", generated=True),
        Case("rows_without_references.xlsx", one("rows_without_references.xlsx", lambda: with_sheet("xl/worksheets/sheet1.xml", HEADER_ROW + rows_of(200_001, explicit=False), dimension=None)),
             "too_many_rows", "minst 200 001 rader, flere enn grensen", "at least 200,001 rows, more than the limit", generated=True),
        Case("cells_without_references.xlsx", one("cells_without_references.xlsx", lambda: append_rows("xl/worksheets/sheet1.xml", b"<row>" + b"<c><v>1</v></c>" * 501 + b"</row>")),
             "too_many_columns", "minst 501 kolonner, flere enn grensen på 500", "at least 501 columns, more than the limit of 500"),
        Case("prefixed_tags.xlsx", one("prefixed_tags.xlsx", lambda: with_sheet("xl/worksheets/sheet1.xml", b'<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>id</x:t></x:is></x:c></x:row><x:row r="900000"><x:c r="A900000"><x:v>1</x:v></x:c></x:row>', prefix=b"x")),
             "too_many_rows", "minst 899 999 rader, flere enn grensen", "at least 899,999 rows, more than the limit"),
        Case("zip_bomb_2gb.xlsx", one("zip_bomb_2gb.xlsx", zip_bomb), "zip_unpacked_too_large",
             "pakkes ut til mer enn 2000 MB; grensen er 400 MB (innstillingen SURVEY_MAX_UNZIPPED_MB)", "unpacks to more than 2000 MB; the limit is 400 MB (setting SURVEY_MAX_UNZIPPED_MB)", generated=True),
        Case("zip_bomb_lying_header.xlsx", one("zip_bomb_lying_header.xlsx", lambda: lying_header(zip_bomb(), "xl/worksheets/sheet1.xml", 9_000)),
             "zip_size_mismatch", "større enn arkivet oppgir", "larger than the archive says", generated=True),
        Case("zip_too_many_parts.xlsx", one("zip_too_many_parts.xlsx", many_parts), "zip_too_many_parts",
             "grensen er 2000 (innstillingen SURVEY_MAX_PARTS)", "the limit is 2000 (setting SURVEY_MAX_PARTS)", generated=True),
        Case("corrupt_part.xlsx", one("corrupt_part.xlsx", lambda: _flip_bytes(good(), "xl/worksheets/sheet2.xml")), "xlsx_corrupt_part",
             "delen «xl/worksheets/sheet2.xml» er skadet", "its part “xl/worksheets/sheet2.xml” is damaged"),
        Case("encrypted_entry.xlsx", one("encrypted_entry.xlsx", lambda: _set_flag(good(), "xl/worksheets/sheet1.xml", 0x1)), "xlsx_encrypted",
             "arbeidsboka er kryptert", "the workbook is encrypted"),
        Case("bzip2_entry.xlsx", one("bzip2_entry.xlsx", lambda: zip_bytes(parts(good()), zipfile.ZIP_BZIP2)), "xlsx_compression",
             "pakket med en metode Excel ikke bruker", "packed with a method Excel does not use"),
        Case("malformed_sheet.xlsx", one("malformed_sheet.xlsx", lambda: replace_in_zip(good(), "xl/worksheets/sheet3.xml", lambda d: d[: len(d) // 2])),
             "xlsx_unreadable_sheet", "arket kunne ikke leses", "the sheet could not be read"),
        Case("opendocument.ods", one("opendocument.ods", lambda: zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}, zipfile.ZIP_STORED)),
             "ods_file", "OpenDocument-regneark", "OpenDocument spreadsheet"),
        Case("macros.xlsm", one("macros.xlsm", lambda: zip_bytes({**parts(good()), "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 60})),
             "macro_workbook", "inneholder makroer", "contains macros"),
        # --- XML declarations anywhere ------------------------------------------------------------
        Case("late_entity.xlsx", one("late_entity.xlsx", lambda: replace_in_zip(good(), "xl/worksheets/sheet1.xml", late_entity)),
             "xml_entities", "(i «xl/worksheets/sheet1.xml»)", "(in “xl/worksheets/sheet1.xml”)"),
        Case("entity_in_content_types.xlsx", one("entity_in_content_types.xlsx", lambda: replace_in_zip(good(), "[Content_Types].xml", lambda d: BILLION_LAUGHS + without_declaration(d))),
             "xml_entities", "(i «[Content_Types].xml»)", "(in “[Content_Types].xml”)"),
        Case("entity_in_relationships.xlsx", one("entity_in_relationships.xlsx", lambda: replace_in_zip(good(), "xl/_rels/workbook.xml.rels", late_entity)),
             "xml_entities", "(i «xl/_rels/workbook.xml.rels»)", "(in “xl/_rels/workbook.xml.rels”)"),
        Case("doctype_in_styles.xlsx", one("doctype_in_styles.xlsx", lambda: replace_in_zip(good(), "xl/styles.xml", lambda d: b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://' + PROBE.encode() + b'/x.dtd">' + without_declaration(d))),
             "xml_entities", "(i «xl/styles.xml»)", "(in “xl/styles.xml”)"),
        Case("utf16_sheet.xlsx", one("utf16_sheet.xlsx", lambda: replace_in_zip(good(), "xl/worksheets/sheet3.xml", lambda d: without_declaration(d).decode().encode("utf-16"))),
             "xlsx_encoding", "er lagret som UTF-16", "is stored as UTF-16"),
        # --- sheets matched exactly -------------------------------------------------------------
        Case("hidden_lookalike_sheet.xlsx", one("hidden_lookalike_sheet.xlsx", lambda: with_sheets(STANDARD + [(" responses", "hidden", "rId9")], {"xl/worksheets/sheet9.xml": sheet_xml(HEADER_ROW)}, rel("rId9", "worksheets/sheet9.xml"))),
             "sheet_lookalike", "arket « responses» ligner på «responses»", "the sheet “ responses” looks like “responses”"),
        Case("hidden_responses.xlsx", one("hidden_responses.xlsx", lambda: with_sheets([("responses", "hidden", "rId1"), *STANDARD[1:]])),
             "sheet_hidden", "arket «responses» er skjult (hidden)", "the sheet “responses” is hidden (hidden)"),
        Case("very_hidden_codebook.xlsx", one("very_hidden_codebook.xlsx", lambda: with_sheets([STANDARD[0], ("codebook", "veryHidden", "rId2"), STANDARD[2]])),
             "sheet_hidden", "arket «codebook» er skjult (veryHidden)", "the sheet “codebook” is hidden (veryHidden)"),
        Case("duplicate_sheet_name.xlsx", one("duplicate_sheet_name.xlsx", lambda: with_sheets(STANDARD + [("meta", "visible", "rId9")], {"xl/worksheets/sheet9.xml": sheet_xml(HEADER_ROW)}, rel("rId9", "worksheets/sheet9.xml"))),
             "sheet_duplicate", "2 ark som heter «meta»", "2 sheets named “meta”"),
        Case("capitalised_sheet.xlsx", one("capitalised_sheet.xlsx", lambda: with_sheets([("Responses", "visible", "rId1"), *STANDARD[1:]])),
             "sheet_misnamed", "arket «Responses» må hete nøyaktig «responses»", "the sheet “Responses” must be named exactly “responses”"),
        Case("invisible_character_sheet.xlsx", one("invisible_character_sheet.xlsx", lambda: with_sheets(STANDARD + [("code\u200bbook", "visible", "rId9")], {"xl/worksheets/sheet9.xml": sheet_xml(HEADER_ROW)}, rel("rId9", "worksheets/sheet9.xml"))),
             "sheet_lookalike", "ligner på «codebook»", "looks like “codebook”"),
        Case("too_many_sheets.xlsx", one("too_many_sheets.xlsx", lambda: with_sheets(STANDARD + [(f"ekstra{i}", "visible", "rId1") for i in range(48)])),
             "too_many_sheets", "51 ark, flere enn grensen på 50 (innstillingen SURVEY_MAX_SHEETS)", "51 sheets, more than the limit of 50 (setting SURVEY_MAX_SHEETS)"),
        # --- text that is too much, or not what it looks like ---------------------------------------
        Case("long_question.xlsx", one("long_question.xlsx", lambda: broken(set_cell("codebook", 2, "question", random_text(6_000)))),
             "cell_too_long", "6000 tegn, flere enn grensen på 5000 (innstillingen SURVEY_MAX_CELL_CHARS)", "6000 characters, more than the limit of 5000 (setting SURVEY_MAX_CELL_CHARS)"),
        Case("question_12mb.xlsx", one("question_12mb.xlsx", lambda: replace_in_zip(good(), "xl/worksheets/sheet2.xml", lambda d: d.replace(b"<t>Gevinster?</t>", b"<t>" + random_text(12_000_000).encode() + b"</t>", 1))),
             "cell_too_long", "flere enn grensen på 5000 (innstillingen SURVEY_MAX_CELL_CHARS)", "more than the limit of 5000 (setting SURVEY_MAX_CELL_CHARS)", generated=True),
        Case("long_rich_text.xlsx", one("long_rich_text.xlsx", lambda: _rich_shared_strings(800)), "cell_too_long",
             "flere enn grensen på 5000", "more than the limit of 5000"),
        Case("nul_in_answer.xlsx", one("nul_in_answer.xlsx", lambda: replace_in_zip(good(), "xl/worksheets/sheet1.xml", lambda d: d.replace(b"<t>Aby</t>", b"<t>Aby_x0000_</t>", 1))),
             "control_character", "usynlig kontrolltegn (U+0000)", "invisible control character (U+0000)"),
        Case("duplicate_header.xlsx", one("duplicate_header.xlsx", lambda: replace_in_zip(good(), "xl/worksheets/sheet1.xml", lambda d: d.replace(b"<t>q2</t>", b"<t>q1</t>", 1))),
             "duplicate_header", "overskriften «q1» står i flere kolonner (C, D)", "the header “q1” stands over several columns (C, D)"),
        Case("blank_header.xlsx", one("blank_header.xlsx", lambda: append_rows("xl/worksheets/sheet1.xml", b'<row r="3">' + inline("G3", "løs verdi") + b"</row>")),
             "blank_header", "har data, men ingen overskrift", "holds data but has no header"),
        Case("duplicate_scale_label.xlsx", one("duplicate_scale_label.xlsx", lambda: broken(set_cell("codebook", 1, "scale", "Aby | Aby | Bby"))),
             "duplicate_scale_label", "har kategorien «Aby» mer enn én gang", "lists “Aby” more than once"),
        Case("negative_threshold.xlsx", one("negative_threshold.xlsx", lambda: broken(lambda s: s.__setitem__("meta", pd.concat([s["meta"], pd.DataFrame({"key": ["min_group_size"], "value": ["-5"]})])))),
             "bad_meta_number", "«min_group_size» må være et heltall, fant «-5»", "“min_group_size” must be a whole number, found “-5”"),
        Case("bad_order.xlsx", one("bad_order.xlsx", lambda: broken(set_cell("codebook", 2, "order", "først"))), "codebook_not_number",
             "«først» er ikke et tall", "“først” is not a number"),
        # --- CSV sets ------------------------------------------------------------------------------
        Case("nul_byte_csv", lambda: {**csv_set(), "responses.csv": csv_set()["responses.csv"].replace(b"Aby", b"Aby\0", 1)},
             "control_character", "usynlig kontrolltegn (U+0000)", "invisible control character (U+0000)"),
        Case("duplicate_header_csv", lambda: {**csv_set(), "responses.csv": csv_set()["responses.csv"].replace(b"q2", b"q1", 1)},
             "duplicate_header", "står i flere kolonner (C, D)", "stands over several columns (C, D)"),
        Case("long_cell_csv", lambda: {**csv_set(), "codebook.csv": csv_set()["codebook.csv"].replace(b"Gevinster?", random_text(6_000).encode(), 1)},
             "cell_too_long", "6000 tegn", "6000 characters"),
        Case("field_count_csv", lambda: {**csv_set(), "responses.csv": csv_set()["responses.csv"] + b"R7,Aby,Ja,Ja,1,ekstra\n"},
             "csv_field_count", "linja har 6 felt, men overskriften har 5", "the line has 6 fields, but the header has 5"),
        Case("too_many_columns_csv", lambda: {**csv_set(), "responses.csv": (",".join(f"k{i}" for i in range(501)) + "\n" + ",".join("1" * 501) + "\n").encode()},
             "too_many_columns", "minst 501 kolonner, flere enn grensen på 500", "at least 501 columns, more than the limit of 500"),
        Case("too_many_rows_csv", lambda: {**csv_set(), "responses.csv": b"id,kommune,q1,q2,o1\n" + b"".join(b"R%d,Aby,Vet ikke,Ja,1\n" % n for n in range(200_001))},
             "too_many_rows", "rader, flere enn grensen på 200 000 (innstillingen SURVEY_MAX_ROWS)", "rows, more than the limit of 200,000 (setting SURVEY_MAX_ROWS)", generated=True),
        # --- SPSS -------------------------------------------------------------------------------------
        Case("too_many_columns.sav", one("too_many_columns.sav", lambda: sav(pd.DataFrame({f"v{i}": [1.0] for i in range(501)}))),
             "too_many_columns", "minst 501 kolonner, flere enn grensen på 500", "at least 501 columns, more than the limit of 500"),
        Case("long_text.sav", one("long_text.sav", lambda: sav(pd.DataFrame({"id": [1.0, 2.0], "k": [1.0, 2.0], "fritekst": [random_text(6_000), "kort"]}),
                                                             variable_value_labels={"k": {1.0: "Aby", 2.0: "Bby"}})),
             "cell_too_long", "flere enn grensen på 5000", "more than the limit of 5000"),
        # --- files that load: their text must stay text ------------------------------------------------
        Case("markup_workbook", lambda: {MARKUP_FILE: xlsx(markup_sheets())}, "", "Ingen feil eller advarsler.", "No errors or warnings."),
        Case("markup_csv", lambda: {f"{name}.csv": frame.to_csv(index=False).encode("utf-8") for name, frame in markup_sheets().items()},
             "", "Ingen feil eller advarsler.", "No errors or warnings."),
        Case("formula_text_csv", lambda: csv_set(_formula_text_sheets()), "", "Ingen feil eller advarsler.", "No errors or warnings."),
    ]


def _formula_text_sheets() -> dict[str, pd.DataFrame]:
    """A CSV survey whose question, labels and free-text answers look like spreadsheet formulas:
    it loads, and every spreadsheet made from it must keep them as text."""
    sheets = good_sheets()
    codebook = sheets["codebook"]
    codebook.loc[2, "question"] = '=HYPERLINK("https://' + PROBE + '/x","Klikk")'
    codebook.loc[3, "label"] = "+SUM(1;2)"
    codebook = pd.concat([codebook, pd.DataFrame([{"column": "fritekst", "kind": "text", "question": "@Kommentar",
                                                   "label": "-Kommentar"}])], ignore_index=True)
    responses = sheets["responses"]
    responses["fritekst"] = ['=HYPERLINK("https://' + PROBE + '/y","Klikk")', "-1+1", "@SUM(A1)", "+1", "", "vanlig"]
    return {"responses": responses, "codebook": codebook, "meta": sheets["meta"]}


def _flip_bytes(data: bytes, member: str) -> bytes:
    """Damage a part's compressed data (its CRC no longer matches, or it no longer inflates)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    blob = bytearray(data)
    for offset in range(start + 10, start + min(info.compress_size, 60)):
        blob[offset] ^= 0x55
    return bytes(blob)


def _set_flag(data: bytes, member: str, flag: int) -> bytes:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    blob = bytearray(data)
    struct.pack_into("<H", blob, info.header_offset + 6, info.flag_bits | flag)
    position = bytes(blob).find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", blob, position + 28)[0]
        if bytes(blob[position + 46:position + 46 + name_length]).decode() == member:
            struct.pack_into("<H", blob, position + 8, info.flag_bits | flag)
        position = bytes(blob).find(b"PK\x01\x02", position + 4)
    return bytes(blob)


def _rich_shared_strings(runs: int) -> bytes:
    """A question stored as a shared string of many short rich-text runs (each run is short, the
    string is not)."""
    body = parts(good())
    text = "".join(f"<r><t>{random_text(10, seed=n)}</t></r>" for n in range(runs))
    body["xl/sharedStrings.xml"] = (f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                                    f'uniqueCount="1"><si>{text}</si></sst>').encode()
    body["xl/_rels/workbook.xml.rels"] = body["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                             b'sharedStrings" Target="sharedStrings.xml" Id="rId9"/></Relationships>')
    body["xl/worksheets/sheet2.xml"] = body["xl/worksheets/sheet2.xml"].replace(
        b'<c r="C4" t="inlineStr"><is><t>Gevinster?</t></is></c>', b'<c r="C4" t="s"><v>0</v></c>')
    return zip_bytes(body)


# ----------------------------------------------------------------------------------------- writing


def write_case(case: Case, folder: Path) -> Path:
    """Write one case into `folder`; returns the file (or the folder of files) to upload."""
    files = case.build()
    if len(files) == 1 and case.name in files:
        target = folder / case.name
        target.write_bytes(files[case.name])
        return target
    target = folder / case.name
    target.mkdir(parents=True, exist_ok=True)
    for file_name, data in files.items():
        (target / file_name).write_bytes(data)
    return target


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    rows = []
    for case in cases():
        if not case.generated:
            write_case(case, OUT)
        rows.append({"case": case.name, "outcome": case.outcome, "code": case.code, "nb": case.nb, "en": case.en,
                     "generated": int(case.generated)})
    with open(OUT / "expected.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["case", "outcome", "code", "nb", "en", "generated"])
        writer.writeheader()
        writer.writerows(rows)
    committed = sum(not case.generated for case in cases())
    print(f"{len(rows)} cases ({committed} files written to {OUT.relative_to(ROOT)}, "
          f"{len(rows) - committed} built at test time)")


if __name__ == "__main__":
    main()
