"""The command line: output formats, exit codes, messages, and that every command and
option is documented in README.md."""

import json
import re
import subprocess
import sys

import pytest

from cli.main import build_parser, main
from conftest import ROOT, tiny_frames, write_workbook


@pytest.fixture(autouse=True)
def threshold_one(monkeypatch):
    """The tiny survey's groups are below the default threshold; tests lower the owner's setting."""
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "1")


def run(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=ROOT, capture_output=True, text=True)


def test_summary_json_fields(tiny_path, capsys):
    assert main(["summary", str(tiny_path), "--by", "kommune", "--format", "json", "--min-n", "1"]) == 0
    rows = json.loads(capsys.readouterr().out)
    q1 = next(r for r in rows if r["item_id"] == "q1" and r["group"] == {"kommune": "Aby"})
    assert {"item_id", "question", "measure", "group", "n", "k", "pct", "ci_low", "ci_high", "suppressed"} <= set(q1)
    # Aby: R1 stor, R2 svært stor, R3 stor, R4 DK → n 4, k 3.
    assert (q1["n"], q1["k"], q1["pct"]) == (4, 3, 75.0)


def test_summary_substantive(tiny_path, capsys):
    main(["summary", str(tiny_path), "--format", "json", "--denominator", "substantive", "--min-n", "1"])
    q1 = next(r for r in json.loads(capsys.readouterr().out) if r["item_id"] == "q1")
    assert (q1["n"], q1["k"], q1["denominator"]) == (7, 4, "substantive")


