"""Page Data and page Utvikling in AppTest: the blank template filled with a small survey is
uploaded through the widget and every page shows its items; a broken file shows its message
and the app keeps working; two rounds uploaded together give Utvikling a change to show; one
session's upload is not another session's data.

Uploads go through `at.file_uploader(key=...).set_value((name, bytes, mime))` (Streamlit 1.67).
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.template import write_template
from conftest import FIXTURES, ROOT, tiny_frames
from corpus import EXPECTED, as_read, only_english_notices, upload_of
from report import keys

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCHOOL = FIXTURES / "school"


def start(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, files: dict[str, bytes]) -> AppTest:
    at.file_uploader(key="data-upload").set_value([(name, data, XLSX) for name, data in files.items()]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def use(at: AppTest) -> AppTest:
    at.button(key="data-use").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def titles(at: AppTest) -> list[str]:
    return [json.loads(chart.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for chart in at.get("plotly_chart")]


def messages(at: AppTest) -> str:
    """The report tables' text as a reader sees it (the cells are escaped Markdown)."""
    return as_read(" | ".join(" ".join(str(value) for value in frame.value.to_numpy().ravel()) for frame in at.table))


def shown(elements) -> str:
    """Markdown elements' text as a reader sees it."""
    return " ".join(as_read(element.value) for element in elements)


