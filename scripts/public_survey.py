"""A "public-survey-like" workbook in the documented format: what a social survey's export holds.

Any number of respondents (6 366 by default) over four breakdowns (region 5 × age group 5 ×
education 3 × sex 2 = 150 cells of very uneven size), `items` statements on a 7-point scale
stored as codes 1–7 with 9 = "don't know" and a `values` mapping (as SPSS and most exports
hold them), the headline measure "agree" = codes 5,6,7 with its own label in both languages,
a yes/no question coded 1/2, two numeric items (hours of TV a day, household income) and a
design weight. Every text column has its English twin. Answers are drawn with a fixed seed.
Generated where it is used (tests, benchmark 8), never committed as a binary.

    python scripts/public_survey.py --rows 6366 --items 10 --out /tmp/public.xlsx
"""

from __future__ import annotations

import argparse
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd

BREAKDOWNS = {
    "region": (["Nord", "Midt", "Vest", "Sør", "Øst"], "Landsdel", "Region"),
    "aldersgruppe": (["18-29", "30-44", "45-59", "60-74", "75+"], "Aldersgruppe", "Age group"),
    "utdanning": (["Grunnskole", "Videregående", "Høyere"], "Utdanning", "Education"),
    "kjonn": (["Kvinne", "Mann"], "Kjønn", "Sex"),
}
SEVEN = [("1", "Helt uenig", "Strongly disagree"), ("2", "Uenig", "Disagree"), ("3", "Litt uenig", "Somewhat disagree"),
         ("4", "Verken eller", "Neither"), ("5", "Litt enig", "Somewhat agree"), ("6", "Enig", "Agree"),
         ("7", "Helt enig", "Strongly agree"), ("9", "Vet ikke", "Don't know")]
YES_NO = [("1", "Ja", "Yes"), ("2", "Nei", "No"), ("8", "Vet ikke", "Don't know")]
MEASURE = "5,6,7"
MEASURE_LABEL = ("enig (5–7)", "agree (5–7)")


def _values(scale) -> str:
    return " | ".join(f"{code}={label}" for code, label, _ in scale)


def sheets(rows: int = 6366, items: int = 10, seed: int = 11, section: str = "holdninger") -> dict[str, pd.DataFrame]:
    """The three sheets (responses, codebook, meta) of the workbook; the scale items and the
    yes/no question on the page `section`, the numeric items on `hverdag`."""
    rng = np.random.default_rng(seed)
    names = list(BREAKDOWNS)
    cells = list(product(*(BREAKDOWNS[b][0] for b in names)))
    sizes = rng.multinomial(rows, rng.dirichlet(np.full(len(cells), 0.7)))
    cell_of = np.repeat(np.arange(len(cells)), sizes)
    frame = pd.DataFrame({"lopenr": [f"P{i + 1:06d}" for i in range(rows)]})
    for position, name in enumerate(names):
        frame[name] = [cells[c][position] for c in cell_of]
    codebook = [{"column": "lopenr", "kind": "id", "question": "Løpenummer", "label": "Løpenummer",
                 "question_en": "Serial number", "label_en": "Serial number"}]
    for name, (values, label, label_en) in BREAKDOWNS.items():
        codebook.append({"column": name, "kind": "breakdown", "question": label, "label": label, "question_en": label_en,
                         "label_en": label_en, "scale": " | ".join(values)})
    for j in range(items):
        lean = rng.normal(0, 0.8, len(cells))[cell_of]
        latent = rng.normal(4 + lean, 1.6)
        answer = np.clip(np.rint(latent), 1, 7).astype(int)
        answer = np.where(rng.random(rows) < 0.04, 9, answer).astype(object)
        answer[rng.random(rows) < 0.03] = None
        column = f"p{j + 1:02d}"
        frame[column] = answer
        codebook.append({"column": column, "kind": "likert", "question": f"Påstand {j + 1}: tilliten er høy",
                         "label": f"Påstand {j + 1}", "question_en": f"Statement {j + 1}: trust is high",
                         "label_en": f"Statement {j + 1}", "section": section, "values": _values(SEVEN),
                         "dont_know": "9", "measure": MEASURE, "measure_label": MEASURE_LABEL[0],
                         "measure_label_en": MEASURE_LABEL[1], "order": j + 1})
    voted = np.where(rng.random(rows) < 0.78, 1, 2).astype(object)
    voted[rng.random(rows) < 0.05] = 8
    frame["stemte"] = voted
    codebook.append({"column": "stemte", "kind": "yes_no", "question": "Stemte du ved siste valg?", "label": "Stemte",
                     "question_en": "Did you vote in the last election?", "label_en": "Voted", "section": section,
                     "values": _values(YES_NO), "dont_know": "8", "measure": "1", "measure_label": "ja",
                     "measure_label_en": "yes", "order": 50})
    tv = np.round(rng.gamma(2.0, 1.1, rows), 1)
    tv[rng.random(rows) < 0.02] = np.nan
    income = np.round(rng.lognormal(13.2, 0.5, rows), -3)
    income[rng.random(rows) < 0.08] = np.nan
    frame["tv_timer"] = tv
    frame["inntekt"] = income
    codebook.append({"column": "tv_timer", "kind": "numeric", "question": "Hvor mange timer ser du på TV en vanlig dag?",
                     "label": "TV-timer per dag", "question_en": "How many hours of TV do you watch on a normal day?",
                     "label_en": "TV hours a day", "section": "hverdag", "order": 60})
    codebook.append({"column": "inntekt", "kind": "numeric", "question": "Husholdningens bruttoinntekt (kroner)",
                     "label": "Inntekt", "question_en": "Household gross income (NOK)", "label_en": "Income",
                     "section": "hverdag", "order": 61})
    weight = rng.lognormal(0, 0.35, rows)
    frame["vekt"] = np.round(weight / weight.mean(), 4)
    codebook.append({"column": "vekt", "kind": "weight", "question": "Designvekt", "label": "Vekt",
                     "question_en": "Design weight", "label_en": "Weight"})
    meta = {"title": "Offentlig undersøkelse (syntetisk)", "title_en": "Public survey (synthetic)", "year": "2024",
            "provenance": "scripts/public_survey.py (tilfeldige svar med fast frø)",
            "provenance_en": "scripts/public_survey.py (random answers, fixed seed)"}
    frame = frame.astype(object).where(frame.notna(), None)
    return {"responses": frame, "codebook": pd.DataFrame(codebook),
            "meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())})}


def write(path: Path, rows: int = 6366, items: int = 10, seed: int = 11, section: str = "holdninger") -> Path:
    """The workbook at `path`."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets(rows, items, seed, section).items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return Path(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=6366)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    print(write(args.out, args.rows, args.items, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
