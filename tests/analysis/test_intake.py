"""The one intake: every case of the hostile corpus (tests/fixtures/bad/, scripts/build_bad_corpus.py)
gets its specific message in both languages or loads; limits are counted on what a file holds;
the worker process takes the blows; good uploads (xlsx, CSV set, SPSS .sav) load."""

from __future__ import annotations

import io
import re
import signal

import pandas as pd
import pytest

from analysis import sandbox, survey_wire
from analysis.aggregate import headline_table
from analysis.intake import Limits, parse_upload, read_upload
from analysis.load import BUNDLED_WORKBOOK
from analysis.intake import load_workbook
from analysis.problems import Problem
from analysis.template import write_template
from conftest import tiny_frames, write_workbook
from corpus import EXPECTED, LOADED, REFUSED, as_read, upload_of

NORWEGIAN_ONLY = re.compile(r"[«»]|\b(utpakket|ødelagt|mangler|arket|fila|grensen|innstillingen|deler)\b")


def test_corpus_covers_the_issue_and_the_earlier_corpus():
    names = {case["case"] for case in EXPECTED}
    assert len(EXPECTED) >= 60
    # the files the issue names, and the 34 of the earlier corpus
    assert {"far_cell.xlsx", "dimension_lie_3m_rows.xlsx", "question_12mb.xlsx", "zip_bomb_2gb.xlsx",
            "hidden_lookalike_sheet.xlsx", "duplicate_header.xlsx", "duplicate_scale_label.xlsx", "nul_byte_csv",
            "late_entity.xlsx", "markup_workbook", "formula_text_csv", "zip_bomb.xlsx", "latin1_csv"} <= names


@pytest.mark.parametrize("case", REFUSED, ids=[c["case"] for c in REFUSED])
def test_refused_file_gets_its_message_in_both_languages(case, generated_corpus):
    files = upload_of(case, generated_corpus)
    before = {name: bytes(data) for name, data in files.items()}
    survey, problems = read_upload(files)
    assert survey is None
    errors = [p for p in problems if p.severity == "error"]
    assert case["code"] in [p.code for p in errors], f"{case['case']}: got {[p.code for p in errors]}"
    nb = " | ".join(as_read(p.describe("nb")) for p in errors)
    en = " | ".join(as_read(p.describe("en")) for p in errors)
    assert case["nb"] in nb
    assert case["en"] in en
    ours = [as_read(p.message("en")) for p in errors if p.code == case["code"]]
    assert not any(NORWEGIAN_ONLY.search(message) for message in ours), ours  # no bokmål details in English
    assert not any(word in nb + en for word in ("Error", "Traceback", "Exception", "BadZipFile"))
    assert files == before  # the upload is never modified


@pytest.mark.parametrize("case", LOADED, ids=[c["case"] for c in LOADED])
def test_markup_and_formula_text_files_load(case):
    survey, problems = read_upload(upload_of(case))
    assert survey is not None, [p.describe() for p in problems]
    assert not [p for p in problems if p.severity == "error"]


def test_worker_and_trusted_reading_give_the_same_survey():
    data = BUNDLED_WORKBOOK.read_bytes()
    trusted, _ = read_upload({"survey_raw.xlsx": data}, trusted=True)
    worker, problems = read_upload({"survey_raw.xlsx": data})
    assert worker is not None, problems
    pd.testing.assert_frame_equal(trusted.responses, worker.responses, check_dtype=False)
    pd.testing.assert_frame_equal(trusted.codebook, worker.codebook)
    assert (trusted.items, trusted.breakdowns, trusted.meta, trusted.id_column) == \
           (worker.items, worker.breakdowns, worker.meta, worker.id_column)