def test_summary_csv_and_table(tiny_path, capsys):
    main(["summary", str(tiny_path), "--by", "rolle", "--format", "csv", "--min-n", "1"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("item_id,question") and "rolle" in lines[0]
    assert len(lines) == 1 + 5 * 2
    main(["summary", str(tiny_path), "--min-n", "1"])
    assert "44,4\u00a0%" in capsys.readouterr().out


def test_min_n_suppresses(tiny_path, capsys):
    main(["summary", str(tiny_path), "--by", "kommune,rolle", "--format", "json", "--min-n", "3"])
    rows = json.loads(capsys.readouterr().out)
    small = next(r for r in rows if r["item_id"] == "q1" and r["group"] == {"kommune": "Aby", "rolle": "Pol"})
    assert small["suppressed"] is True and small["k"] is None and small["pct"] is None and small["ci_low"] is None


def test_min_n_cannot_lower_the_configured_threshold(tiny_path, capsys, monkeypatch):
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "5")
    main(["summary", str(tiny_path), "--by", "kommune,rolle", "--format", "json", "--min-n", "1"])
    rows = json.loads(capsys.readouterr().out)
    assert all(r["suppressed"] for r in rows)  # every municipality × role cell has at most 3


def test_unknown_breakdown_is_a_clear_error():
    result = run("summary", "--by", "fylke")
    assert result.returncode == 1
    assert "ukjent bakgrunnsvariabel «fylke»" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_ok():
    result = run("validate", "data/survey_raw.xlsx")
    assert result.returncode == 0
    assert result.stdout.startswith("OK: data/survey_raw.xlsx: 93 respondenter")


def test_validate_lists_problems(tmp_path):
    sheets = tiny_frames()
    sheets["responses"].loc[2, "q1"] = "i stor grad"
    sheets["responses"].loc[4, "id"] = "R1"
    path = write_workbook(tmp_path / "bad.xlsx", sheets)
    result = run("validate", str(path))
    assert result.returncode == 1
    assert "2 problem(er)" in result.stderr
    assert "rad 4, kolonne «q1»: ukjent svar «i stor grad» — mente du «I stor grad»?" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_is_a_clear_error(tmp_path):
    result = run("summary", str(tmp_path / "none.xlsx"))
    assert result.returncode == 1 and "fila finnes ikke" in result.stderr and "Traceback" not in result.stderr


def commands_and_options():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, command in sub.choices.items():
        options = [s for a in command._actions for s in a.option_strings if s.startswith("--") and s != "--help"]
        yield name, options


def test_every_command_and_option_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, options in commands_and_options():
        assert re.search(rf"python -m analysis {name}\b", readme), f"README lacks `python -m analysis {name}`"
        for option in options:
            assert option in readme, f"README lacks option {option} of `{name}`"


# ------------------------------------------------------------------ validate: the Data page's door

from corpus import EXPECTED, as_read, case_path, files_of, only_english_notices  # noqa: E402


@pytest.mark.slow
@pytest.mark.parametrize("name", ["far_cell.xlsx", "dimension_lie_3m_rows.xlsx", "zip_bomb_2gb.xlsx",
                                  "zip_bomb_lying_header.xlsx", "question_12mb.xlsx", "hidden_lookalike_sheet.xlsx"])
def test_validate_refuses_what_the_data_page_refuses_with_the_same_message(name, generated_corpus):
    """The three files that crashed or stalled the server (and others) through `validate`: the
    same problems, word for word, as `read_upload` gives the Data page."""
    from analysis.intake import read_upload

    case = next(c for c in EXPECTED if c["case"] == name)
    paths = files_of(case_path(case, generated_corpus))
    for language, fragment in (("nb", case["nb"]), ("en", case["en"])):
        result = run("--language", language, "validate", *map(str, paths))
        assert result.returncode == 1 and result.stdout == ""
        assert fragment in as_read(result.stderr), result.stderr
        assert "Traceback" not in result.stderr
        _, problems = read_upload({p.name: p.read_bytes() for p in paths})
        for problem in problems:
            assert problem.describe(language) in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("language", ["nb", "en"])
def test_validate_answers_every_corpus_case_in_both_languages(language, generated_corpus, capsys):
    """The whole hostile corpus through the `validate` command (its `main`, in this process:
    a new process per case would take minutes; the cases above run it as a new process): a
    refused case exits 1 with its specific message in the chosen language and no exception
    name; a case that loads exits 0 with OK and no problem but the notices that the corpus's
    bokmål-only codebooks have no English."""
    wrong = []
    for case in EXPECTED:
        paths = files_of(case_path(case, generated_corpus))
        status = main(["--language", language, "validate", *map(str, paths)])
        out, err = capsys.readouterr()
        if case["outcome"] == "refused":
            good = status == 1 and out == "" and case[language] in as_read(err)
        else:
            good = status == 0 and out.startswith("OK: ") and only_english_notices(err.splitlines(), language)
        if not good or any(word in err for word in ("Traceback", "Error:", "Exception")):
            wrong.append(f"{case['case']}: exit {status}: {(out + err)[:300]}")
    assert not wrong, "\n".join(wrong)


def test_validate_stops_reading_at_the_size_limit():
    result = run("--language", "en", "validate", "/dev/zero")
    assert result.returncode == 1
    assert "larger than the limit of 20 MB (setting SURVEY_MAX_UPLOAD_MB); reading stopped there" in result.stderr


def test_validate_takes_a_csv_set_an_spss_file_and_rounds(tmp_path):
    paths = []
    for name, frame in tiny_frames().items():
        paths.append(tmp_path / f"{name}.csv")
        frame.to_csv(paths[-1], index=False)
    result = run("validate", *map(str, paths))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ") and "10 respondenter" in result.stdout
    school = sorted((ROOT / "tests" / "fixtures" / "school").glob("skole_*.xlsx"))
    result = run("validate", *map(str, school))
    assert result.returncode == 0 and "188 respondenter" in result.stdout
    bad = ROOT / "tests" / "fixtures" / "bad" / "bad.sav"
    result = run("--language", "en", "validate", str(bad))
    assert result.returncode == 1 and "could not be read as an SPSS file" in result.stderr and "BadZipFile" not in result.stderr


def test_summary_on_a_file_goes_through_the_same_intake(tmp_path):
    result = run("summary", str(ROOT / "tests" / "fixtures" / "bad" / "far_cell.xlsx"))
    assert result.returncode == 1 and "SURVEY_MAX_ROWS" in result.stderr and "Traceback" not in result.stderr
