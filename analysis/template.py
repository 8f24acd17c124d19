"""A blank workbook in the documented format, for users building their own survey file.

The template holds the three required sheets with example codebook rows and meta keys, and
a `les_meg` sheet explaining each column; the loader ignores extra sheets. Every workbook
written here is formula-safe (`analysis.safe_text.spreadsheet`): text a spreadsheet would run
as a formula gets a leading apostrophe, which the intake drops again on reading, so a
downloaded workbook uploads unchanged.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from analysis.safe_text import spreadsheet_frame

LIKERT = "I svært liten grad | I liten grad | I noen grad | I stor grad | I svært stor grad | Vet ikke"
LIKERT_EN = "To a very small extent | To a small extent | To some extent | To a large extent | To a very large extent | Don't know"

CODEBOOK_EXAMPLE = [
    {"column": "respondent_id", "kind": "id", "question": "Respondent", "label": "ID"},
    {"column": "kommune", "kind": "breakdown", "question": "Kommune", "label": "Kommune",
     "scale": "Kommune A | Kommune B", "label_en": "Municipality", "scale_en": "Municipality A | Municipality B"},
    {"column": "rolle", "kind": "breakdown", "question": "Rolle", "label": "Rolle",
     "scale": "Administrasjon | Folkevalgte", "label_en": "Role", "scale_en": "Administration | Elected"},
    {"column": "gevinst_1", "kind": "likert", "question": "I hvilken grad gir samarbeidet gevinster?",
     "label": "Gevinster", "section": "erfaringer", "subsection": "Gevinster", "measure": "top2",
     "measure_label": "stor/svært stor grad", "scale": LIKERT, "dont_know": "Vet ikke", "order": 1,
     "question_en": "To what extent does the cooperation yield gains?", "label_en": "Gains",
     "section_en": "Experiences", "subsection_en": "Gains", "measure_label_en": "large/very large extent",
     "scale_en": LIKERT_EN},
    {"column": "tettere", "kind": "yes_no", "question": "Bør kommunene samarbeide tettere?",
     "label": "Tettere samarbeid", "section": "mulighetsrom", "measure": "yes", "measure_label": "ja",
     "scale": "Nei | Ja | Vet ikke", "dont_know": "Vet ikke", "order": 2,
     "question_en": "Should the municipalities cooperate more closely?", "label_en": "Closer cooperation",
     "section_en": "Opportunities", "measure_label_en": "yes", "scale_en": "No | Yes | Don't know"},
    {"column": "tillit", "kind": "likert", "question": "Jeg har tillit til kommunestyret",
     "label": "Tillit", "section": "erfaringer", "measure": "5,6,7", "measure_label": "enig (5–7)",
     "measure_label_en": "agree (5–7)", "values": "1=Helt uenig | 2=Uenig | 3=Litt uenig | 4=Verken eller | "
     "5=Litt enig | 6=Enig | 7=Helt enig | 9=Vet ikke", "dont_know": "9", "order": 3,
     "question_en": "I trust the municipal council", "label_en": "Trust", "section_en": "Experiences",
     "scale_en": "Strongly disagree | Disagree | Somewhat disagree | Neither | Somewhat agree | Agree | "
     "Strongly agree | Don't know"},
    {"column": "alder", "kind": "numeric", "question": "Alder i år", "label": "Alder", "section": "erfaringer",
     "order": 4, "question_en": "Age in years", "label_en": "Age", "section_en": "Experiences"},
    {"column": "omrade_helse", "kind": "multi_select", "question": "Innen hvilke områder bør kommunene samarbeide tettere?",
     "label": "Helse", "section": "mulighetsrom", "measure": "selected", "order": 5,
     "question_en": "In which areas should the municipalities cooperate more closely?", "label_en": "Health",
     "section_en": "Opportunities"},
]

META_EXAMPLE = [
    ("title", "Navn på undersøkelsen"),
    ("year", 2026),
    ("invited", ""),
    ("region", ""),
    ("reconstructed", "false"),
    ("provenance", "Hvem som samlet inn svarene, når og hvordan."),
    ("min_group_size", 5),
]

CODEBOOK_COLUMNS = ["column", "kind", "question", "label", "section", "subsection", "measure",
                    "measure_label", "measure_label_en", "scale", "values", "dont_know", "order", "question_en",
                    "label_en", "section_en", "subsection_en", "scale_en"]

README_ROWS = [
    ("responses", "Én rad per respondent. Kolonnenavnene må stå i kodeboka. Tom celle = ikke besvart."),
    ("codebook", "Én rad per kolonne i responses: type (kind), spørsmålstekst, seksjon, mål og svarskala."),
    ("kind", "id, breakdown, likert, yes_no, multi_select, numeric (tall), weight (vekt, høyst én) eller text."),
    ("measure", "top2 (stor/svært stor grad), bottom2 (liten/svært liten grad), yes (siste svar før «vet ikke»), "
                "selected (flervalg), eller et sett: koder/plasser skilt med komma (5,6,7) eller etiketter skilt med |."),
    ("measure_label", "Navnet på målet (measure_label_en på engelsk)."),
    ("scale", "Svaralternativene i rekkefølge fra lav til høy, skilt med | ; «Vet ikke» sist."),
    ("weight", "En kolonne med kind = weight gir vektede andeler (Kish effektiv n); små grupper skjules etter uvektede tall."),
    ("*_en", "Engelsk tekst for det engelske grensesnittet: question_en, label_en, section_en, subsection_en, "
             "measure_label_en og scale_en (svarskalaen på engelsk, like mange etiketter i samme rekkefølge, skilt med |). "
             "Mangler en engelsk tekst, vises den norske, og valideringen sier fra."),
    ("values", "Svar lagret som koder: 1=Helt uenig | 2=Uenig | … ; svarskalaen kan da stå tom."),
    ("meta", "Nøkkel/verdi: title, year og provenance er påkrevd."),
    ("docs", "Hele formatet: docs/data-format.md"),
]


def template_sheets() -> dict[str, pd.DataFrame]:
    codebook = pd.DataFrame(CODEBOOK_EXAMPLE, columns=CODEBOOK_COLUMNS)
    return {
        "responses": pd.DataFrame(columns=[row["column"] for row in CODEBOOK_EXAMPLE]),
        "codebook": codebook,
        "meta": pd.DataFrame(META_EXAMPLE, columns=["key", "value"]),
        "les_meg": pd.DataFrame(README_ROWS, columns=["tema", "forklaring"]),
    }


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Sheets as an .xlsx, every header and text cell formula-safe."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            spreadsheet_frame(frame).to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def write_template(target: str | Path | io.BytesIO | None = None) -> bytes:
    """Write the blank template to `target` (a path or buffer) and return its bytes."""
    data = workbook_bytes(template_sheets())
    if isinstance(target, (str, Path)):
        Path(target).write_bytes(data)
    elif target is not None:
        target.write(data)
    return data


def survey_workbook(survey) -> bytes:
    """A loaded survey written back in the workbook format (responses, codebook, meta).

    For surveys read from CSV or SPSS, whose codebook was given separately or guessed from
    value labels: the user downloads it, corrects the codebook (sections, measures, order)
    in a spreadsheet and uploads the workbook. Answers are written as their labels, blanks
    as empty cells, so the file validates as it stands.
    """
    responses = survey.responses.astype(object).where(survey.responses.notna(), None)
    codebook = survey.codebook.copy()
    for column in ("scale", "scale_en"):
        if column in codebook:
            codebook[column] = [" | ".join(s) if isinstance(s, (tuple, list)) else s for s in codebook[column]]
    codebook = codebook.reindex(columns=[c for c in CODEBOOK_COLUMNS if c in codebook.columns])
    meta = pd.DataFrame(list(survey.meta.items()), columns=["key", "value"])
    return workbook_bytes({"responses": responses, "codebook": codebook, "meta": meta})
