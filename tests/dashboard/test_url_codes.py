"""Links carry stable codes: `?lang=en` opens the English dashboard, as the label does."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from analysis.i18n import LANGUAGES
from conftest import ROOT
from analysis.intake import BUNDLED_WORKBOOK, load_workbook
from dashboard.state import breakdown_text
from report import keys
from report.strings import t
from report.view import DISTRIBUTION, breakdown_code, breakdown_options


def _start(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_language_code_and_label_both_open_english():
    for value in ("en", LANGUAGES["en"]):
        at = _start(lang=value)
        assert at.selectbox(key=keys.LANGUAGE_KEY).value == "en", value
    assert _start(lang="nb").selectbox(key=keys.LANGUAGE_KEY).value == "nb"


def test_breakdown_and_display_codes_and_labels_open_the_same_view():
    survey = load_workbook(BUNDLED_WORKBOOK)
    for option in breakdown_options(survey):
        label = breakdown_text(survey, option, "nb")
        for value in (breakdown_code(option), label):
            at = _start(**{keys.BREAKDOWN_KEY: value})
            assert tuple(at.radio(key=keys.BREAKDOWN_KEY).value) == tuple(option), value
    for value in (DISTRIBUTION, t(f"ui.display.{DISTRIBUTION}", "nb")):
        assert _start(**{keys.DISPLAY_KEY: value}).radio(key=keys.DISPLAY_KEY).value == DISTRIBUTION, value
