"""Surveys with chosen cell sizes, for the disclosure-control tests and benchmarks.

Any breakdowns (municipality × role, a round column, more), any number of respondents per
finest cell (1-, 2- and 3-person cells included), likert, yes/no and multi-select items. Answers
are drawn with a fixed seed from a skewed distribution per cell, so some cells answer all
alike and many categories are empty — the cases where an attacker gets furthest. The result is
the three sheets of the documented workbook format (docs/data-format.md).

    python scripts/cell_surveys.py --preset seven --out /tmp/seven.xlsx
"""

from __future__ import annotations

import argparse
from itertools import product
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

LIKERT = ("I svært liten grad", "I liten grad", "I noen grad", "I stor grad", "I svært stor grad", "Vet ikke")
YES_NO = ("Nei", "Ja", "Vet ikke")


def survey_sheets(breakdowns: Mapping[str, Sequence[str]], sizes: Mapping[tuple, int], *, items: int = 6,
                  multi_select: int = 0, seed: int = 1, blank_rate: float = 0.04, dont_know_rate: float = 0.06,
                  round_column: str | None = None, min_group_size: int | None = None,
                  invited: bool = False, similarity: float = 8.0) -> dict[str, pd.DataFrame]:
    """The sheets of a workbook: `sizes[(value, value, ...)]` respondents in each cell (in the
    order of `breakdowns`), `items` scale questions (alternating likert top2, yes/no, likert
    bottom2) and one multi-select question with `multi_select` options.

    Each cell answers from its own distribution around the item's: `similarity` is the
    Dirichlet concentration around it (8: groups differ as in a real survey; 0: every cell
    draws its own lopsided distribution, so many answer all alike — the attacker's best case)."""
    rng = np.random.default_rng(seed)
    names = list(breakdowns)
    codebook = [{"column": "id", "kind": "id", "question": "ID", "label": "ID"}]
    for name in names:
        codebook.append({"column": name, "kind": "breakdown", "question": name.capitalize(), "label": name.capitalize(),
                         "scale": " | ".join(breakdowns[name])})
    kinds = []
    for j in range(items):
        kind = ("likert", "top2", LIKERT) if j % 3 == 0 else ("yes_no", "yes", YES_NO) if j % 3 == 1 else ("likert", "bottom2", LIKERT)
        kinds.append((f"q{j + 1:02d}",) + kind)
        codebook.append({"column": f"q{j + 1:02d}", "kind": kind[0], "question": f"Spørsmål {j + 1}?",
                         "label": f"S{j + 1}", "section": "erfaringer" if j % 2 == 0 else "mulighetsrom",
                         "measure": kind[1], "scale": " | ".join(kind[2]), "dont_know": "Vet ikke", "order": j + 1})
    for j in range(multi_select):
        codebook.append({"column": f"o{j + 1:02d}", "kind": "multi_select", "question": "Hvilke områder?",
                         "label": f"Område {j + 1}", "section": "mulighetsrom", "measure": "selected", "order": 100 + j})
    rows = []
    for cell in product(*(breakdowns[name] for name in names)):
        size = int(sizes.get(cell, 0))
        if not size:
            continue
        for i in range(size):
            rows.append({"id": "-".join(cell) + f"-{i}", **dict(zip(names, cell))})
    frame = pd.DataFrame(rows, columns=["id", *names])
    cell_of = frame[names].astype(str).agg("|".join, axis=1).to_numpy()
    for column, _, _, scale in kinds:
        answers = np.empty(len(frame), dtype=object)
        substantive = len(scale) - 1
        item_weights = rng.dirichlet(np.full(substantive, 2.0))
        for cell in dict.fromkeys(cell_of):
            members = np.flatnonzero(cell_of == cell)
            alpha = similarity * item_weights + 1e-3 if similarity > 0 else np.full(substantive, 0.6)
            weights = rng.dirichlet(alpha)
            weights = np.concatenate([weights * (1 - dont_know_rate), [dont_know_rate]])
            drawn = rng.choice(len(scale), size=len(members), p=weights / weights.sum())
            answers[members] = [scale[d] for d in drawn]
        answers[rng.random(len(frame)) < blank_rate] = None
        frame[column] = answers
    if multi_select:
        skipped = rng.random(len(frame)) < blank_rate
        for j in range(multi_select):
            chosen = np.empty(len(frame), dtype=object)
            share = rng.beta(1.5, 2.0)
            for cell in dict.fromkeys(cell_of):
                members = np.flatnonzero(cell_of == cell)
                cell_share = rng.beta(0.7, 1.2) if similarity <= 0 else rng.beta(1 + similarity * share, 1 + similarity * (1 - share))
                chosen[members] = (rng.random(len(members)) < cell_share).astype(int)
            chosen[skipped] = None
            frame[f"o{j + 1:02d}"] = chosen
    meta = {"title": "Små celler", "year": "2025", "region": "Testregionen", "reconstructed": "true",
            "provenance": "scripts/cell_surveys.py (tilfeldige svar)"}
    if round_column:
        meta["round_column"] = round_column
    if min_group_size:
        meta["min_group_size"] = str(min_group_size)
    if invited:
        for cell in product(*(breakdowns[name] for name in names)):
            if sizes.get(cell):
                meta["invited_" + "_".join(cell)] = str(int(sizes[cell]) + 2)
    return {"responses": frame, "codebook": pd.DataFrame(codebook),
            "meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())})}


def write(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


# --- the surveys the audit tests and benchmarks use -----------------------------------------------

SEVEN = [f"Kommune {chr(65 + i)}" for i in range(7)]
SEVEN_SIZES = {"Administrasjon": [20, 15, 12, 10, 9, 8, 6], "Folkevalgte": [12, 9, 3, 2, 2, 1, 7]}


def seven_by_two(**options) -> dict[str, pd.DataFrame]:
    """7 municipalities × 2 roles, four elected cells of 1–3 people (the issue's first case)."""
    sizes = {(m, role): SEVEN_SIZES[role][i] for i, m in enumerate(SEVEN) for role in SEVEN_SIZES}
    return survey_sheets({"kommune": SEVEN, "rolle": list(SEVEN_SIZES)}, sizes, **options)


def two_rounds(**options) -> dict[str, pd.DataFrame]:
    """4 municipalities × 2 roles in each of two rounds (a round column `runde`), small cells in both."""
    municipalities = ["Aby", "Bby", "Cby", "Dby"]
    sizes = {}
    for r, (adm, pol) in enumerate((([14, 11, 9, 7], [9, 6, 3, 2]), ([13, 12, 8, 6], [8, 7, 4, 1]))):
        for i, m in enumerate(municipalities):
            sizes[(m, "Administrasjon", f"R{r + 1}")] = adm[i]
            sizes[(m, "Folkevalgte", f"R{r + 1}")] = pol[i]
    options.setdefault("round_column", "runde")
    return survey_sheets({"kommune": municipalities, "rolle": ["Administrasjon", "Folkevalgte"], "runde": ["R1", "R2"]},
                         sizes, **options)


def seven_two_rounds(items: int = 30, **options) -> dict[str, pd.DataFrame]:
    """7 municipalities × 2 roles × 2 rounds (28 cells), the small cells of `seven_by_two` in both."""
    sizes = {}
    for r in range(2):
        for i, m in enumerate(SEVEN):
            for role in SEVEN_SIZES:
                sizes[(m, role, f"R{r + 1}")] = max(1, SEVEN_SIZES[role][i] - r)
    options.setdefault("round_column", "runde")
    return survey_sheets({"kommune": SEVEN, "rolle": list(SEVEN_SIZES), "runde": ["R1", "R2"]}, sizes, items=items,
                         **options)


def grid(groups: int, items: int = 30, seed: int = 3, **options) -> dict[str, pd.DataFrame]:
    """`groups` cells as (groups / 2) municipalities × 2 roles, sizes 1–25 with every fourth
    elected cell under 4 people."""
    rng = np.random.default_rng(seed)
    municipalities = [f"K{i + 1:02d}" for i in range(max(1, groups // 2))]
    sizes = {}
    for i, m in enumerate(municipalities):
        sizes[(m, "Administrasjon")] = int(rng.integers(8, 26))
        sizes[(m, "Folkevalgte")] = int(rng.integers(1, 4)) if i % 4 == 3 else int(rng.integers(5, 16))
    return survey_sheets({"kommune": municipalities, "rolle": ["Administrasjon", "Folkevalgte"]}, sizes, items=items,
                         seed=seed, **options)


def four_breakdowns(rows: int = 6366, items: int = 10, seed: int = 5, **options) -> dict[str, pd.DataFrame]:
    """About `rows` respondents over 5 × 5 × 3 × 2 = 150 cells of very uneven size (a social
    survey with four breakdowns: region, age group, education, sex)."""
    rng = np.random.default_rng(seed)
    breakdowns = {"region": [f"R{i + 1}" for i in range(5)], "alder": ["18-29", "30-44", "45-59", "60-74", "75+"],
                  "utdanning": ["Grunnskole", "Videregående", "Høyere"], "kjonn": ["Kvinne", "Mann"]}
    weights = rng.lognormal(0, 1.1, size=150)
    weights /= weights.sum()
    counts = rng.multinomial(rows, weights)
    sizes = {cell: int(n) for cell, n in zip(product(*breakdowns.values()), counts)}
    return survey_sheets(breakdowns, sizes, items=items, seed=seed, **options)


PRESETS = {"seven": seven_by_two, "rounds": two_rounds, "seven_rounds": seven_two_rounds,
           "four": four_breakdowns}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", choices=list(PRESETS), default="seven")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    print(write(Path(args.out), PRESETS[args.preset]()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