def test_reply_of_a_worker_is_checked_not_trusted():
    survey, problems = parse_upload({"tiny.xlsx": write_workbook_bytes()}, Limits())
    reply = survey_wire.encode(survey, problems)
    again, _ = survey_wire.decode(reply)
    assert list(again.responses.columns) == list(survey.responses.columns)
    unknown_code = survey_wire.encode(None, [Problem("too_large", params={"limit": 1})]).replace(b"too_large", b"no_such")
    for broken in (b"", b"not a reply", reply[:20], reply.replace(b'"version": 1', b'"version": 9'),
                   reply.replace(b'"id_column": "id"', b'"id_column": "nope"'), unknown_code):
        assert broken != reply
        with pytest.raises(survey_wire.BadReply):
            survey_wire.decode(broken)
    # a code out of range is refused, not wrapped around
    tampered = bytearray(reply)
    tampered[-4:] = (99).to_bytes(4, "little")
    with pytest.raises(survey_wire.BadReply):
        survey_wire.decode(bytes(tampered))


def write_workbook_bytes(frames=None) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in (frames or tiny_frames()).items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize("exitcode, code", [(-signal.SIGABRT, "worker_memory"), (-signal.SIGXCPU, "worker_cpu"),
                                            (-signal.SIGSEGV, "worker_memory"), (3, "worker_crashed")])
def test_how_a_worker_ended_becomes_a_message(exitcode, code):
    problem = sandbox._ended(exitcode, Limits(), ["x.xlsx"])
    assert problem.code == code
    assert problem.message("en") != problem.message("nb")


def test_a_multi_threaded_process_never_forks_a_worker():
    """The Streamlit server has many threads: its workers come from the forkserver, and asking
    to fork one from a multi-threaded process is refused (fork copies one thread and whatever
    locks the others held)."""
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert sandbox.start_method() == "forkserver"
        with pytest.raises(ValueError):
            sandbox.parse_in_worker({"x.xlsx": b"PK"}, Limits(), parse_upload, method="fork")
        survey, problems = sandbox.parse_in_worker({"survey_raw.xlsx": BUNDLED_WORKBOOK.read_bytes()}, Limits(), parse_upload)
        assert survey is not None, problems
    finally:
        stop.set()
        thread.join()


def corpus_file(name: str, generated) -> dict[str, bytes]:
    return upload_of(next(c for c in EXPECTED if c["case"] == name), generated)


@pytest.mark.slow
def test_a_reader_that_runs_out_of_memory_costs_the_worker_only(generated_corpus):
    """With the cell limit lifted, one cell at SF199000 makes the reader lay out 99.5 million
    cells: in the worker the allocation fails (a native abort), here it is one message."""
    files = corpus_file("wide_sparse_area.xlsx", generated_corpus)
    survey, problems = read_upload(files, Limits(max_cells=10 ** 12, worker_memory_bytes=256 * 1024 * 1024))
    assert survey is None and [p.code for p in problems] == ["worker_memory"]
    assert "SURVEY_WORKER_MEMORY_MB" in problems[0].message("en") and "256" in problems[0].message("en")


@pytest.mark.slow
def test_a_worker_over_its_cpu_or_wall_time_is_stopped(generated_corpus):
    files = corpus_file("dimension_lie_3m_rows.xlsx", generated_corpus)
    unlimited = Limits(max_rows=10 ** 8, max_cells=10 ** 9, max_unzipped_bytes=10 ** 10, max_bytes=10 ** 9)
    survey, problems = read_upload(files, Limits(**{**unlimited.__dict__, "worker_cpu_seconds": 1}))
    assert survey is None and [p.code for p in problems] == ["worker_cpu"]
    assert "SURVEY_WORKER_CPU_SECONDS" in problems[0].message()
    survey, problems = read_upload(files, Limits(**{**unlimited.__dict__, "worker_timeout_seconds": 0.5}))
    assert survey is None and [p.code for p in problems] == ["worker_timeout"]
    assert "SURVEY_WORKER_TIMEOUT_SECONDS" in problems[0].message()


def test_a_bug_in_the_reader_is_a_message_not_a_traceback(monkeypatch):
    def broken(files, limits):
        raise KeyError("boom")

    monkeypatch.setattr("analysis.intake._parse", broken)
    survey, problems = read_upload({"tiny.xlsx": write_workbook_bytes()}, trusted=True)
    assert survey is None and [p.code for p in problems] == ["internal_error"]
    assert "KeyError" not in problems[0].message() and "boom" not in problems[0].message()


