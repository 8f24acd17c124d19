"""Shared fixtures: the bundled survey (loaded once) and a tiny hand-made survey.

The tiny survey is small enough that every number in the tests can be checked by hand;
`write_workbook` builds any variant of it (including broken ones) in a temp folder.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from analysis.load import BUNDLED_WORKBOOK
from analysis.intake import load_workbook

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

LIKERT = "I svært liten grad | I liten grad | I noen grad | I stor grad | I svært stor grad | Vet ikke"

TINY_CODEBOOK = [
    {"column": "id", "kind": "id", "question": "ID", "label": "ID"},
    {"column": "kommune", "kind": "breakdown", "question": "Kommune", "label": "Kommune", "scale": "Aby | Bby"},
    {"column": "rolle", "kind": "breakdown", "question": "Rolle", "label": "Rolle", "scale": "Adm | Pol"},
    {"column": "q1", "kind": "likert", "question": "Gir samarbeidet gevinster?", "label": "Gevinster",
     "section": "erfaringer", "subsection": "Gevinster", "measure": "top2", "scale": LIKERT, "dont_know": "Vet ikke"},
    {"column": "q2", "kind": "yes_no", "question": "Bør vi samarbeide mer?", "label": "Mer samarbeid",
     "section": "mulighetsrom", "measure": "yes", "scale": "Nei | Ja | Vet ikke", "dont_know": "Vet ikke"},
    {"column": "q3", "kind": "likert", "question": "Er det vanskelig?", "label": "Vanskelig",
     "section": "erfaringer", "subsection": "Utfordringer", "measure": "bottom2", "scale": LIKERT, "dont_know": "Vet ikke"},
    {"column": "o_a", "kind": "multi_select", "question": "Hvilke områder?", "label": "Helse",
     "section": "mulighetsrom", "measure": "selected"},
    {"column": "o_b", "kind": "multi_select", "question": "Hvilke områder?", "label": "Skole",
     "section": "mulighetsrom", "measure": "selected"},
]

# 10 respondents. q1 top-2 (stor/svært stor): R1, R2, R3, R6 → total k=4; blanks: R10; DK: R4, R9.
TINY_RESPONSES = [
    # id, kommune, rolle, q1, q2, q3, o_a, o_b
    ("R1", "Aby", "Adm", "I stor grad", "Ja", "I liten grad", 1, 0),
    ("R2", "Aby", "Adm", "I svært stor grad", "Ja", "I noen grad", 1, 1),
    ("R3", "Aby", "Pol", "I stor grad", "Nei", "I svært liten grad", 0, 1),
    ("R4", "Aby", "Pol", "Vet ikke", "Vet ikke", "Vet ikke", 1, 0),
    ("R5", "Bby", "Adm", "I noen grad", "Ja", "I stor grad", 1, 0),
    ("R6", "Bby", "Adm", "I svært stor grad", "Ja", None, 0, 0),
    ("R7", "Bby", "Adm", "I liten grad", "Nei", "I liten grad", 1, 1),
    ("R8", "Bby", "Pol", "I svært liten grad", "Ja", "I noen grad", None, None),
    ("R9", "Bby", "Pol", "Vet ikke", None, "I stor grad", 0, 1),
    ("R10", "Bby", "Pol", None, "Ja", "I svært stor grad", 1, 0),
]

TINY_META = {"title": "Liten testundersøkelse", "year": "2024", "invited": "12", "region": "Testregionen",
             "provenance": "Håndlaget for testene.", "reconstructed": "false"}


def tiny_frames():
    columns = [row["column"] for row in TINY_CODEBOOK]
    responses = pd.DataFrame(TINY_RESPONSES, columns=columns)
    codebook = pd.DataFrame(TINY_CODEBOOK)
    meta = pd.DataFrame({"key": list(TINY_META), "value": list(TINY_META.values())})
    return {"responses": responses, "codebook": codebook, "meta": meta}


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


@pytest.fixture
def tiny_path(tmp_path) -> Path:
    return write_workbook(tmp_path / "tiny.xlsx", tiny_frames())


@pytest.fixture
def tiny(tiny_path):
    return load_workbook(tiny_path)


@pytest.fixture(scope="session")
def bundled():
    return load_workbook(BUNDLED_WORKBOOK)


@pytest.fixture(scope="session")
def generated_corpus(tmp_path_factory) -> Path:
    """The large cases of the hostile corpus (a 3 000 000-row workbook, zip bombs, a 12 MB cell…),
    built once per test session in a temporary folder, not committed (see tests/corpus.py)."""
    from corpus import build_generated

    return build_generated(tmp_path_factory.mktemp("generated-corpus"))


@pytest.fixture(scope="session")
def published() -> list[dict]:
    """The report's 22 published figures (a copy of the reference CSV kept in the repo)."""
    with open(FIXTURES / "published_figures.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def match_item(survey, figure) -> str:
    """The one item of `survey` asked with a published figure's wording (its `question_nb`)."""
    matches = [i.id for i in survey.ordered_items() if i.question == figure["question_nb"]]
    assert len(matches) == 1, f"{figure['figure_id']}: no single item with that wording"
    return matches[0]


# Real-browser fixtures (one Streamlit server, one Chromium, a page per test) for every
# tests/browser/test_browser_*.py; registered here so the plugin loads once, before any test module.
pytest_plugins = ["browser_support"]
