"""The workshop pages in AppTest: Prioriteringer (published order from the reconstructed scores),
the facilitator page (PIN, open/close/reset/delete), the participant page (submit, revise,
invalid input, closed session, unknown code) and the presenter view.

AppTest resets Streamlit's "old-style pages folder" flag before every run, so every run would
start with the dashboard's one-time entry-point rerun, which drops button clicks. The
`warm_server` fixture makes each run behave like a server that has already served its first
request (as in a browser after the first page view).
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from workshop.store import WorkshopStore
from conftest import FIXTURES, ROOT
from report import keys

PIN = "2468"
APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def warm_server(monkeypatch):
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        if PagesManager.uses_pages_directory is None:
            PagesManager.uses_pages_directory = False
        original(self, *args, **kwargs)

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def workshop_env(tmp_path, monkeypatch):
    """A fresh SQLite store under a temp data dir, with a configured facilitator PIN."""
    monkeypatch.delenv("WORKSHOP_DATABASE_URL", raising=False)
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("WORKSHOP_FACILITATOR_PIN", PIN)
    with WorkshopStore(facilitator_pin=PIN) as store:
        yield store


@pytest.fixture(scope="module")
def published_order() -> list[dict]:
    with open(FIXTURES / "workshop_areas.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def figure(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def table_column(at: AppTest, name: str, index: int = 0) -> list:
    """A column of the ranked list (an `st.table`, its cells escaped for Markdown), as the reader sees it."""
    frame = at.table[index].value
    column = next(c for c in frame.columns if re.sub(r"\\(.)", r"\1", str(c)) == name)
    return [re.sub(r"\\(.)", r"\1", str(value)) for value in frame[column]]


# ---------------------------------------------------------------------------------------------
# Prioriteringer
# ---------------------------------------------------------------------------------------------


def test_prioriteringer_shows_the_published_order(published_order):
    at = open_page("pages/prioriteringer.py")
    assert table_column(at, "Område") == [row["area_nb"] for row in published_order]
    assert table_column(at, "Rang") == [row["rank"] for row in published_order]
    assert any("Rekonstruerte poeng" in w.value for w in at.warning)
    spec = figure(at)
    points = sorted(int(text) for trace in spec["data"] for text in trace["text"])
    assert points == list(range(1, 14))
    assert {trace["name"] for trace in spec["data"]} == {row["sector"] for row in published_order}
    labels = [a["text"].replace("<br>", " ") for a in spec["layout"]["annotations"]]
    assert "Lett å gjennomføre og høyt potensial" in labels and "Vanskelig å gjennomføre og lavt potensial" in labels
    assert "gruppene" in spec["data"][0]["hovertext"][0]  # the per-group spread


def test_prioriteringer_sector_filter_hides_areas_but_keeps_ranks(published_order):
    sector = "Administrasjon og digitalisering"
    expected = [(row["rank"], row["area_nb"]) for row in published_order if row["sector"] == sector]
    at = open_page("pages/prioriteringer.py")
    lines_before = [s for s in figure(at)["layout"]["shapes"]]
    at.multiselect(key=keys.SECTOR_KEY).set_value([sector]).run()
    assert list(zip(table_column(at, "Rang"), table_column(at, "Område"))) == expected
    spec = figure(at)
    assert [trace["name"] for trace in spec["data"]] == [sector]
    assert spec["layout"]["shapes"] == lines_before  # the quadrant lines belong to all areas


def test_prioriteringer_absolute_split_and_english():
    at = open_page("pages/prioriteringer.py", lang="English")
    at.radio(key=keys.SPLIT_PARAM).set_value("scale").run()
    spec = figure(at)
    assert {shape.get("x0") for shape in spec["layout"]["shapes"]} >= {5.5}
    assert "Easy to implement and high potential" in [a["text"].replace("<br>", " ") for a in spec["layout"]["annotations"]]
    assert "Area" in at.table[0].value.columns


# ---------------------------------------------------------------------------------------------
# Facilitator
# ---------------------------------------------------------------------------------------------


def log_in(at: AppTest, pin: str) -> AppTest:
    at.text_input[0].input(pin)
    button(at, "Logg inn").click()
    return at.run()


def group_table(at: AppTest):
    """The facilitator's overview of a session's groups (the only table with a group column)."""
    return next(d.value for d in at.dataframe if "Gruppelenke" in d.value.columns)


def test_facilitator_needs_the_pin(workshop_env, monkeypatch):
    clock = [1_000.0]
    monkeypatch.setattr("workshop.attempts._now", lambda: clock[0])
    session = workshop_env.open_session(PIN, "Eksisterende", ["A"])
    at = open_page("pages/verksted_fasilitator.py")
    for wrong in ("1111", session.join_code):
        log_in(at, wrong)
        assert [e.value for e in at.error] == ["Feil fasilitator-PIN."]
        assert not any(b.label in ("Steng", "Nullstill", "Slett", "Åpne økta") for b in at.button)
        log_in(at, PIN)  # straight after a wrong one: wait first (the PIN is not compared)
        assert [e.value for e in at.error] == [
            f"For mange feil PIN-er på rad: vent {1 if wrong == '1111' else 2} s før du prøver igjen."]
        clock[0] += 60
    log_in(at, PIN)
    assert "Eksisterende" in [s.value.split(" · ")[0] for s in at.subheader]
    # the configured PIN has 4 characters: the facilitator is told it can be guessed
    assert any("har bare 4 tegn" in w.value and "WORKSHOP_FACILITATOR_PIN" in w.value for w in at.warning)


def test_the_page_locks_a_browser_out_after_too_many_wrong_pins(workshop_env, monkeypatch):
    clock = [1_000.0]
    monkeypatch.setattr("workshop.attempts._now", lambda: clock[0])
    at = open_page("pages/verksted_fasilitator.py")
    for _ in range(5):
        log_in(at, "0000")
        clock[0] += 20
    log_in(at, PIN)
    assert [e.value for e in at.error] == ["For mange feil PIN-er: innloggingen er sperret i 15 min. Forsøkene er logget."]
    assert not any(b.label == "Åpne økta" for b in at.button)


def test_facilitator_without_configured_pin(workshop_env, monkeypatch):
    monkeypatch.setenv("WORKSHOP_FACILITATOR_PIN", "")
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(workshop_env.url.removeprefix("sqlite:///")) + "-other")
    at = open_page("pages/verksted_fasilitator.py")
    assert any("WORKSHOP_FACILITATOR_PIN" in i.value for i in at.info)
    assert not at.text_input


def test_facilitator_opens_a_session_and_hands_out_links(workshop_env):
    at = log_in(open_page("pages/verksted_fasilitator.py"), PIN)
    at.text_input[0].input("Regionrådet")
    at.text_area[0].input("Grong\nLierne\nNamsskogan\nRøyrvik")
    button(at, "Åpne økta").click()
    at.run()
    assert any("Regionrådet" in s.value for s in at.success)
    session = workshop_env.session("Regionrådet")
    assert session.groups == ("Grong", "Lierne", "Namsskogan", "Røyrvik") and len(session.areas) == 13
    links = [c.value for c in at.code]
    assert links[:2] == [f"/verksted?kode={session.join_code}", f"/verksted_visning?kode={session.join_code}"]
    assert not any(PIN in link for link in links)
    assert PIN not in json.dumps(dict(at.query_params))
    body = "\n".join(element.proto.body for element in at.get("html"))
    assert f"data-code='{session.join_code}'" in body and "<img src='data:image/svg+xml" in body  # QR + short code
    groups = group_table(at)
    assert groups["Gruppe"].tolist() == list(session.groups) and set(groups["Levert kl."]) == {"–"}
    assert groups["Gruppelenke"].tolist() == [f"/verksted?kode={code}" for _, code in session.group_codes]
    assert session.lock_devices  # on by default: one group cannot overwrite another
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Poeng og rangering (XLSX)" in labels and "Deltakerark (PDF, A4)" in labels


def test_facilitator_sees_who_submitted_and_releases_a_device(workshop_env):
    session = workshop_env.open_session(PIN, "Kveldsmøte", ["Lag A", "Lag B"], areas=[("Vei", "Teknisk")],
                                        lock_devices=True)
    workshop_env.submit(session.join_code, "Lag B", {"Vei": (5, 6)}, device="phone")
    at = log_in(open_page("pages/verksted_fasilitator.py"), PIN)
    groups = group_table(at).set_index("Gruppe")
    assert groups.loc["Lag A", "Levert kl."] == "–" and groups.loc["Lag B", "Levert kl."] != "–"
    assert groups.loc["Lag B", "Områder med poeng"] == "1 / 1" and groups.loc["Lag B", "Enhet"] == "låst til én enhet"
    at.selectbox(key=f"release-group-{session.id}").select("Lag B").run()
    button(at, "Frigi").click()
    at.run()
    assert workshop_env.session(session.name).claimed == ()
    assert any("«Lag B» er frigitt" in s.value for s in at.success)
    at.toggle(key=f"lock-{session.id}").set_value(False).run()
    assert not workshop_env.session(session.name).lock_devices


def test_session_workbook_is_formula_safe(workshop_env):
    from openpyxl import load_workbook

    from dashboard import workshop_pages as wp

    hostile = workshop_env.open_session(PIN, "=cmd|' /C calc'!A0", ["=HYPERLINK(\"http://x\")", "@SUM(1)"],
                                        areas=[("+1+1", "-2"), ("Vei", "")])
    workshop_env.submit(hostile.join_code, "=HYPERLINK(\"http://x\")", {"+1+1": (5, 5), "Vei": (6, 6)})
    table = wp.ranking(workshop_env.current_scores(hostile), hostile.areas_frame(), "nb", "mean")
    book = load_workbook(io.BytesIO(wp.session_workbook(workshop_env, hostile, table, "nb")))
    assert book.sheetnames == ["poeng", "grupper", "rangering"]
    texts = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert texts and not any(text.startswith(("=", "+", "-", "@")) for text in texts)
    assert "'=HYPERLINK(\"http://x\")" in texts and "'+1+1" in texts
    scores = list(book["poeng"].iter_rows(values_only=True))
    assert ("'=HYPERLINK(\"http://x\")", "'+1+1", 5, 5) in [row[:4] for row in scores]


def test_facilitator_close_reopen_reset_delete(workshop_env):
    session = workshop_env.open_session(PIN, "Prøve", ["A", "B"])
    workshop_env.submit(session.join_code, "A", {session.area_names[0]: (5, 6)})
    at = log_in(open_page("pages/verksted_fasilitator.py"), PIN)
    button(at, "Steng").click()
    at.run()
    assert not workshop_env.session("Prøve").is_open
    button(at, "Åpne igjen").click()
    at.run()
    assert workshop_env.session("Prøve").is_open
    assert button(at, "Nullstill").disabled  # needs the confirmation first
    at.checkbox(key=f"confirm-reset-{session.id}").check().run()
    button(at, "Nullstill").click()
    at.run()
    assert workshop_env.current_scores("Prøve").empty and len(workshop_env.history("Prøve", all_epochs=True)) == 1
    at.checkbox(key=f"confirm-delete-{session.id}").check().run()
    button(at, "Slett").click()
    at.run()
    assert workshop_env.list_sessions(PIN) == []
    assert any("slettet" in s.value for s in at.success)


# ---------------------------------------------------------------------------------------------
# Participants: the phone form
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def live(workshop_env):
    return workshop_env.open_session(PIN, "Kveld", ["Lag A", "Lag B"],
                                      areas=[("Vei", "Teknisk", "Road", "Technical"), ("Vann", "Teknisk"),
                                             ("Skole", "Oppvekst", "School", "Education")])


def as_group(at: AppTest, group: str) -> AppTest:
    at.selectbox(key=keys.GROUP_PARAM).select(group)
    return at.run()


def score_controls(at: AppTest) -> list:
    """The cards' tap targets in page order: Vei potential, Vei feasibility, Vann potential, …"""
    return [control for control in at.segmented_control if str(control.key).startswith("score-")]