def test_size_limit_refuses_before_parsing(tiny_path):
    survey, problems = read_upload({"tiny.xlsx": tiny_path.read_bytes()}, Limits(max_bytes=100))
    assert survey is None and problems[0].code == "too_large"
    assert "SURVEY_MAX_UPLOAD_MB" in problems[0].message()


def test_row_limit_counts_the_rows_that_are_there(tiny_path):
    survey, problems = read_upload({"tiny.xlsx": tiny_path.read_bytes()}, Limits(max_rows=5))
    assert survey is None and problems[0].code == "too_many_rows"
    assert "minst 10 rader, flere enn grensen på 5 (innstillingen SURVEY_MAX_ROWS)" in problems[0].message()
    survey, _ = read_upload({"tiny.xlsx": tiny_path.read_bytes()}, Limits(max_rows=10))
    assert survey is not None  # exactly at the limit is allowed


@pytest.mark.parametrize("limits, code", [
    (Limits(max_columns=7), "too_many_columns"),
    (Limits(max_cells=50), "too_many_cells"),
    (Limits(max_cell_chars=10), "cell_too_long"),
    (Limits(max_sheets=2), "too_many_sheets"),
    (Limits(max_parts=5), "zip_too_many_parts"),
    (Limits(max_unzipped_bytes=10_000), "zip_unpacked_too_large"),
])
def test_every_limit_is_a_setting_named_in_its_message(tiny_path, limits, code):
    survey, problems = read_upload({"tiny.xlsx": tiny_path.read_bytes()}, limits)
    assert survey is None and code in [p.code for p in problems]
    problem = next(p for p in problems if p.code == code)
    assert problem.params["setting"] in problem.message("nb") and problem.params["setting"] in problem.message("en")


def test_good_workbook_upload(tiny_path):
    survey, problems = read_upload({"tiny.xlsx": tiny_path.read_bytes()})
    assert survey is not None and not [p for p in problems if p.severity == "error"]
    assert len(survey.responses) == 10


def test_csv_set_with_semicolons_and_bom():
    files = {}
    for name, frame in tiny_frames().items():
        text = frame.to_csv(index=False, sep=";")
        files[f"{name}.csv"] = ("\ufeff" + text).encode("utf-8")
    survey, problems = read_upload(files)
    assert survey is not None, [p.describe() for p in problems]
    q1 = headline_table(survey).set_index("item_id").loc["q1"]
    assert (q1["n"], q1["k"]) == (9, 4)  # same as the workbook (see test_aggregate)


def test_sav_import_with_value_labels(tmp_path):
    import pyreadstat

    frame = pd.DataFrame({
        "id": [1.0, 2.0, 3.0, 4.0, 5.0],
        "kommune": [1.0, 1.0, 2.0, 2.0, 2.0],
        "gevinst": [4.0, 5.0, 3.0, 9.0, None],
        "tettere": [1.0, 2.0, 2.0, 2.0, 1.0],
    })
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(
        frame, str(path),
        column_labels=["ID", "Kommune", "Gir samarbeidet gevinster?", "Bør kommunene samarbeide tettere?"],
        variable_value_labels={
            "kommune": {1.0: "Aby", 2.0: "Bby"},
            "gevinst": {1.0: "I svært liten grad", 2.0: "I liten grad", 3.0: "I noen grad", 4.0: "I stor grad",
                        5.0: "I svært stor grad", 9.0: "Vet ikke"},
            "tettere": {1.0: "Nei", 2.0: "Ja"},
        },
    )
    survey, problems = read_upload({"survey.sav": path.read_bytes()})
    assert survey is not None, [p.describe() for p in problems]
    assert survey.items["gevinst"].kind == "likert" and survey.items["gevinst"].dont_know == "Vet ikke"
    assert survey.items["tettere"].kind == "yes_no"
    assert list(survey.breakdowns) == ["kommune"]
    assert survey.responses["gevinst"].tolist()[:4] == ["I stor grad", "I svært stor grad", "I noen grad", "Vet ikke"]
    table = headline_table(survey).set_index("item_id")
    # gevinst: 4 answered (one blank), stor + svært stor = 2; tettere: 5 answered, Ja = 3.
    assert (table.loc["gevinst", "n"], table.loc["gevinst", "k"]) == (4, 2)
    assert (table.loc["tettere", "n"], table.loc["tettere", "k"]) == (5, 3)
    assert any(p.code == "sav_inferred" for p in problems)
    assert survey.meta_text("provenance", "en") == "Imported from the SPSS file survey.sav."


