"""The section pages show the declared tests with the same corrected p-values as the CLI,
no tests on municipality × role cells, and the weighted view only on request."""

import json
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from report import keys


@pytest.fixture(scope="module")
def cli_rows():
    result = subprocess.run([sys.executable, "-m", "analysis", "compare", "--family", "role", "--format", "json"],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    return {row["item_id"]: row for row in json.loads(result.stdout)}


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception
    return at


def test_erfaringer_shows_role_tests_equal_to_cli(cli_rows):
    at = open_page("pages/erfaringer.py")
    assert any(h.value == "Forskjeller mellom gruppene" for h in at.header)
    frame = at.dataframe[-1].value
    questions = {row["question"]: row for row in cli_rows.values()}
    assert len(frame) >= 8
    for record in frame.to_dict("records"):
        expected = questions[record["Spørsmål"]]
        assert record["p justert (BH)"] == f"{expected['p_adjusted']:.3f}".replace(".", ",")
        assert record["Signifikant"] == ("ja" if expected["significant"] else "nei")
    assert any("30 prosentpoeng" in c.value for c in at.caption)


def test_cells_get_no_tests():
    at = open_page("pages/mulighetsrom.py", inndeling="Kommune × rolle")
    assert any("bare 95 %-intervaller og ingen tester" in i.value for i in at.info)


def test_weighting_is_off_by_default_and_shown_on_request():
    at = open_page("pages/erfaringer.py")
    assert not any("Vektet (95 % KI)" in df.value.columns for df in at.dataframe)
    at.toggle(key=keys.WEIGHTING_KEY).set_value(True).run()
    assert not at.exception
    weighted = at.dataframe[-1].value
    assert "Vektet (95 % KI)" in weighted.columns and "Uvektet" in weighted.columns


def test_the_tests_follow_the_chosen_municipality(bundled):
    """Kommune = Røyrvik: the roles are tested within Røyrvik — each shown share is Røyrvik's
    administrators' own (counted here from the responses), and no line says "all 93"."""
    from analysis.formatting import format_pct
    from analysis.stats import pct_half_up

    at = open_page("pages/erfaringer.py", kommune="Røyrvik")
    frame = at.dataframe[-1].value
    assert not any("Testene gjelder alle" in c.value for c in at.caption)
    captions = [c.value.replace("\\", "") for c in at.caption]  # Markdown escapes the colon
    assert "Utvalg: Røyrvik" in captions
    responses = bundled.responses[bundled.responses["kommune"] == "Røyrvik"]
    admin = responses[responses["rolle"] == "Administrasjon"]
    assert any(f"med {len(admin)} svar fra Administrasjon" in c for c in captions)
    by_title = {item.title("nb"): item for item in bundled.ordered_items("erfaringer")}
    checked = 0
    for record in frame.to_dict("records"):
        item = by_title[record["Spørsmål"]]
        answered = admin[item.id].dropna()
        if record["Første gruppe"].endswith("%"):
            k = int(answered.isin(item.measure_categories).sum())
            assert record["Første gruppe"] == format_pct(float(pct_half_up(k, len(answered))), "nb")
            checked += 1
    assert checked