def fill(at: AppTest, values: list, submit: str = "Send inn poeng") -> AppTest:
    """Tap values (None leaves a choice open) and press submit."""
    for control, value in zip(score_controls(at), values):
        control.set_value(value)
    button(at, submit).click()
    return at.run()


def html_text(at: AppTest) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def bar_messages(at: AppTest) -> list[str]:
    """The messages shown in the submit bar (the only alerts on the phone's form)."""
    return [m.value for m in [*at.success, *at.error]]


def test_participant_page_has_no_survey_frame(workshop_env, live):
    at = open_page("pages/verksted.py", kode=live.join_code)
    assert not at.sidebar.selectbox and not at.sidebar.multiselect  # no survey filters
    assert not any("Rekonstruerte data" in w.value for w in at.warning)
    assert "stSidebar" in html_text(at)  # the CSS that hides the sidebar and Streamlit's chrome


def test_participant_taps_scores_submits_and_revises(workshop_env, live):
    at = as_group(open_page("pages/verksted.py", kode=live.join_code), "Lag A")
    controls = score_controls(at)
    assert len(controls) == 6
    for control in controls:  # ten tap targets 1–10: nothing else can be entered
        assert list(control.options) == [str(n) for n in range(1, 11)]
    fill(at, [7, 8, 9, 5, 3, 4])
    (message,) = bar_messages(at)
    assert message.startswith("Lagret kl.") and "Erstatter" not in message
    scores = workshop_env.current_scores(live).set_index("area")
    assert scores.loc["Vei", ["potential", "feasibility"]].tolist() == [7, 8] and len(scores) == 3
    again = as_group(open_page("pages/verksted.py", kode=live.join_code), "Lag A")
    assert [c.value for c in score_controls(again)] == [7, 8, 9, 5, 3, 4]  # what is saved, shown again
    assert any("Lag A har lagret poeng for 3 av 3 områder" in c.value for c in again.caption)
    fill(again, [10, 8, 9, 5, 3, 4])
    (message,) = bar_messages(again)
    assert message.startswith("Lagret kl.") and "Erstatter gruppens poeng fra kl." in message
    scores = workshop_env.current_scores(live).set_index("area")
    assert scores.loc["Vei", ["potential", "revision"]].tolist() == [10, 2] and scores.loc["Skole", "revision"] == 2


