"""The section pages show the declared tests with the same corrected p-values as the CLI,
no tests on municipality × role cells, and the weighted view only on request."""

import json
import re
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from report import keys
from apptest_support import open_expanders


@pytest.fixture(scope="module")
def cli_rows():
    result = subprocess.run([sys.executable, "-m", "analysis", "compare", "--family", "role", "--format", "json"],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    return {row["item_id"]: row for row in json.loads(result.stdout)}


def plain(frame):
    """An `st.table`'s cells and headers as the reader sees them (the app escapes them for Markdown)."""
    unescape = lambda text: re.sub(r"\\(.)", r"\1", str(text))  # noqa: E731
    frame = frame.map(unescape)
    frame.columns = [unescape(c) for c in frame.columns]
    return frame


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception
    return open_expanders(at)  # the tests' details are made when their expander is opened


def test_erfaringer_shows_role_tests_equal_to_cli(cli_rows):
    at = open_page("pages/erfaringer.py")
    assert any(h.value == "Forskjeller mellom gruppene" for h in at.header)
    verdicts, details = plain(at.table[-2].value), plain(at.table[-1].value)  # the verdicts, then the details expander's p-values
    questions = {row["question"]: row for row in cli_rows.values()}
    assert len(verdicts) >= 8 and len(details) == len(verdicts)
    for record, detail in zip(verdicts.to_dict("records"), details.to_dict("records")):
        expected = questions[record["Spørsmål"]]
        assert detail["Spørsmål"] == record["Spørsmål"]
        assert detail["p etter korrigering (Benjamini–Hochberg)"] == f"{expected['p_adjusted']:.3f}".replace(".", ",")
        assert record["Vurdering"] == ("Klar forskjell" if expected["significant"] else "Ingen klar forskjell")
        assert f"{abs(expected['diff_pp']):.1f}".replace(".", ",") in record["Forskjell, prosentpoeng (95 % KI)"]
    assert any("30 prosentpoeng" in c.value for c in at.caption)


def test_cells_get_no_tests():
    at = open_page("pages/mulighetsrom.py", inndeling="Kommune × rolle")
    assert any("bare 95 %-intervaller og ingen tester" in i.value for i in at.info)


def test_weighting_is_off_by_default_and_shown_on_request():
    at = open_page("pages/erfaringer.py")
    assert not any("Vektet (95 % KI)" in plain(table.value).columns for table in at.table)
    at.toggle(key=keys.WEIGHTING_KEY).set_value(True).run()
    assert not at.exception
    weighted = plain(at.table[-1].value)
    assert "Vektet (95 % KI)" in weighted.columns and "Uvektet" in weighted.columns


def test_the_tests_follow_the_chosen_municipality(bundled):
    """Kommune = Røyrvik: the roles are tested within Røyrvik — each shown share is Røyrvik's
    administrators' own (counted here from the responses), and no line says "all 93"."""
    from analysis.formatting import format_pct
    from analysis.stats import pct_half_up

    at = open_page("pages/erfaringer.py", kommune="Røyrvik")
    frame = plain(at.table[-2].value)  # the verdicts (the last table is the details expander's)
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
