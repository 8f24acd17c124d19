"""Settings: declared once (analysis/settings.py), documented with their defaults in
docs/deployment.md, and an invalid value stops the CLI and the app with a clear message —
it never quietly weakens protection (`SURVEY_MIN_GROUP_SIZE=0` used to switch it off)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from analysis import settings
from analysis.config import min_group_size
from analysis.intake import Limits
from conftest import ROOT
from tree import source_files

DEPLOYMENT = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")


def documented_rows() -> dict[str, str]:
    """`| `NAME` … | `default` | …` rows of docs/deployment.md: name → default as written."""
    rows = {}
    for line in DEPLOYMENT.splitlines():
        match = re.match(r"\|\s*`([A-Z][A-Z0-9_]+)`[^|]*\|\s*`?([^|`]*)`?\s*\|", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=[s.name for s in settings.SETTINGS])
def test_every_setting_is_documented_with_its_default(setting):
    rows = documented_rows()
    assert setting.name in rows, f"docs/deployment.md lacks a row for {setting.name}"
    assert rows[setting.name] == setting.default_text, f"{setting.name}: documented {rows[setting.name]!r}"


def test_no_setting_is_read_from_the_environment_anywhere_else():
    """One place: only analysis/settings.py reads the data owner's environment."""
    offenders = []
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"os\.(?:environ(?:\.get)?|getenv)\(?\[?\s*[\"']([A-Z_]+)", text):
            if path.relative_to(ROOT).as_posix() not in ("analysis/settings.py", "analysis/fork_safe.py"):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders


@pytest.mark.parametrize("value, fragment_nb, fragment_en", [
    ("0", "SURVEY_MIN_GROUP_SIZE=0: må være minst 1", "SURVEY_MIN_GROUP_SIZE=0: must be at least 1"),
    ("-5", "SURVEY_MIN_GROUP_SIZE=-5: må være minst 1", "must be at least 1 (answers)"),
    ("fem", "SURVEY_MIN_GROUP_SIZE=fem: må være et helt tall", "must be a whole number"),
    ("2.5", "må være et helt tall", "must be a whole number"),
])
def test_a_threshold_below_the_minimum_is_refused_not_weakened(monkeypatch, value, fragment_nb, fragment_en):
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", value)
    with pytest.raises(settings.SettingsError) as caught:
        min_group_size()
    assert fragment_nb in caught.value.describe("nb") and fragment_en in caught.value.describe("en")
    with pytest.raises(settings.SettingsError):
        settings.check()


@pytest.mark.parametrize("name, value", [("SURVEY_MAX_ROWS", "-1"), ("SURVEY_MAX_UPLOAD_MB", "0"),
                                         ("SURVEY_MAX_COLUMNS", "20000"), ("SURVEY_WORKER_MEMORY_MB", "mye"),
                                         ("WORKSHOP_REFRESH_SECONDS", "0.2"), ("WORKSHOP_PIN_ATTEMPTS", "0")])
def test_a_negative_or_impossible_limit_is_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(settings.SettingsError) as caught:
        settings.check()
    assert f"{name}={value}" in caught.value.describe()


def test_valid_settings_are_the_limits_in_force(monkeypatch):
    monkeypatch.setenv("SURVEY_MAX_ROWS", " 1000 ")
    monkeypatch.setenv("SURVEY_MAX_UPLOAD_MB", "5")
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "7")
    limits = Limits.from_settings()
    assert (limits.max_rows, limits.max_bytes) == (1000, 5 * 1024 * 1024)
    assert min_group_size() == 7
    settings.check()


def test_the_cli_stops_at_start_with_the_message_and_no_traceback():
    env = {"SURVEY_MIN_GROUP_SIZE": "-5", "SURVEY_MAX_ROWS": "mange", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "analysis", "--language", "en", "summary"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert "2 setting(s) are invalid" in result.stderr
    assert "SURVEY_MIN_GROUP_SIZE=-5: must be at least 1" in result.stderr and "SURVEY_MAX_ROWS=mange" in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_command_lists_every_setting_and_never_a_secret(monkeypatch):
    env = {"WORKSHOP_FACILITATOR_PIN": "hemmelig-1234", "SURVEY_MAX_ROWS": "1234", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "analysis", "settings"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0
    for setting in settings.SETTINGS:
        assert setting.name in result.stdout
    assert "hemmelig" not in result.stdout and "(set)" in result.stdout and "1234" in result.stdout


def test_the_app_stops_at_start_with_the_message(monkeypatch):
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "0")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    assert any("SURVEY_MIN_GROUP_SIZE=0" in e.value and "minst 1" in e.value and "at least 1" in e.value
               for e in at.error)
    assert not at.get("plotly_chart"), "no page is drawn with an invalid threshold"
