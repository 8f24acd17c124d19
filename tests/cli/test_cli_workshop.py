"""`python -m analysis workshop`: the ranking as json, csv and table, for the bundled
reconstructed workshop and for a live session, with clear errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest

from cli.main import main
from workshop.store import WorkshopStore
from conftest import FIXTURES, ROOT


@pytest.fixture(scope="module")
def published_order() -> list[dict]:
    with open(FIXTURES / "workshop_areas.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_cli_json_ranks_the_bundled_workshop(capsys, published_order):
    assert main(["workshop", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["area"] for r in rows] == [p["area_nb"] for p in published_order]
    assert {"area", "sector", "rank", "mean_potential", "mean_feasibility", "mean_score", "groups"} <= set(rows[0])
    assert all(r["groups"] == 9 for r in rows) and rows[0]["rank"] == 1


def test_cli_table_and_csv(capsys):
    assert main(["workshop"]) == 0
    out = capsys.readouterr().out
    assert "Rus og psykiatri" in out and "Samlet poeng (snitt)" in out and "rekonstruert" in out
    assert main(["--language", "en", "workshop", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("rank,area,sector,mean_potential,mean_feasibility,mean_score,groups")
    assert len(lines) == 14


def test_cli_live_session(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORKSHOP_DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with WorkshopStore(facilitator_pin="1") as store:
        session = store.open_session("1", "Kveld", ["Lag 1", "Lag 2"], areas=[("Vei", "Teknisk"), ("Vann", "Teknisk")])
        store.submit(session.join_code, "Lag 1", {"Vei": (4, 4), "Vann": (9, 9)})
        store.submit(session.join_code, "Lag 2", {"Vann": (7, 7)})
    assert main(["workshop", "--session", "Kveld", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["area"], r["rank"], r["mean_score"], r["groups"]) for r in rows] == [("Vann", 1, 65.0, 2), ("Vei", 2, 16.0, 1)]


def test_cli_unknown_session_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "workshop", "--session", "Finnes ikke"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "WORKSHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}"},
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "Fant ingen økt som heter «Finnes ikke»."
