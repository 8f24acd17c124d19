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
import json

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from analysis.workshop_store import WorkshopStore
from conftest import FIXTURES, ROOT

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
    return at.dataframe[index].value[name].tolist()


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
    at.multiselect(key="sektor").set_value([sector]).run()
    assert list(zip(table_column(at, "Rang"), table_column(at, "Område"))) == expected
    spec = figure(at)
    assert [trace["name"] for trace in spec["data"]] == [sector]
    assert spec["layout"]["shapes"] == lines_before  # the quadrant lines belong to all areas


def test_prioriteringer_absolute_split_and_english():
    at = open_page("pages/prioriteringer.py", lang="English")
    at.radio(key="kvadrant").set_value("scale").run()
    spec = figure(at)
    assert {shape.get("x0") for shape in spec["layout"]["shapes"]} >= {5.5}
    assert "Easy to implement and high potential" in [a["text"].replace("<br>", " ") for a in spec["layout"]["annotations"]]
    assert "Area" in at.dataframe[0].value.columns


# ---------------------------------------------------------------------------------------------
# Facilitator
# ---------------------------------------------------------------------------------------------


def log_in(at: AppTest, pin: str) -> AppTest:
    at.text_input[0].input(pin)
    button(at, "Logg inn").click()
    return at.run()


def test_facilitator_needs_the_pin(workshop_env, monkeypatch):
    clock = [1_000.0]
    monkeypatch.setattr("analysis.attempts._now", lambda: clock[0])
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
    monkeypatch.setattr("analysis.attempts._now", lambda: clock[0])
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
    at.checkbox[0].check().run()
    button(at, "Nullstill").click()
    at.run()
    assert workshop_env.current_scores("Prøve").empty and len(workshop_env.history("Prøve", all_epochs=True)) == 1
    at.checkbox[1].check().run()
    button(at, "Slett").click()
    at.run()
    assert workshop_env.list_sessions(PIN) == []
    assert any("slettet" in s.value for s in at.success)


# ---------------------------------------------------------------------------------------------
# Participants
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def live(workshop_env):
    return workshop_env.open_session(PIN, "Kveld", ["Lag A", "Lag B"],
                                      areas=[("Vei", "Teknisk"), ("Vann", "Teknisk"), ("Skole", "Oppvekst")])


def as_group(at: AppTest, group: str) -> AppTest:
    at.selectbox(key="gruppe").select(group)
    return at.run()


def fill(at: AppTest, values: list) -> AppTest:
    """Values for Vei potential, Vei feasibility, Vann potential, … (None leaves a field empty)."""
    for field, value in zip(at.number_input, values):
        field.set_value(value)
    button(at, "Send inn poeng").click()
    return at.run()


def test_participant_submits_and_revises(workshop_env, live):
    at = as_group(open_page("pages/verksted.py", kode=live.join_code), "Lag A")
    fill(at, [7, 8, 9, 5])
    assert [s.value.startswith("Lagret kl.") for s in at.success] == [True]
    scores = workshop_env.current_scores(live).set_index("area")
    assert scores.loc["Vei", ["potential", "feasibility"]].tolist() == [7, 8] and "Skole" not in scores.index
    assert [n.value for n in at.number_input] == [7, 8, 9, 5, None, None]  # what is saved, shown again
    fill(at, [10, 8, 9, 5, 3, 4])
    scores = workshop_env.current_scores(live).set_index("area")
    assert scores.loc["Vei", ["potential", "revision"]].tolist() == [10, 2] and scores.loc["Skole", "revision"] == 1
    assert any("Lag A har lagret poeng for 3 av 3 områder" in c.value for c in at.caption)


def test_participant_half_filled_pair_is_refused_and_nothing_stored(workshop_env, live):
    at = as_group(open_page("pages/verksted.py", kode=live.join_code), "Lag B")
    fill(at, [7, 8, None, 5])
    assert len(at.error) == 1
    message = at.error[0].value
    assert "1 poeng er ugyldige; ingenting er lagret." in message and "Vann – potensial: poengsummen mangler" in message
    assert workshop_env.history(live).empty


def test_participant_out_of_range_is_refused(workshop_env, live):
    """The number field itself refuses 11 (it stays empty); the half-filled pair is then named."""
    at = as_group(open_page("pages/verksted.py", kode=live.join_code), "Lag B")
    fill(at, [11, 8])
    assert at.number_input[0].value is None and not at.success
    assert "Vei – potensial: poengsummen mangler; skriv et helt tall fra 1 til 10" in at.error[0].value
    assert workshop_env.history(live).empty


def test_participant_cannot_score_a_closed_session(workshop_env, live):
    workshop_env.close_session(PIN, live.name)
    at = as_group(open_page("pages/verksted.py", kode=live.join_code), "Lag A")
    assert any("stengt" in w.value for w in at.warning)
    assert all(n.disabled for n in at.number_input) and button(at, "Send inn poeng").disabled


def test_participant_with_an_unknown_code(workshop_env, live):
    at = open_page("pages/verksted.py", kode=live.join_code[:-2] + "xx")
    assert [e.value for e in at.error] == ["Ukjent deltakerkode. Sjekk lenken eller koden fra fasilitatoren."]
    assert not at.number_input


def test_participant_page_offers_no_facilitator_action(workshop_env, live):
    at = as_group(open_page("pages/verksted.py", kode=live.join_code), "Lag A")
    labels = {b.label for b in at.button}
    assert labels == {"Send inn poeng"}


def test_participant_without_code_is_asked_for_it(workshop_env, live):
    at = open_page("pages/verksted.py")
    at.text_input[0].input(live.join_code)
    button(at, "Gå videre").click()
    at.run()
    assert [h.value for h in at.header] == ["Kveld"]


# ---------------------------------------------------------------------------------------------
# Presenter view
# ---------------------------------------------------------------------------------------------


def test_presenter_shows_what_has_arrived(workshop_env, live):
    at = open_page("pages/verksted_visning.py", kode=live.join_code)
    assert [m.value for m in at.metric][0] == "0 / 2"
    workshop_env.submit(live.join_code, "Lag A", {"Vei": (8, 8), "Vann": (4, 4)})
    workshop_env.submit(live.join_code, "Lag B", {"Vei": (6, 6)})
    at.run()
    assert [m.value for m in at.metric][0] == "2 / 2"
    assert table_column(at, "Område") == ["Vei", "Vann", "Skole"]
    assert table_column(at, "Grupper") == ["2", "1", "0"]
    spec = figure(at)
    assert sorted(text for trace in spec["data"] for text in trace["text"]) == ["1", "2"]
    assert any(live.join_code in c.value for c in at.code)  # the join link, for the room