def test_participant_half_filled_form_says_what_is_missing_and_stores_nothing(workshop_env, live):
    at = as_group(open_page("pages/verksted.py", kode=live.join_code), "Lag B")
    fill(at, [7, 8, None, 5, 6, None])
    (message,) = [e.value for e in at.error]
    assert message == "Velg poeng for 2 av 6: Vann – potensial; Skole – gjennomførbarhet. Ingenting er lagret."
    assert not at.success
    body = html_text(at)
    assert ".st-key-card-1, .st-key-card-2 { border: 2px solid" in body  # the two cards marked …
    assert ".st-key-card-1::before, .st-key-card-2::before { content:" in body and "Mangler poeng" in body  # … and named
    assert workshop_env.history(live).empty and workshop_env.current_scores(live).empty


def test_participant_cannot_score_a_closed_session(workshop_env, live):
    workshop_env.close_session(PIN, live.name)
    at = as_group(open_page("pages/verksted.py", kode=live.join_code), "Lag A")
    assert any("stengt" in w.value for w in at.warning)
    assert all(c.disabled for c in score_controls(at)) and button(at, "Send inn poeng").disabled


def test_participant_with_an_unknown_code(workshop_env, live):
    at = open_page("pages/verksted.py", kode=live.join_code[:-2] + "22")
    assert [e.value for e in at.error] == ["Ukjent deltakerkode. Sjekk lenken eller koden fra fasilitatoren."]
    assert not score_controls(at)


