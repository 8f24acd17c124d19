"""Links carry stable codes: `?lang=en` opens the English dashboard, as the label does."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from analysis.i18n import LANGUAGES
from conftest import ROOT
from report import keys


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
