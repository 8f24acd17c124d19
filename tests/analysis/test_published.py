"""The 22 figures the 2022 report publishes, recomputed from the respondent rows.

Expected values come from tests/fixtures/published_figures.csv (a copy of the reference
table); items are matched by their question wording, so nothing here is typed in.
"""

import json
import re
import subprocess
import sys

import pytest

from analysis.aggregate import headline_table
from conftest import ROOT, match_item
from tree import PACKAGES


def test_all_22_figures_from_pipeline(bundled, published):
    assert len(published) == 22
    table = headline_table(bundled, ["rolle"]).set_index(["item_id", "rolle"])
    for figure in published:
        item_id = match_item(bundled, figure)
        row = table.loc[(item_id, figure["group"])]
        assert row["measure"] == figure["measure"], figure["figure_id"]
        assert (row["k"], row["n"]) == (int(figure["k"]), int(figure["n"])), figure["figure_id"]
        assert row["pct"] == float(figure["published_pct"]), figure["figure_id"]


def test_all_22_figures_from_cli_json(bundled, published):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "summary", "--by", "role", "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    rows = {(r["item_id"], r["group"]["rolle"]): r for r in json.loads(result.stdout)}
    for figure in published:
        row = rows[(match_item(bundled, figure), figure["group"])]
        assert row["pct"] == float(figure["published_pct"]), figure["figure_id"]
        assert (row["k"], row["n"]) == (int(figure["k"]), int(figure["n"]))
        assert row["ci_low"] < row["pct"] < row["ci_high"]
        assert row["suppressed"] is False


def test_respondent_counts(bundled):
    assert len(bundled.responses) == 93
    assert bundled.responses["rolle"].value_counts().to_dict() == {"Administrasjon": 55, "Folkevalgte": 38}
    assert bundled.invited == 126
    assert bundled.reconstructed


@pytest.mark.parametrize("path", [*PACKAGES, "pages", "app.py"])
def test_no_published_percentage_is_typed_into_code(path, published):
    """A share on screen must be computed; the published percentages may not appear as literals."""
    target = ROOT / path
    files = [target] if target.is_file() else sorted(target.rglob("*.py")) if target.exists() else []
    numbers = {figure["published_pct"] for figure in published}
    pattern = re.compile("|".join(rf"\b{re.escape(v).replace(chr(92) + '.', '[.,]')}\b" for v in numbers))
    for file in files:
        found = pattern.search(file.read_text(encoding="utf-8"))
        assert not found, f"{file.relative_to(ROOT)} contains the published figure {found.group()}"