def filled_template() -> bytes:
    """The blank template as a user fills it: twelve respondents in the example codebook's columns."""
    sheets = pd.read_excel(io.BytesIO(write_template()), sheet_name=None, dtype=object, engine="openpyxl")
    levels = ["I svært liten grad", "I liten grad", "I noen grad", "I stor grad", "I svært stor grad", "Vet ikke"]
    rows = []
    for i in range(12):
        rows.append({"respondent_id": f"T{i + 1:02d}", "kommune": ["Kommune A", "Kommune B"][i % 2],
                     "rolle": ["Administrasjon", "Folkevalgte"][(i // 2) % 2], "gevinst_1": levels[i % 6],
                     "tettere": ["Nei", "Ja", "Vet ikke"][i % 3], "omrade_helse": i % 2,
                     "tillit": str(1 + i % 7), "alder": 30 + i})
    sheets["responses"] = pd.DataFrame(rows, columns=list(sheets["responses"].columns))
    meta = sheets["meta"].set_index("key")["value"]
    meta["title"], meta["provenance"], meta["invited"] = "Malprøven", "Fylt ut i testene.", 15
    sheets["meta"] = meta.reset_index()
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def test_template_filled_and_uploaded_is_shown_on_every_page():
    at = upload(start(), {"malprove.xlsx": filled_template()})
    assert any("Ingen feil" in s.value for s in at.success)
    assert "12 respondenter" in shown(at.markdown)
    use(at)
    banner = shown(at.info)
    assert "Malprøven" in banner and "malprove.xlsx" in banner
    visit(at, "pages/erfaringer.py")
    assert not any("Rekonstruerte data" in w.value for w in at.warning), "uploaded data are not the reconstructed ones"
    assert any("I hvilken grad gir samarbeidet gevinster?" in title for title in titles(at))
    visit(at, "pages/mulighetsrom.py")
    assert any("Bør kommunene samarbeide tettere?" in title for title in titles(at))
    assert any("Innen hvilke områder" in title for title in titles(at))
    visit(at, "pages/oversikt.py")
    assert {m.label: m.value for m in at.metric}["Svarte"] == "12"
    visit(at, "pages/utforsk.py")
    assert set(at.selectbox(key=keys.EXPLORE_ITEM_KEY).options) >= {
        "Gevinster", "Tettere samarbeid", "Innen hvilke områder bør kommunene samarbeide tettere?: Helse"}
    assert at.multiselect(key="kommune").options == ["Kommune A", "Kommune B"]


def test_back_to_the_bundled_data():
    at = use(upload(start(), {"tiny.xlsx": _tiny_bytes()}))
    at.button(key="data-back").click().run()
    assert not at.exception
    assert any("Rekonstruerte data" in w.value for w in at.warning)
    assert not any("Opplastede data" in i.value for i in at.info)


@pytest.mark.parametrize("case", ["unknown_label.xlsx", "zip_bomb.xlsx", "latin1_csv", "formula.xlsx"])
def test_broken_file_shows_its_message_and_the_app_keeps_working(case):
    expected = next(row for row in EXPECTED if row["case"] == case)
    at = upload(start(), upload_of(expected))
    assert any("feil" in e.value for e in at.error)
    assert expected["nb"] in messages(at)
    assert not [b for b in at.button if b.key == "data-use"], "a survey with errors cannot be used"
    visit(at, "pages/erfaringer.py")
    assert titles(at) and any("Rekonstruerte data" in w.value for w in at.warning), "still the bundled data"


def test_two_rounds_uploaded_together_show_the_change():
    files = {path.name: path.read_bytes() for path in sorted(SCHOOL.glob("skole_*.xlsx"))}
    at = upload(start(), files)
    assert "Runder: 2024, 2025" in shown(at.markdown)
    assert "finnes ikke i runden/rundene 2024" in messages(at)  # the question added in 2025, as a warning
    use(at)
    visit(at, "pages/utvikling.py")
    assert any("Jeg trives på jobb" in title for title in titles(at))
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    bars = [trace for trace in chart["data"] if trace["type"] == "bar"]
    assert [trace["name"] for trace in bars] == ["2024", "2025"]  # a bar per round, groups down the axis
    assert all(trace["error_x"]["array"] for trace in bars), "every shown share has its interval"
    change = at.dataframe[0].value
    numbers = change[change["Merknad"] == ""]
    assert len(numbers) and (numbers["Endring (prosentpoeng)"] != "").all() and (numbers["p (Fisher)"] != "").all()
    assert (change.loc[change["Merknad"] != "", "Endring (prosentpoeng)"] == "").all(), "hidden groups carry no numbers"
    partial = at.table[-1].value  # the last static table: questions not asked in every round (escaped Markdown)
    assert list(partial.iloc[:, 0].map(as_read)) == ["Plan for leseopplæring"] and list(partial.iloc[:, 1]) == ["2025"]
    assert not any("teller rundene" in c.value for c in at.caption), "Utvikling does not pool the rounds"
    visit(at, "pages/oversikt.py")
    assert "teller rundene 2024, 2025 sammen" in shown(at.caption)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Invitert"] == "240" and metrics["Svarte"] == "188", "invited summed over the rounds"


def test_without_rounds_utvikling_says_how_to_add_them():
    at = visit(start(), "pages/utvikling.py")
    assert any("bare én runde" in i.value for i in at.info)
    assert any("round_column" in m.value for m in at.markdown), "the docs' section on rounds is shown"


def test_link_values_the_new_survey_lacks_fall_back_with_a_notice():
    at = start(kommune="Grong")
    use(upload(at, {"tiny.xlsx": _tiny_bytes()}))
    notices = [as_read(i.value) for i in at.info]
    assert any("Grong" in notice for notice in notices), notices
    assert at.multiselect(key="kommune").value == []
    visit(at, "pages/erfaringer.py")
    assert titles(at)


def test_a_section_the_survey_lacks_says_so():
    at = use(upload(start(), {"skole_2024.xlsx": (SCHOOL / "skole_2024.xlsx").read_bytes()}))
    visit(at, "pages/erfaringer.py")
    assert any("ingen seksjon «erfaringer»" in as_read(i.value) and "trivsel" in i.value for i in at.info)
    visit(at, "pages/utforsk.py")
    assert {"Trives på jobb", "Kanaler: Skole-app"} <= set(at.selectbox(key=keys.EXPLORE_ITEM_KEY).options), "every section in Utforsk"


def test_sav_upload_reports_guesses_and_offers_the_workbook(tmp_path):
    import pyreadstat

    frame = pd.DataFrame({"id": [float(i) for i in range(1, 11)], "kommune": [1.0, 2.0] * 5,
                          "tilfreds": [1.0, 2.0, 3.0, 4.0, 5.0, 4.0, 5.0, 9.0, 3.0, 4.0]})
    path = tmp_path / "export.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={
        "kommune": {1.0: "Nord", 2.0: "Sør"},
        "tilfreds": {1.0: "Svært misfornøyd", 2.0: "Misfornøyd", 3.0: "Nøytral", 4.0: "Fornøyd", 5.0: "Svært fornøyd",
                     9.0: "Vet ikke"}})
    at = upload(start(), {"export.sav": path.read_bytes()})
    assert any("advarsel" in w.value for w in at.warning)
    assert "gjettet fra SPSS" in messages(at)
    assert [b for b in at.get("download_button") if "arbeidsbok" in b.proto.label]
    use(at)
    visit(at, "pages/utforsk.py")
    assert at.selectbox(key=keys.EXPLORE_ITEM_KEY).options == ["tilfreds"]


def test_an_upload_is_not_another_sessions_data():
    mine = use(upload(start(), {"tiny.xlsx": _tiny_bytes()}))
    other = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not other.exception
    assert any("Rekonstruerte data" in w.value for w in other.warning)
    assert other.multiselect(key="kommune").options == ["Grong", "Lierne", "Namsskogan", "Røyrvik"]
    assert mine.multiselect(key="kommune").options == ["Aby", "Bby"]


@pytest.mark.slow
def test_bad_corpus_files_are_all_answered(generated_corpus):
    """Every case of the corpus through the page in one session: each refused file gets its
    message and cannot be used; each file that loads can."""
    at = start()
    for case in EXPECTED:
        files = upload_of(case, generated_corpus)
        at.file_uploader(key="data-upload").set_value([(n, d, XLSX) for n, d in files.items()]).run()
        assert not at.exception, case["case"]
        usable = bool([b for b in at.button if b.key == "data-use"])
        if case["outcome"] == "refused":
            assert case["nb"] in messages(at), case["case"]
            assert not usable, case["case"]
        else:
            assert usable, case["case"]
            assert any("Ingen feil" in s.value for s in at.success) or only_english_notices(
                [" ".join(map(str, row)) for row in at.table[-1].value.itertuples(index=False)], "nb"), case["case"]