def test_participant_page_offers_no_facilitator_action(workshop_env, live):
    at = as_group(open_page("pages/verksted.py", kode=live.join_code), "Lag A")
    labels = {b.label for b in at.button}
    assert labels == {"Send inn poeng"}


def test_participant_types_the_short_code(workshop_env, live):
    at = open_page("pages/verksted.py")
    at.text_input[0].input(live.join_code[:4].lower() + " " + live.join_code[4:].lower())
    button(at, "Gå videre").click()
    at.run()
    assert [h.value for h in at.header] == ["Kveld"]


def test_a_groups_own_link_lands_on_its_form(workshop_env, live):
    at = open_page("pages/verksted.py", kode=live.group_code("Lag B"))
    assert not at.selectbox  # no group to pick: the code is the group's
    assert "Lag B" in html_text(at)
    fill(at, [5, 6, 7, 8, 9, 10])
    assert bar_messages(at)[0].startswith("Lagret kl.")
    assert set(workshop_env.current_scores(live)["group"]) == {"Lag B"}


def test_the_device_lock_keeps_another_phone_out(workshop_env, live):
    workshop_env.lock_session(PIN, live.name)
    first = open_page("pages/verksted.py", kode=live.group_code("Lag A"))
    fill(first, [5, 5, 5, 5, 5, 5])
    assert bar_messages(first)[0].startswith("Lagret kl.") and first.query_params.get("enhet")
    other = open_page("pages/verksted.py", kode=live.group_code("Lag A"))  # another phone: its own token
    fill(other, [1, 1, 1, 1, 1, 1])
    assert ["sender allerede fra en annen enhet" in m for m in bar_messages(other)] == [True]
    assert set(workshop_env.current_scores(live)["potential"]) == {5}


