"""Build tests/fixtures/bad/: broken and hostile uploads, each with the message it must get.

Run `python scripts/build_bad_corpus.py`; it rewrites the folder and `expected.csv`
(file, expected problem code, a fragment of the Norwegian message). A case is either one
file or a folder whose files are uploaded together (CSV sets). The tests feed every case
to `analysis.intake.load_upload` and check the code and the message.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "bad"
LIKERT = "I svært liten grad | I liten grad | I noen grad | I stor grad | I svært stor grad | Vet ikke"


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
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
    return change


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def replace_in_zip(data: bytes, member: str, transform) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_bytes({i.filename: transform(source.read(i)) if i.filename == member else source.read(i) for i in source.infolist()})


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


def cases() -> list[tuple[str, dict[str, bytes], str, str]]:
    """(case name, {file name: bytes}, expected code, fragment of the message)."""
    good = xlsx(good_sheets())
    csv_good = {f"{name}.csv": frame.to_csv(index=False).encode("utf-8") for name, frame in good_sheets().items()}
    return [
        ("text_renamed.xlsx", {"text_renamed.xlsx": b"id;kommune\n1;Aby\n"}, "unknown_format", "verken en .xlsx"),
        ("zip_without_workbook.xlsx", {"zip_without_workbook.xlsx": zip_bytes({"hei.txt": b"hei"})}, "not_a_workbook", "mangler xl/workbook.xml"),
        ("truncated.xlsx", {"truncated.xlsx": good[: len(good) // 2]}, "not_a_workbook", "ikke en Excel-arbeidsbok"),
        ("zip_bomb.xlsx", {"zip_bomb.xlsx": zip_bytes({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * (64 * 1024 * 1024)})},
         "zip_bomb", "avvises av sikkerhetshensyn"),
        ("xml_entities.xlsx", {"xml_entities.xlsx": replace_in_zip(good, "xl/worksheets/sheet1.xml", lambda d: BILLION_LAUGHS + (d.split(b"?>", 1)[1] if d.startswith(b"<?xml") else d))},
         "xml_entities", "XML-entitetsdeklarasjoner"),
        ("empty.xlsx", {"empty.xlsx": b""}, "empty_file", "fila er tom"),
        ("old_format.xls", {"old_format.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504}, "old_excel", "gammel Excel-fil"),
        ("random.bin", {"random.bin": bytes(range(256)) * 4}, "unknown_format", "verken en .xlsx"),
        ("bad.sav", {"bad.sav": b"$FL2" + b"\x00garbage" * 20}, "unreadable", "kunne ikke leses"),
        ("missing_meta.xlsx", {"missing_meta.xlsx": broken(lambda s: s.pop("meta"))}, "missing_sheet", "arket «meta» mangler"),
        ("missing_codebook.xlsx", {"missing_codebook.xlsx": broken(lambda s: s.pop("codebook"))}, "missing_sheet", "arket «codebook» mangler"),
        ("unknown_label.xlsx", {"unknown_label.xlsx": broken(set_cell("responses", 1, "q1", "i noen grad"))},
         "unknown_label_suggest", "mente du «I noen grad»?"),
        ("unknown_label_no_match.xlsx", {"unknown_label_no_match.xlsx": broken(set_cell("responses", 1, "q2", "Kanskje"))},
         "unknown_label", "ukjent svar «Kanskje»"),
        ("duplicate_id.xlsx", {"duplicate_id.xlsx": broken(set_cell("responses", 3, "id", "R1"))}, "duplicate_id", "finnes flere ganger"),
        ("blank_id.xlsx", {"blank_id.xlsx": broken(set_cell("responses", 2, "id", None))}, "blank_id", "respondent-ID mangler"),
        ("codebook_without_data.xlsx", {"codebook_without_data.xlsx": broken(lambda s: s.__setitem__("responses", s["responses"].drop(columns=["q2"])))},
         "codebook_without_data", "finnes ikke i svarene"),
        ("data_without_codebook.xlsx", {"data_without_codebook.xlsx": broken(lambda s: s["responses"].__setitem__("ekstra", 1))},
         "data_without_codebook", "er ikke beskrevet i kodeboka"),
        ("bad_kind.xlsx", {"bad_kind.xlsx": broken(set_cell("codebook", 2, "kind", "skala"))}, "codebook_invalid", "ugyldig kodebokrad"),
        ("measure_mismatch.xlsx", {"measure_mismatch.xlsx": broken(set_cell("codebook", 3, "measure", "top2"))},
         "measure_kind_mismatch", "passer ikke til typen «yes_no»"),
        ("missing_scale.xlsx", {"missing_scale.xlsx": broken(set_cell("codebook", 2, "scale", None))}, "missing_scale", "svarskalaen mangler"),
        ("dont_know_not_in_scale.xlsx", {"dont_know_not_in_scale.xlsx": broken(set_cell("codebook", 2, "dont_know", "Usikker"))},
         "dont_know_not_in_scale", "står ikke i svarskalaen"),
        ("bad_multi_select.xlsx", {"bad_multi_select.xlsx": broken(set_cell("responses", 0, "o1", "ja"))}, "bad_multi_select", "må være 0 eller 1"),
        ("blank_breakdown.xlsx", {"blank_breakdown.xlsx": broken(set_cell("responses", 4, "kommune", None))}, "blank_breakdown", "mangler verdi"),
        ("duplicate_codebook_row.xlsx", {"duplicate_codebook_row.xlsx": broken(lambda s: s.__setitem__("codebook", pd.concat([s["codebook"], s["codebook"].iloc[[2]]])))},
         "duplicate_codebook_column", "mer enn én gang"),
        ("missing_meta_key.xlsx", {"missing_meta_key.xlsx": broken(lambda s: s.__setitem__("meta", s["meta"].iloc[1:]))},
         "missing_meta_key", "mangler nøkkelen «title»"),
        ("bad_meta_number.xlsx", {"bad_meta_number.xlsx": broken(lambda s: s.__setitem__("meta", pd.concat([s["meta"], pd.DataFrame({"key": ["invited"], "value": ["mange"]})])))},
         "bad_meta_number", "må være et heltall"),
        ("formula.xlsx", {"formula.xlsx": broken(set_cell("responses", 0, "q2", '=IF(1,"Ja","Nei")'))}, "formula_cell", "inneholder en formel"),
        ("no_respondents.xlsx", {"no_respondents.xlsx": broken(lambda s: s.__setitem__("responses", s["responses"].iloc[0:0]))},
         "no_respondents", "ingen respondentrader"),
        ("no_id_column.xlsx", {"no_id_column.xlsx": broken(set_cell("codebook", 0, "kind", "text"))}, "no_id_column", "nøyaktig én kolonne av typen «id»"),
        ("missing_codebook_field.xlsx", {"missing_codebook_field.xlsx": broken(lambda s: s.__setitem__("codebook", s["codebook"].drop(columns=["kind"])))},
         "missing_codebook_field", "mangler kolonnen «kind»"),
        ("too_many_columns.xlsx", {"too_many_columns.xlsx": broken(lambda s: s.__setitem__("responses", pd.concat([s["responses"], pd.DataFrame({f"x{i}": [1] * 6 for i in range(500)})], axis=1)))},
         "too_many_columns", "flere enn grensen"),
        ("single.csv", {"single.csv": csv_good["responses.csv"]}, "csv_needs_codebook", "last opp svarene og kodeboka sammen"),
        ("latin1_csv", {**csv_good, "responses.csv": csv_good["responses.csv"].decode().replace("Aby", "Årdal").encode("latin-1"),
                        "codebook.csv": csv_good["codebook.csv"].decode().replace("Aby", "Årdal").encode("latin-1")},
         "not_utf8", "ikke UTF-8"),
        ("csv_wrong_names", {"a.csv": csv_good["responses.csv"], "b.csv": csv_good["codebook.csv"]}, "csv_set_names", "må hete noe med «responses»"),
    ]


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    rows = []
    for name, files, code, fragment in cases():
        if len(files) == 1 and name in files:
            (OUT / name).write_bytes(files[name])
        else:
            (OUT / name).mkdir()
            for file_name, data in files.items():
                (OUT / name / file_name).write_bytes(data)
        rows.append({"case": name, "code": code, "message": fragment})
    with open(OUT / "expected.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["case", "code", "message"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} cases in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