def _tiny_bytes() -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in tiny_frames().items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


# ------------------------------------------------------------------ the pure parts, directly


def test_problem_report_has_location_value_and_message():
    from analysis.problems import Problem
    from dashboard.upload import problem_frame

    problems = [Problem("unknown_label_suggest", sheet="responses", row=7, column="q1", value="i noen grad",
                        params={"suggestion": "I noen grad", "allowed": "…", "name": "a.xlsx"}),
                Problem("empty_file", params={"name": "b.xlsx"})]
    frame = problem_frame(problems, "nb", with_file=True)
    assert list(frame.columns) == ["Fil", "Ark", "Rad", "Kolonne", "Verdi", "Hva er galt / hva du gjør"]
    assert frame.iloc[0].tolist()[:5] == ["a.xlsx", "responses", 7, "q1", "i noen grad"]
    assert "mente du «I noen grad»" in frame.iloc[0, 5]
    assert frame.iloc[1, 1] == "" and pd.isna(frame.iloc[1, 2])
    assert list(problem_frame(problems, "en").columns)[0] == "Sheet"


def test_docs_section_is_read_from_the_file():
    from report import docs

    rounds = docs.section("Survey rounds")
    assert "round_column" in rounds and "## " not in rounds
    assert docs.section("No such heading") == ""


def test_section_addresses_are_ascii_and_unique():
    from report.labels import section_title
    from dashboard.navigation import section_url_path

    assert section_url_path("Skolemiljø og læring", set()) == "skolemiljo-og-laering"
    assert section_url_path("data", {"data"}) == "data-2"
    assert section_url_path("!!!", set()) == "seksjon"
    assert section_title("hjem_og_skole", "nb") == "Hjem og skole" and section_title("IKT og læring", "en") == "IKT og læring"


def test_survey_written_back_as_a_workbook_loads_the_same():
    from analysis.intake import validate_workbook
    from analysis.template import survey_workbook
    from analysis.intake import read_upload

    survey, _ = read_upload({"tiny.xlsx": _tiny_bytes()})
    again, problems = validate_workbook(survey_workbook(survey), name="again.xlsx")
    assert again is not None and not [p for p in problems if p.severity == "error"]
    assert again.responses.astype(object).equals(survey.responses.astype(object))
    assert list(again.items) == list(survey.items) and again.meta["title"] == survey.meta["title"]


def test_p_values_are_not_shown_more_precisely_than_meaningful():
    from report.rounds import p_text

    assert p_text(0.0000001, "nb") == "< 0,001" and p_text(0.25412, "en") == "0.254" and p_text(None, "nb") == ""


def test_one_file_with_a_round_column_as_the_docs_say():
    """docs/data-format.md, "Survey rounds": a breakdown `aar` after the others, named in meta."""
    sheets = tiny_frames()
    later = sheets["responses"].assign(id=lambda f: "B" + f["id"], q1="I stor grad")
    sheets["responses"] = pd.concat([sheets["responses"].assign(aar="2022"), later.assign(aar="2024")], ignore_index=True)
    year = pd.DataFrame([{"column": "aar", "kind": "breakdown", "question": "År", "label": "År", "scale": "2022 | 2024"}])
    sheets["codebook"] = pd.concat([sheets["codebook"].iloc[:3], year, sheets["codebook"].iloc[3:]], ignore_index=True)
    sheets["meta"] = pd.concat([sheets["meta"], pd.DataFrame([{"key": "round_column", "value": "aar"}])], ignore_index=True)
    sheets["meta"].loc[sheets["meta"]["key"] == "invited", "value"] = "24"
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    at = use(upload(start(), {"to_runder.xlsx": buffer.getvalue()}))
    visit(at, "pages/utvikling.py")
    assert at.radio(key=keys.BREAKDOWN_KEY).value == ("rolle",), "the round is not the default grouping"
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in chart["data"] if trace["type"] == "bar"] == ["2022", "2024"]


def test_a_column_name_with_norwegian_letters_gets_a_plain_message():
    from analysis.intake import read_upload

    sheets = tiny_frames()
    sheets["codebook"].loc[sheets["codebook"]["column"] == "q1", "column"] = "gevinst_år"
    sheets["responses"] = sheets["responses"].rename(columns={"q1": "gevinst_år"})
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    survey, problems = read_upload({"a.xlsx": buffer.getvalue()})
    (problem,) = [p for p in problems if p.code == "bad_column_name"]
    assert survey is None and (problem.sheet, problem.row, problem.value) == ("codebook", 5, "gevinst_år")
    assert "ikke æ, ø, å" in problem.message() and "pattern" not in problem.message()
