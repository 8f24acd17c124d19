"""Build the school-survey example: a different survey made only from docs/data-format.md.

Written as a new user would build a workbook for their own survey — three municipalities,
staff roles instead of administration/elected, other sections and questions — to check that
the dashboard needs no code for it. Two rounds (2024, 2025) share the codebook except one
question added in 2025, so page Utvikling has a change to show and an item to list.
The answers are invented (seeded), and the meta sheet says so (`reconstructed = true`).

    python scripts/build_school_example.py   # writes tests/fixtures/school/skole_2024.xlsx and skole_2025.xlsx
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "school"
LIKERT = "Helt uenig | Litt uenig | Verken enig eller uenig | Litt enig | Helt enig | Vet ikke"
MUNICIPALITIES = {"Skogby": 40, "Fjellvik": 30, "Elvdal": 24}  # staff answering per municipality
ROLES = ("Lærer", "Assistent", "Skoleleder")
ROLE_WEIGHTS = (0.62, 0.26, 0.12)

CODEBOOK = [
    {"column": "svar_id", "kind": "id", "question": "Svar-ID", "label": "ID"},
    {"column": "kommune", "kind": "breakdown", "question": "Kommune", "label": "Kommune", "label_en": "Municipality",
     "scale": " | ".join(MUNICIPALITIES)},
    {"column": "stilling", "kind": "breakdown", "question": "Stilling", "label": "Stilling", "label_en": "Position",
     "scale": " | ".join(ROLES)},
    {"column": "trives", "kind": "likert", "question": "Jeg trives på jobb", "label": "Trives på jobb",
     "section": "trivsel", "subsection": "Arbeidsmiljø", "measure": "top2", "measure_label": "litt/helt enig",
     "scale": LIKERT, "dont_know": "Vet ikke", "order": 1, "question_en": "I enjoy my work", "label_en": "Enjoys work"},
    {"column": "stoette", "kind": "likert", "question": "Jeg får støtte fra ledelsen når jeg trenger det",
     "label": "Støtte fra ledelsen", "section": "trivsel", "subsection": "Arbeidsmiljø", "measure": "top2",
     "measure_label": "litt/helt enig", "scale": LIKERT, "dont_know": "Vet ikke", "order": 2},
    {"column": "mobbing", "kind": "likert", "question": "Skolen håndterer mobbing godt", "label": "Håndtering av mobbing",
     "section": "trivsel", "subsection": "Elevmiljø", "measure": "bottom2", "measure_label": "litt/helt uenig",
     "scale": LIKERT, "dont_know": "Vet ikke", "order": 3},
    {"column": "tilpasset", "kind": "likert", "question": "Vi har tid til tilpasset opplæring",
     "label": "Tid til tilpasset opplæring", "section": "læring", "measure": "top2", "measure_label": "litt/helt enig",
     "scale": LIKERT, "dont_know": "Vet ikke", "order": 1},
    {"column": "digitalt", "kind": "yes_no", "question": "Har skolen en plan for digitale læremidler?",
     "label": "Plan for digitale læremidler", "section": "læring", "measure": "yes", "measure_label": "ja",
     "scale": "Nei | Ja | Vet ikke", "dont_know": "Vet ikke", "order": 2},
    {"column": "kanal_app", "kind": "multi_select", "question": "Hvilke kanaler bruker dere mot hjemmene?",
     "label": "Skole-app", "section": "hjem og skole", "subsection": "Kanaler", "measure": "selected", "order": 1},
    {"column": "kanal_epost", "kind": "multi_select", "question": "Hvilke kanaler bruker dere mot hjemmene?",
     "label": "E-post", "section": "hjem og skole", "subsection": "Kanaler", "measure": "selected", "order": 2},
    {"column": "kanal_mote", "kind": "multi_select", "question": "Hvilke kanaler bruker dere mot hjemmene?",
     "label": "Foreldremøter", "section": "hjem og skole", "subsection": "Kanaler", "measure": "selected", "order": 3},
    {"column": "kommentar", "kind": "text", "question": "Andre kommentarer", "label": "Kommentar"},
]
NEW_IN_2025 = {"column": "lesing", "kind": "yes_no", "question": "Har skolen en felles plan for leseopplæring?",
               "label": "Plan for leseopplæring", "section": "læring", "measure": "yes", "measure_label": "ja",
               "scale": "Nei | Ja | Vet ikke", "dont_know": "Vet ikke", "order": 3}


def responses(year: int, codebook: list[dict], rng: np.random.Generator) -> pd.DataFrame:
    likert = [label.strip() for label in LIKERT.split("|")]
    shift = 0.35 if year == 2025 else 0.0  # 2025 a little more positive
    rows = []
    number = 1
    for municipality, count in MUNICIPALITIES.items():
        roles = rng.choice(ROLES, size=count, p=ROLE_WEIGHTS)
        for role in roles:
            row = {"svar_id": f"S{year % 100}-{number:03d}", "kommune": municipality, "stilling": str(role)}
            number += 1
            for entry in codebook:
                column, kind = entry["column"], entry["kind"]
                if kind == "likert":
                    p = np.array([0.07, 0.13, 0.22, 0.33 + shift / 2, 0.20 + shift / 2, 0.05])
                    row[column] = None if rng.random() < 0.04 else likert[rng.choice(6, p=p / p.sum())]
                elif kind == "yes_no":
                    p = np.array([0.30 - shift / 3, 0.60 + shift / 3, 0.10])
                    row[column] = ["Nei", "Ja", "Vet ikke"][rng.choice(3, p=p / p.sum())]
                elif kind == "multi_select":
                    row[column] = int(rng.random() < {"kanal_app": 0.8, "kanal_epost": 0.5, "kanal_mote": 0.65}[column])
                elif kind == "text":
                    row[column] = None
            rows.append(row)
    return pd.DataFrame(rows, columns=[entry["column"] for entry in codebook])


def write(year: int) -> Path:
    codebook = CODEBOOK[:-1] + ([NEW_IN_2025] if year == 2025 else []) + CODEBOOK[-1:]
    rng = np.random.default_rng(year)
    meta = [
        ("title", f"Skolemiljø blant ansatte {year}"),
        ("title_en", f"School environment among staff {year}"),
        ("year", year),
        ("invited", 120),
        ("region", "Dalregionen"),
        ("reconstructed", "true"),
        ("provenance", "Oppdiktet eksempel laget av scripts/build_school_example.py for å prøve dashboardet på en "
                       "annen undersøkelse. Svarene er tilfeldige (fast frø), ikke ekte."),
        ("provenance_en", "An invented example made by scripts/build_school_example.py to try the dashboard on another "
                          "survey. The answers are random (fixed seed), not real."),
        ("min_group_size", 5),
    ]
    path = OUT / f"skole_{year}.xlsx"
    OUT.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        responses(year, codebook, rng).to_excel(writer, sheet_name="responses", index=False)
        pd.DataFrame(codebook).to_excel(writer, sheet_name="codebook", index=False)
        pd.DataFrame(meta, columns=["key", "value"]).to_excel(writer, sheet_name="meta", index=False)
    return path


if __name__ == "__main__":
    for year in (2024, 2025):
        print(write(year))