def test_template_round_trip(tmp_path):
    """Template → filled with a small survey → the one intake loads and counts it."""
    sheets = pd.read_excel(io.BytesIO(write_template()), sheet_name=None, dtype=object, engine="openpyxl")
    assert {"responses", "codebook", "meta"} <= set(sheets)
    codebook = sheets["codebook"]
    codebook.loc[codebook["column"] == "kommune", "scale"] = "Nord | Sør"
    responses = pd.DataFrame({
        "respondent_id": ["a", "b", "c", "d"],
        "kommune": ["Nord", "Nord", "Sør", "Sør"],
        "rolle": ["Administrasjon", "Folkevalgte", "Administrasjon", "Folkevalgte"],
        "gevinst_1": ["I stor grad", "I liten grad", "Vet ikke", "I svært stor grad"],
        "tettere": ["Ja", "Ja", "Nei", None],
        "tillit": [7, 5, 2, 9],  # codes of the template's value labels (9 = Vet ikke)
        "alder": [34, 51, 47, 62],
        "omrade_helse": [1, 0, 1, 1],
    })
    path = write_workbook(tmp_path / "filled.xlsx", {"responses": responses, "codebook": codebook, "meta": sheets["meta"]})
    survey, problems = read_upload({"filled.xlsx": path.read_bytes()})
    assert survey is not None, [p.describe() for p in problems]
    table = headline_table(survey).set_index("item_id")
    assert (table.loc["gevinst_1", "n"], table.loc["gevinst_1", "k"]) == (4, 2)
    assert (table.loc["tettere", "n"], table.loc["tettere", "k"]) == (3, 2)
    assert (table.loc["tillit", "n"], table.loc["tillit", "k"]) == (4, 2)  # codes 5–7: two of four (as gevinst_1, "Vet ikke" counts in n)


def test_formula_like_text_survives_a_round_trip_through_our_workbook():
    """The converted-workbook download escapes formula-like text, and the intake reads it back."""
    from analysis.template import survey_workbook
    from openpyxl import load_workbook as open_xlsx

    (case,) = [c for c in LOADED if c["case"] == "formula_text_csv"]
    survey, _ = read_upload(upload_of(case))
    data = survey_workbook(survey)
    cells = [cell for sheet in open_xlsx(io.BytesIO(data)) for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "no cell of our workbook is a formula"
    assert any(str(c.value).startswith("'=HYPERLINK") for c in cells)
    again, problems = read_upload({"again.xlsx": data})
    assert again is not None, [p.describe() for p in problems]
    assert again.items["q1"].question == survey.items["q1"].question  # the apostrophe is dropped on reading
    assert again.responses["fritekst"].tolist() == survey.responses["fritekst"].tolist()


def test_bundled_workbook_is_read_in_process_through_the_same_validation(monkeypatch):
    """Trusted: no worker is started for it (and still every check of an upload applies)."""
    monkeypatch.setattr(sandbox, "parse_in_worker", lambda *a: pytest.fail("the bundled workbook needs no worker"))
    survey = load_workbook(BUNDLED_WORKBOOK)
    assert survey.items and survey.breakdowns
    survey, problems = read_upload({"survey_raw.xlsx": BUNDLED_WORKBOOK.read_bytes()}, Limits(max_rows=10), trusted=True)
    assert survey is None and problems[0].code == "too_many_rows"
