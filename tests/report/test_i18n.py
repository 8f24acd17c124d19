"""The string catalogue: both languages complete, same placeholders, every key in use defined."""

from __future__ import annotations

import re

from analysis import i18n
from analysis.i18n import placeholders
from report.strings import EN, NB, t
from tree import ROOT, source_files

# t("ui.page.title", ...) with a literal key; keys built with f-strings are checked by their own tests.
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def test_same_keys_in_both_languages():
    assert sorted(set(NB) - set(EN)) == []
    assert sorted(set(EN) - set(NB)) == []


def test_same_placeholders():
    differ = {key: (sorted(placeholders(NB[key])), sorted(placeholders(EN[key])))
              for key in NB if key in EN and placeholders(NB[key]) != placeholders(EN[key])}
    assert differ == {}


def test_no_empty_strings():
    assert [k for k, v in {**NB, **EN}.items() if not v.strip()] == []


def test_every_literal_key_in_the_code_is_defined():
    missing = {}
    for file in source_files():
        for key in LITERAL_KEY.findall(file.read_text(encoding="utf-8")):
            if key not in NB:
                missing.setdefault(key, file.relative_to(ROOT).as_posix())
    assert missing == {}


def test_built_keys_of_the_dashboard_exist():
    """Keys the dashboard builds from values (pages, measures, displays, denominators)."""
    from analysis.aggregate import DENOMINATORS
    from dashboard import navigation, state

    keys = [entry.title_key for entry in navigation.PAGES]
    keys += [f"ui.measure.{m}" for m in ("top2", "bottom2", "yes", "selected")]
    keys += [f"ui.display.{d}" for d in state.DISPLAYS]
    keys += [f"denominator.{d}" for d in DENOMINATORS]
    for entry in navigation.PAGES:
        page = entry.title_key.rsplit(".", 1)[0]
        keys.append(f"{page}.intro")
    assert [k for k in keys if k not in NB] == []


def test_missing_placeholder_shows_rather_than_raises():
    assert t("ui.chart.share_of", "nb") == "Andel «{measure}»"



def test_the_core_speaks_no_interface_words():
    """`ui.*` strings belong to the presentation layer (`report.strings`); the core and the
    workshop model neither hold nor use one."""
    assert [key for key in {**i18n.NB, **i18n.EN} if key.startswith("ui.")] == []
    core = [path for path in source_files() if path.relative_to(ROOT).parts[0] in ("analysis", "workshop")]
    used = {key: path.name for path in core for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
            if key.startswith("ui.")}
    assert used == {}
    assert i18n.t("ui.page.oversikt.title") == "ui.page.oversikt.title" != t("ui.page.oversikt.title")