def test_participant_in_english(workshop_env, live):
    at = as_group(open_page("pages/verksted.py", kode=live.join_code, lang="English"), "Lag A")
    body = html_text(at)
    assert "Road" in body and "Technical" in body and "Vann" in body  # no English name given: bokmål
    assert [c.label for c in score_controls(at)][:2] == ["Potential", "Feasibility"]
    fill(at, [1, 2, None, None, None, None], submit="Submit scores")
    assert at.error[0].value.startswith("Choose scores for 4 of 6: Vann – potential")


# ---------------------------------------------------------------------------------------------
# Presenter view (the projector)
# ---------------------------------------------------------------------------------------------


def test_presenter_shows_what_has_arrived(workshop_env, live):
    at = open_page("pages/verksted_visning.py", kode=live.join_code)
    assert "0 av 2 grupper har levert" in html_text(at)
    workshop_env.submit(live.join_code, "Lag A", {"Vei": (8, 8), "Vann": (4, 4), "Skole": (6, 6)})
    workshop_env.submit(live.join_code, "Lag B", {"Vei": (6, 6), "Vann": (4, 4), "Skole": (6, 6)})
    at.run()
    body = html_text(at)
    assert "2 av 2 grupper har levert" in body and "sist kl." in body
    ranking = body[body.index("<table class='ws-ranking'"):]
    assert [ranking.index(name) for name in ("Vei", "Skole", "Vann")] == sorted(
        ranking.index(name) for name in ("Vei", "Skole", "Vann"))
    spec = figure(at)
    assert sorted(text for trace in spec["data"] for text in trace["text"]) == ["1", "2", "3"]
    assert f"data-code='{live.join_code}'" in body and "alt='QR-kode" in body  # the room's way in
    assert not at.sidebar.multiselect and not any("Rekonstruerte data" in w.value for w in at.warning)


def test_presenter_shows_ties_as_ties_and_hides_the_qr_code(workshop_env, live):
    for group in ("Lag A", "Lag B"):
        workshop_env.submit(live.join_code, group, {"Vei": (7, 7), "Vann": (7, 7), "Skole": (9, 9)})
    at = open_page("pages/verksted_visning.py", kode=live.join_code)
    spec = figure(at)
    assert sorted(text for trace in spec["data"] for text in trace.get("text", [])) == ["1", "2=", "2="]
    assert any(trace.get("meta") == "leader" for trace in spec["data"])  # one of the twins moved aside, a line back
    assert html_text(at).count(">2=</span>") == 2
    at.toggle(key="qr").set_value(False).run()
    assert "data-code=" not in html_text(at)


def test_presenter_says_when_the_session_is_closed(workshop_env, live):
    workshop_env.submit(live.join_code, "Lag A", {"Vei": (8, 8), "Vann": (4, 4), "Skole": (6, 6)})
    workshop_env.close_session(PIN, live.name)
    at = open_page("pages/verksted_visning.py", kode=live.join_code, lang="English")
    body = html_text(at)
    assert "1 of 2 groups have delivered" in body and "final ranking" in body
    assert "data-code=" not in body  # nothing to join any more
    assert "Road" in body and "School" in body


# ---------------------------------------------------------------------------------------------
# A closed session on Prioriteringer
# ---------------------------------------------------------------------------------------------


def test_a_closed_session_is_shown_like_the_bundled_workshop(workshop_env, live):
    for group, vei in (("Lag A", 9), ("Lag B", 8)):
        workshop_env.submit(live.join_code, group, {"Vei": (vei, 9), "Vann": (4, 4), "Skole": (6, 6)})
    at = open_page("pages/prioriteringer.py")
    assert not any(s.key == "okt" for s in at.selectbox)  # nothing closed yet: no choice
    workshop_env.close_session(PIN, live.name)
    at = open_page("pages/prioriteringer.py")
    at.selectbox(key=keys.SOURCE_PARAM).select(live.name).run()
    assert table_column(at, "Område") == ["Vei", "Skole", "Vann"]
    assert not any("Rekonstruerte poeng" in w.value for w in at.warning)
    assert "«Kveld»" in figure(at)["layout"]["title"]["text"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:2] == ["Presentasjon (PPTX)", "Alle tabeller (XLSX)"]  # the deck has the session's matrix
