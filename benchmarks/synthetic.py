"""Synthetic surveys in the bundled format, for benchmarks: any number of respondents.

Answers are drawn with a fixed seed from the bundled survey's Likert scale; municipality and
role follow the bundled codebook, so every function sees the same shape as the real data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.codebook import Breakdown, Item, Survey

LIKERT = ("I svært liten grad", "I liten grad", "I noen grad", "I stor grad", "I svært stor grad", "Vet ikke")
MUNICIPALITIES = ("Grong", "Lierne", "Namsskogan", "Røyrvik")
ROLES = ("Administrasjon", "Folkevalgte")


def codebook_rows(n_items: int) -> list[dict]:
    rows = [
        {"column": "respondent_id", "kind": "id", "question": "ID", "label": "ID"},
        {"column": "kommune", "kind": "breakdown", "question": "Kommune", "label": "Kommune", "scale": " | ".join(MUNICIPALITIES)},
        {"column": "rolle", "kind": "breakdown", "question": "Rolle", "label": "Rolle", "scale": " | ".join(ROLES)},
    ]
    for j in range(n_items):
        rows.append({"column": f"q{j + 1:02d}", "kind": "likert", "question": f"Påstand {j + 1}", "label": f"P{j + 1}",
                     "section": "erfaringer", "measure": "top2", "scale": " | ".join(LIKERT), "dont_know": "Vet ikke"})
    return rows


def synthetic_codes(n: int, n_items: int = 20, seed: int = 1) -> dict[str, np.ndarray]:
    """Category codes (int8; -1 = blank) per column."""
    rng = np.random.default_rng(seed)
    codes = {"kommune": rng.integers(0, len(MUNICIPALITIES), n, dtype=np.int8),
             "rolle": rng.integers(0, len(ROLES), n, dtype=np.int8)}
    weights = np.array([0.08, 0.14, 0.3, 0.3, 0.12, 0.04, 0.02])  # last = blank
    for j in range(n_items):
        drawn = rng.choice(len(weights), size=n, p=weights).astype(np.int8)
        drawn[drawn == len(weights) - 1] = -1
        codes[f"q{j + 1:02d}"] = drawn
    return codes


def synthetic_survey(n: int, n_items: int = 20, seed: int = 1) -> Survey:
    codes = synthetic_codes(n, n_items, seed)
    frame = pd.DataFrame({"respondent_id": pd.array([f"R{i}" for i in range(n)], dtype="string")} if n <= 200_000 else
                         {"respondent_id": pd.array(np.arange(n).astype(str), dtype="string")})
    frame["kommune"] = pd.Categorical.from_codes(codes["kommune"], categories=list(MUNICIPALITIES))
    frame["rolle"] = pd.Categorical.from_codes(codes["rolle"], categories=list(ROLES))
    items = {}
    for j in range(n_items):
        column = f"q{j + 1:02d}"
        frame[column] = pd.Categorical.from_codes(codes[column], categories=list(LIKERT), ordered=True)
        items[column] = Item(column, "likert", f"Påstand {j + 1}", f"P{j + 1}", "erfaringer", "", "top2",
                             "stor/svært stor grad", LIKERT, "Vet ikke", float(j))
    breakdowns = {"kommune": Breakdown("kommune", "Kommune", MUNICIPALITIES), "rolle": Breakdown("rolle", "Rolle", ROLES)}
    meta = {"title": "Syntetisk", "year": "2026", "provenance": "benchmarks/synthetic.py"}
    return Survey(items, breakdowns, frame, meta, "respondent_id", "synthetic")


def synthetic_workbook_sheets(n: int, n_items: int = 20, seed: int = 1) -> dict[str, pd.DataFrame]:
    """The same survey as the three workbook sheets (labels as text), for upload benchmarks."""
    survey = synthetic_survey(n, n_items, seed)
    responses = survey.responses.astype(object).where(survey.responses.notna(), None)
    meta = pd.DataFrame({"key": list(survey.meta), "value": list(survey.meta.values())})
    return {"responses": responses, "codebook": pd.DataFrame(codebook_rows(n_items)), "meta": meta}
