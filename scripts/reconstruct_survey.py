"""Rebuild the bundled example workbook ``data/survey_raw.xlsx`` from the reconstruction tables.

Why this exists
---------------
The real answers of the 2022 Indre Namdal survey were never published. The report prints 22
percentages (11 questions x 2 respondent groups) and a few qualitative statements. To give the
dashboard a realistic data set we *reconstruct* 93 respondent rows that reproduce every published
figure exactly and honour the qualitative statements, and we label everything else as an
assumption. This script is the only way the bundled workbook is made, so every number in it can
be traced back to a row of a table.

What drives it
--------------
Three small CSV tables next to this script (edit those, not this code, to change an assumption):

* ``reconstruction_municipalities.csv`` - respondents and invited per municipality x role.
* ``reconstruction_targets.csv`` - per item x role: ``k`` and ``n`` (published where the report
  prints a figure, else assumed), category ``weight`` s for everything the report does not give,
  and a per-municipality ``tilt`` for the headline measure.
* ``reconstruction_multiselect.csv`` - per option x municipality: the assumed share choosing it.

The algorithm (deterministic; no resampling until something fits)
-----------------------------------------------------------------
For each item and role:

1. ``n`` answered, ``group - n`` blank. Exact category counts: ``k`` is split over the measure's
   categories (e.g. stor / svært stor) and ``n - k`` over the other categories (incl. Vet ikke),
   each by the assumed weights with largest-remainder rounding. The published (k, n) therefore
   hold by construction.
2. Blanks are spread over municipalities in proportion to cell size; the measure count ``k`` is
   spread in proportion to ``answered x tilt`` (this is how "Røyrvik highest" etc. are made to
   hold); the remaining counts fill each municipality's remaining answers. All of it is integer
   largest-remainder allocation, so the per-municipality tables are fixed by the CSVs alone.
3. Only then does randomness enter: within each municipality x role cell the fixed multiset of
   answers is dealt to the cell's respondents by a permutation from a seeded generator
   (``numpy.random.default_rng`` keyed by SEED, item, role and municipality). The seed therefore
   decides *who* gave which answer, never *how many* gave it.

The multi-select question uses the same idea: counts per municipality from the assumed shares,
split over roles by cell size, then dealt to respondents so that everyone who answered the
question picks at least one option.

The workbook is written with fixed document properties and fixed zip timestamps so that a rerun
produces the same bytes (given the same openpyxl version).

Usage::

    python scripts/reconstruct_survey.py [--out data/survey_raw.xlsx]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parent
DEFAULT_OUT = REPO_ROOT / "data" / "survey_raw.xlsx"
MUNICIPALITIES_CSV = SCRIPT_DIR / "reconstruction_municipalities.csv"
TARGETS_CSV = SCRIPT_DIR / "reconstruction_targets.csv"
MULTISELECT_CSV = SCRIPT_DIR / "reconstruction_multiselect.csv"

#: Seed for every random draw (the report's month, April 2022). Changing it reshuffles which
#: respondent gave which answer but leaves every count per municipality x role unchanged.
SEED = 202204

#: Fixed workbook timestamp so reruns are byte-identical.
FIXED_TIMESTAMP = dt.datetime(2022, 4, 1, 0, 0, 0)

# --------------------------------------------------------------------------------------------
# Survey structure (the codebook). These are facts about the questionnaire, not assumptions:
# wording of published items is the report's; unpublished wording follows the report's text.
# --------------------------------------------------------------------------------------------

MUNICIPALITIES = ["Grong", "Lierne", "Namsskogan", "Røyrvik"]
ROLES = ["Administrasjon", "Folkevalgte"]
GROUP_SIZE = {"Administrasjon": 55, "Folkevalgte": 38}  # published: 59,1 % of 93 = 55
INVITED_TOTAL = 126  # published

LIKERT = ["I svært liten grad", "I liten grad", "I noen grad", "I stor grad", "I svært stor grad", "Vet ikke"]
YES_NO = ["Nei", "Ja", "Vet ikke"]
DONT_KNOW = "Vet ikke"
SEP = " | "

# English of every text a reader sees (the codebook's *_en columns), parallel to the bokmål.
LIKERT_EN = ["To a very small extent", "To a small extent", "To some extent", "To a large extent",
             "To a very large extent", "Don't know"]
YES_NO_EN = ["No", "Yes", "Don't know"]
ROLES_EN = ["Administration", "Elected"]
SECTION_EN = {"erfaringer": "Experiences", "mulighetsrom": "Opportunities"}
SUBSECTION_EN = {
    "Gevinster": "Gains",
    "Utfordringer": "Challenges",
    "Samarbeidskultur": "Culture of cooperation",
    "Tettere samarbeid": "Closer cooperation",
    "Områder for tettere samarbeid": "Areas for closer cooperation",
    "Kompetanse og rekruttering": "Competence and recruitment",
    "Styring og organisering": "Governance and organisation",
    "Kommentarer": "Comments",
}
MEASURE_LABEL_EN = {
    "top2": "large/very large extent",
    "bottom2": "small/very small extent",
    "yes": "yes",
    "selected": "selected",
}

MEASURE_LABEL = {
    "top2": "stor/svært stor grad",
    "bottom2": "liten/svært liten grad",
    "yes": "ja",
    "selected": "valgt",
}

MULTI_QUESTION = "Innen hvilke områder bør kommunene samarbeide tettere?"
MULTI_QUESTION_EN = "In which areas should the municipalities cooperate more closely?"
MULTI_PREFIX = "omrade"  # pseudo-column used in reconstruction_targets.csv for the question's n


@dataclass(frozen=True)
class Item:
    """One scored question (likert or yes/no) as it appears in the codebook."""

    column: str
    kind: str
    section: str
    subsection: str
    measure: str
    question: str
    label: str
    question_en: str
    label_en: str

    @property
    def scale(self) -> list[str]:
        return LIKERT if self.kind == "likert" else YES_NO

    @property
    def scale_en(self) -> list[str]:
        return LIKERT_EN if self.kind == "likert" else YES_NO_EN

    @property
    def measure_categories(self) -> list[str]:
        """The answer labels counted by the headline measure (see docs/data-format.md)."""
        substantive = [c for c in self.scale if c != DONT_KNOW]
        if self.measure == "top2":
            return substantive[-2:]
        if self.measure == "bottom2":
            return substantive[:2]
        if self.measure == "yes":
            return substantive[-1:]
        raise ValueError(f"{self.column}: unknown measure {self.measure}")


_G = "I hvilken grad gir samarbeidet gevinster innen "
_U = "I hvilken grad byr samarbeidet på utfordringer innenfor disse områdene: "
_GEN = "To what extent does the cooperation yield gains in "
_UEN = "To what extent does the cooperation pose challenges in these areas: "

# Items before the multi-select block ...
ITEMS_BEFORE = [
    Item("gevinst_fagomrader", "likert", "erfaringer", "Gevinster", "top2",
         _G + "samling av fagområder og spesialisering?", "Samling av fagområder og spesialisering",
         _GEN + "pooling of professional fields and specialisation?", "Pooling of fields and specialisation"),
    Item("gevinst_kompetansedeling", "likert", "erfaringer", "Gevinster", "top2",
         _G + "kompetansedeling på tvers av kommunene?", "Kompetansedeling på tvers av kommunene",
         _GEN + "sharing of expertise across the municipalities?", "Sharing expertise across municipalities"),
    Item("gevinst_digitale_verktoy", "likert", "erfaringer", "Gevinster", "top2",
         _G + "økt bruk av digitale verktøy?", "Økt bruk av digitale verktøy",
         _GEN + "increased use of digital tools?", "Increased use of digital tools"),
    Item("utfordring_arbeidsplasser", "likert", "erfaringer", "Utfordringer", "top2",
         _U + "Bortfall av arbeidsplasser", "Bortfall av arbeidsplasser",
         _UEN + "Loss of local jobs", "Loss of local jobs"),
    Item("utfordring_styring", "likert", "erfaringer", "Utfordringer", "top2",
         _U + "Styring og kontroll", "Styring og kontroll",
         _UEN + "Governance and control", "Governance and control"),
    Item("utfordring_regelverk", "likert", "erfaringer", "Utfordringer", "top2",
         _U + "Regelverk (f.eks. arkivregelverket)", "Regelverk (f.eks. arkivregelverket)",
         _UEN + "Regulations (e.g. archive rules)", "Regulations (e.g. archive rules)"),
    Item("kultur_felles_mal", "likert", "erfaringer", "Samarbeidskultur", "bottom2",
         "I hvilken grad vil du si at kommunene evner å jobbe mot et felles mål?",
         "Evner å jobbe mot et felles mål",
         "To what extent would you say the municipalities are able to work towards a common goal?",
         "Able to work towards a common goal"),
    Item("kultur_fellesskap", "likert", "erfaringer", "Samarbeidskultur", "bottom2",
         "I hvilken grad vil du si at kommunene har en fellesskapsfølelse med de andre?",
         "Fellesskapsfølelse med de andre kommunene",
         "To what extent would you say the municipalities feel a sense of community with the others?",
         "Sense of community with the other municipalities"),
    Item("tettere_samarbeid", "yes_no", "mulighetsrom", "Tettere samarbeid", "yes",
         "Bør kommunene samarbeide tettere enn de gjør i dag?", "Samarbeide tettere enn i dag",
         "Should the municipalities cooperate more closely than they do today?",
         "Cooperate more closely than today"),
]
# ... and after it.
ITEMS_AFTER = [
    Item("mulighet_kompetanse", "likert", "mulighetsrom", "Kompetanse og rekruttering", "top2",
         "Det er nødvendig med bedre tilrettelegging for samarbeid om kompetanse",
         "Bedre tilrettelegging for samarbeid om kompetanse",
         "Better arrangements for cooperation on competence are needed",
         "Better arrangements for competence cooperation"),
    Item("mulighet_rekruttering", "likert", "mulighetsrom", "Kompetanse og rekruttering", "top2",
         "Det bør legges bedre til rette for samarbeid om rekruttering",
         "Bedre tilrettelegging for samarbeid om rekruttering",
         "Better arrangements should be made for cooperation on recruitment",
         "Better arrangements for recruitment cooperation"),
    Item("mulighet_styringsbehov", "likert", "mulighetsrom", "Styring og organisering", "bottom2",
         "Samarbeidet senker det overordnede behovet for styring",
         "Samarbeidet senker behovet for styring",
         "The cooperation reduces the overall need for governance",
         "Cooperation reduces the need for governance"),
    Item("mulighet_organisering", "likert", "mulighetsrom", "Styring og organisering", "top2",
         "Alternative former for organisering av samarbeidet kan gi større gevinst",
         "Alternativ organisering kan gi større gevinst",
         "Alternative ways of organising the cooperation could yield greater gains",
         "Alternative organisation could yield greater gains"),
]
ITEMS = ITEMS_BEFORE + ITEMS_AFTER
MULTI_SUBSECTION = "Områder for tettere samarbeid"

# --------------------------------------------------------------------------------------------
# Integer allocation helpers. Fractions keep the arithmetic exact, so ties are real ties and
# are always broken the same way (earlier position first).
# --------------------------------------------------------------------------------------------


def largest_remainder(total: int, weights: list[Fraction]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (Hamilton's method).

    Floors of the exact quotas first; the leftover units go to the largest fractional parts,
    ties to the earlier position. All-zero weights are treated as equal weights.
    """
    if total < 0:
        raise ValueError("negative total")
    if not weights:
        if total:
            raise ValueError("nothing to allocate to")
        return []
    s = sum(weights)
    if s == 0:
        weights, s = [Fraction(1)] * len(weights), Fraction(len(weights))
    quotas = [Fraction(total) * w / s for w in weights]
    floors = [q.numerator // q.denominator for q in quotas]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def capped_allocation(total: int, weights: list[Fraction], caps: list[int]) -> list[int]:
    """Like :func:`largest_remainder`, but no position receives more than its cap.

    Positions whose share would exceed their cap are fixed at the cap and the rest is
    re-allocated over the others (water-filling). Used so a municipality never gets more
    answers in a category than it has respondents.
    """
    if total > sum(caps):
        raise ValueError(f"cannot place {total} into capacity {sum(caps)}")
    result = [0] * len(weights)
    free = [i for i in range(len(weights)) if caps[i] > 0]
    remaining = total
    while remaining:
        alloc = largest_remainder(remaining, [weights[i] for i in free])
        over = [i for i, a in zip(free, alloc) if a > caps[i] - result[i]]
        if not over:
            for i, a in zip(free, alloc):
                result[i] += a
            break
        for i in over:
            remaining -= caps[i] - result[i]
            result[i] = caps[i]
        free = [i for i in free if i not in over]
        if not free and remaining:
            raise ValueError("allocation does not fit under the caps")
    return result


def fill_matrix(row_totals: list[int], col_totals: list[int]) -> list[list[int]]:
    """Integer matrix with the given row and column sums, each column spread like the rows.

    Columns are placed one at a time in proportion to what each row still has room for; the
    last column takes exactly what is left, so both margins hold exactly.
    """
    if sum(row_totals) != sum(col_totals):
        raise ValueError(f"margins differ: rows {sum(row_totals)} vs columns {sum(col_totals)}")
    room = list(row_totals)
    matrix = [[0] * len(col_totals) for _ in row_totals]
    for j, c in enumerate(col_totals):
        alloc = list(room) if j == len(col_totals) - 1 else capped_allocation(
            c, [Fraction(r) for r in room], room)
        for i, a in enumerate(alloc):
            matrix[i][j] = a
            room[i] -= a
    return matrix


def round_half_up(x: Fraction) -> int:
    return int((x + Fraction(1, 2)) // 1)


# --------------------------------------------------------------------------------------------
# Reading the tables.
# --------------------------------------------------------------------------------------------


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_municipalities(path: Path = MUNICIPALITIES_CSV) -> tuple[dict, dict]:
    """Respondents and invited per (kommune, rolle); checks the published totals."""
    respondents, invited = {}, {}
    for r in _read_csv(path):
        key = (r["kommune"], r["rolle"])
        respondents[key] = int(r["respondents"])
        invited[key] = int(r["invited"])
    expected = {(m, r) for m in MUNICIPALITIES for r in ROLES}
    if set(respondents) != expected:
        raise ValueError(f"{path.name}: need exactly one row per municipality x role")
    for role in ROLES:
        got = sum(respondents[(m, role)] for m in MUNICIPALITIES)
        if got != GROUP_SIZE[role]:
            raise ValueError(f"{path.name}: {role} respondents sum to {got}, published {GROUP_SIZE[role]}")
    if sum(invited.values()) != INVITED_TOTAL:
        raise ValueError(f"{path.name}: invited sum to {sum(invited.values())}, published {INVITED_TOTAL}")
    for key in expected:
        if invited[key] < respondents[key]:
            raise ValueError(f"{path.name}: {key} has more respondents than invited")
    return respondents, invited


def load_targets(path: Path = TARGETS_CSV) -> dict:
    """``targets[(column, role)] = {"k": int, "n": int, "weight": {cat: Fraction}, "tilt": {...}}``."""
    targets: dict = defaultdict(lambda: {"weight": {}, "tilt": {}})
    for r in _read_csv(path):
        t = targets[(r["column"], r["role"])]
        if r["field"] in ("k", "n"):
            t[r["field"]] = int(r["value"])
        elif r["field"] in ("weight", "tilt"):
            t[r["field"]][r["category"]] = Fraction(r["value"])
        else:
            raise ValueError(f"{path.name}: unknown field {r['field']!r}")
    return dict(targets)


def load_multiselect(path: Path = MULTISELECT_CSV) -> list[dict]:
    """Options in codebook order with their assumed share per municipality."""
    options = []
    for r in _read_csv(path):
        options.append({
            "label": r["label"],
            "label_en": r["label_en"],
            "column": f"{MULTI_PREFIX}_{slugify(r['label'])}",
            "share": {m: Fraction(r[m]) for m in MUNICIPALITIES},
        })
    return options


def slugify(label: str) -> str:
    """``Administrative støttetjenester`` -> ``administrative_stottetjenester``."""
    s = label.lower()
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a")):
        s = s.replace(a, b)
    return "_".join("".join(ch if ch.isalnum() else " " for ch in s).split())


# --------------------------------------------------------------------------------------------
# Counts: first per role, then per municipality. No randomness here.
# --------------------------------------------------------------------------------------------


def category_counts(item: Item, t: dict, group: int) -> dict[str, int]:
    """Exact answer counts for one item x role (step 1 in the module docstring)."""
    k, n = t["k"], t["n"]
    if not 0 <= k <= n <= group:
        raise ValueError(f"{item.column}: need 0 <= k <= n <= {group}, got k={k} n={n}")
    measure = item.measure_categories
    other = [c for c in item.scale if c not in measure]
    missing = [c for c in item.scale if c not in t["weight"]]
    if missing:
        raise ValueError(f"{item.column}: no weight for {missing}")
    counts = dict(zip(measure, largest_remainder(k, [t["weight"][c] for c in measure])))
    counts.update(zip(other, largest_remainder(n - k, [t["weight"][c] for c in other])))
    return {c: counts[c] for c in item.scale}


def municipality_counts(item: Item, t: dict, role: str, cells: dict) -> dict[str, dict]:
    """Per municipality: answer counts and blanks for one item x role (step 2)."""
    sizes = [cells[(m, role)] for m in MUNICIPALITIES]
    counts = category_counts(item, t, GROUP_SIZE[role])
    blanks = capped_allocation(GROUP_SIZE[role] - t["n"], [Fraction(s) for s in sizes],
                               [s - 1 for s in sizes])  # everyone-blank cells would hide a municipality
    answered = [s - b for s, b in zip(sizes, blanks)]
    measure = item.measure_categories
    other = [c for c in item.scale if c not in measure]
    tilt = [t["tilt"].get(m, Fraction(1)) * a for m, a in zip(MUNICIPALITIES, answered)]
    k_m = capped_allocation(t["k"], tilt, answered)
    top = fill_matrix(k_m, [counts[c] for c in measure])
    rest = fill_matrix([a - k for a, k in zip(answered, k_m)], [counts[c] for c in other])
    out = {}
    for i, m in enumerate(MUNICIPALITIES):
        row = dict(zip(measure, top[i])) | dict(zip(other, rest[i]))
        out[m] = {"counts": {c: row[c] for c in item.scale}, "blanks": blanks[i]}
    return out


def multiselect_counts(options: list[dict], n_by_role: dict, cells: dict) -> tuple[dict, dict]:
    """Who skips the question and how many choose each option, per municipality x role.

    Returns ``(answered[(m, role)], chosen[(m, role)][column])``. Per municipality the count is
    the assumed share of those who answered (rounded half up), then split over the two roles
    in proportion to their answerers.
    """
    answered = {}
    for role in ROLES:
        sizes = [cells[(m, role)] for m in MUNICIPALITIES]
        blanks = capped_allocation(GROUP_SIZE[role] - n_by_role[role], [Fraction(s) for s in sizes],
                                   [s - 1 for s in sizes])
        for m, s, b in zip(MUNICIPALITIES, sizes, blanks):
            answered[(m, role)] = s - b
    chosen: dict = {key: {} for key in answered}
    for m in MUNICIPALITIES:
        per_role = [answered[(m, r)] for r in ROLES]
        total = sum(per_role)
        for opt in options:
            c = round_half_up(opt["share"][m] * total)
            split = capped_allocation(c, [Fraction(a) for a in per_role], per_role)
            for r, x in zip(ROLES, split):
                chosen[(m, r)][opt["column"]] = x
    return answered, chosen


def check_top_five(options: list[dict], answered: dict, chosen: dict) -> None:
    """The top five per municipality must not depend on a tie-break at rank 5/6."""
    for m in MUNICIPALITIES:
        totals = sorted((sum(chosen[(m, r)][o["column"]] for r in ROLES) for o in options), reverse=True)
        if totals[4] == totals[5]:
            raise ValueError(f"{m}: tie at rank 5/6 of the multi-select ({totals[4]}); adjust the shares")


# --------------------------------------------------------------------------------------------
# Respondents and answers. The only randomness: who in a cell gets which answer.
# --------------------------------------------------------------------------------------------


def rng_for(*keys: str) -> np.random.Generator:
    """A generator keyed by SEED and stable string keys (independent of processing order)."""
    return np.random.default_rng([SEED, *(zlib.crc32(k.encode("utf-8")) for k in keys)])


def build_respondents(cells: dict) -> list[dict]:
    """93 respondents; their order (and so R001..R093) is a seeded shuffle, like export order."""
    slots = [(m, r) for m in MUNICIPALITIES for r in ROLES for _ in range(cells[(m, r)])]
    order = rng_for("respondent_order").permutation(len(slots))
    return [{"respondent_id": f"R{i + 1:03d}", "kommune": slots[j][0], "rolle": slots[j][1]}
            for i, j in enumerate(order)]


def deal(values: list, people: list[dict], column: str, rng: np.random.Generator) -> None:
    """Give the fixed multiset ``values`` to ``people`` in a seeded random order."""
    assert len(values) == len(people)
    for person, idx in zip(people, rng.permutation(len(values))):
        person[column] = values[idx]


def build_rows(cells: dict, targets: dict, options: list[dict]) -> list[dict]:
    rows = build_respondents(cells)
    by_cell = defaultdict(list)
    for row in rows:
        by_cell[(row["kommune"], row["rolle"])].append(row)

    for item in ITEMS:
        for role in ROLES:
            t = targets[(item.column, role)]
            for m, mc in municipality_counts(item, t, role, cells).items():
                values = [c for c in item.scale for _ in range(mc["counts"][c])] + [None] * mc["blanks"]
                deal(values, by_cell[(m, role)], item.column, rng_for(item.column, role, m))

    n_by_role = {role: targets[(MULTI_PREFIX, role)]["n"] for role in ROLES}
    answered, chosen = multiselect_counts(options, n_by_role, cells)
    check_top_five(options, answered, chosen)
    columns = [o["column"] for o in options]
    for (m, role), people in by_cell.items():
        rng = rng_for(MULTI_PREFIX, role, m)
        flags = [True] * answered[(m, role)] + [False] * (len(people) - answered[(m, role)])
        deal(flags, people, "_answered", rng)
        who = [p for p in people if p.pop("_answered")]
        for p in people:
            for col in columns:
                p[col] = 0 if any(p is w for w in who) else None
        # Each respondent gets a seeded "breadth" (how many areas they tend to tick). Options are
        # dealt most-chosen first to the answerers with the fewest ticks relative to breadth;
        # anyone with no tick yet goes first, so every answerer ends with at least one.
        breadth = rng.uniform(0.5, 1.5, size=len(who))
        picked = [0] * len(who)
        for col in sorted(columns, key=lambda c: -chosen[(m, role)][c]):  # stable: ties keep codebook order
            tiebreak = rng.random(len(who))
            ranking = sorted(range(len(who)), key=lambda i: (picked[i] / breadth[i], tiebreak[i]))
            for i in ranking[:chosen[(m, role)][col]]:
                who[i][col] = 1
                picked[i] += 1
        if any(p == 0 for p in picked):
            raise ValueError(f"{m} {role}: an answerer picked no area; raise the shares")

    for row in rows:
        row["kommentar"] = None  # free-text answers were not published
    return rows


# --------------------------------------------------------------------------------------------
# The three sheets.
# --------------------------------------------------------------------------------------------

CODEBOOK_COLUMNS = ["column", "kind", "question", "label", "section", "subsection", "measure",
                    "measure_label", "scale", "dont_know", "order", "question_en", "label_en",
                    "section_en", "subsection_en", "measure_label_en", "scale_en"]


def build_codebook(options: list[dict]) -> list[dict]:
    def row(**kw):
        return {c: kw.get(c) for c in CODEBOOK_COLUMNS}

    def item_row(item: Item, order: int):
        return row(column=item.column, kind=item.kind, question=item.question, label=item.label,
                   section=item.section, subsection=item.subsection, measure=item.measure,
                   measure_label=MEASURE_LABEL[item.measure], scale=SEP.join(item.scale),
                   dont_know=DONT_KNOW, order=order, question_en=item.question_en, label_en=item.label_en,
                   section_en=SECTION_EN[item.section], subsection_en=SUBSECTION_EN[item.subsection],
                   measure_label_en=MEASURE_LABEL_EN[item.measure], scale_en=SEP.join(item.scale_en))

    rows = [
        row(column="respondent_id", kind="id", question="Respondent", label="Respondent",
            question_en="Respondent", label_en="Respondent"),
        row(column="kommune", kind="breakdown", question="Kommune", label="Kommune",
            scale=SEP.join(MUNICIPALITIES), question_en="Municipality", label_en="Municipality",
            scale_en=SEP.join(MUNICIPALITIES)),  # place names are the same in English
        row(column="rolle", kind="breakdown", question="Rolle", label="Rolle",
            scale=SEP.join(ROLES), question_en="Role", label_en="Role", scale_en=SEP.join(ROLES_EN)),
    ]
    order = defaultdict(int)

    def next_order(section):
        order[section] += 1
        return order[section]

    for item in ITEMS_BEFORE:
        rows.append(item_row(item, next_order(item.section)))
    for opt in options:
        rows.append(row(column=opt["column"], kind="multi_select", question=MULTI_QUESTION,
                        label=opt["label"], section="mulighetsrom", subsection=MULTI_SUBSECTION,
                        measure="selected", measure_label=MEASURE_LABEL["selected"],
                        order=next_order("mulighetsrom"), question_en=MULTI_QUESTION_EN,
                        label_en=opt["label_en"], section_en=SECTION_EN["mulighetsrom"],
                        subsection_en=SUBSECTION_EN[MULTI_SUBSECTION], measure_label_en=MEASURE_LABEL_EN["selected"]))
    for item in ITEMS_AFTER:
        rows.append(item_row(item, next_order(item.section)))
    rows.append(row(column="kommentar", kind="text",
                    question="Har du andre kommentarer om det interkommunale samarbeidet?",
                    label="Kommentar", section="mulighetsrom", subsection="Kommentarer",
                    order=next_order("mulighetsrom"),
                    question_en="Any other comments on the inter-municipal cooperation?",
                    label_en="Comment", section_en=SECTION_EN["mulighetsrom"], subsection_en=SUBSECTION_EN["Kommentarer"]))
    return rows


def build_meta(cells: dict, invited: dict, targets: dict) -> list[tuple[str, object]]:
    # Plain words for a reader (issue 15): questions by their labels, roles in the reader's
    # language, no column names or file paths.
    role_en = dict(zip(ROLES, ROLES_EN))
    by_column = {item.column: item for item in ITEMS}

    def per_role(counts: dict, english: bool) -> str:
        return "; ".join(f"{role_en[role] if english else role}: " + ", ".join(f"{m} {counts[(m, role)]}" for m in MUNICIPALITIES)
                         for role in ROLES)

    def blanks(english: bool) -> str:
        return "; ".join(
            f"«{item.label_en if english else item.label}» {role_en[role] if english else role} "
            f"{GROUP_SIZE[role] - targets[(item.column, role)]['n']}"
            for item in ITEMS for role in ROLES if targets[(item.column, role)]["n"] < GROUP_SIZE[role])

    def ms_blank(english: bool) -> str:
        return ", ".join(f"{role_en[role] if english else role} {GROUP_SIZE[role] - targets[(MULTI_PREFIX, role)]['n']}"
                         for role in ROLES)

    digital, rules = by_column["gevinst_digitale_verktoy"], by_column["utfordring_regelverk"]
    meta: list[tuple[str, object]] = [
        ("title", "Interkommunalt samarbeid i Indre Namdal – spørreundersøkelse 2022"),
        ("title_en", "Inter-municipal cooperation in Indre Namdal – survey 2022"),
        ("year", 2022),
        ("invited", INVITED_TOTAL),
        ("region", "Indre Namdal"),
        ("reconstructed", "true"),
        ("provenance",
         "De enkelte svarene i undersøkelsen fra 2022 blant administrative og politiske ledere i Grong, "
         "Lierne, Namsskogan og Røyrvik er aldri publisert. Rapporten (april 2022, for "
         "Statsforvalteren i Trøndelag) oppgir 22 prosenttall, hvor mange som ble invitert (126) og "
         "hvor mange som svarte (93: 55 Administrasjon, 38 Folkevalgte), og noen kvalitative funn. "
         "Disse 93 svarene er rekonstruert (av et skript i dashboardets kildekode) slik at alle de "
         "22 publiserte tallene gjenskapes nøyaktig (andel av dem som "
         "svarte på spørsmålet, Vet ikke medregnet, ubesvarte holdt utenfor) og rapportens "
         "kvalitative utsagn stemmer. Alt annet – fordelingen på kommuner, de andre svarkategoriene, "
         "ubesvarte spørsmål, spørsmålene som ikke er publisert, svarene på flervalgsspørsmålet – "
         "er antakelser, listet opp nedenfor. Svarene må ikke brukes som ekte data."),
        ("provenance_en",
         "The individual answers to the 2022 survey of administrative and political leaders in Grong, "
         "Lierne, Namsskogan and Røyrvik were never published; the report (April 2022, for "
         "Statsforvalteren i Trøndelag) gives 22 percentages, the number invited (126) and answered "
         "(93: 55 administrative leaders, 38 elected politicians) and a few qualitative findings. These 93 "
         "answers were reconstructed (by a script in the dashboard's source code) so that all 22 "
         "published figures are reproduced exactly (share of those who answered the question, "
         "\"don't know\" included, blanks excluded) and the report's qualitative statements hold. "
         "Everything else - the municipality split, the other answer categories, blanks, the "
         "unpublished questions, the multi-select answers - is an assumption listed below. Do not use "
         "these answers as real data."),
    ]
    # (bokmål, English) – the English text goes in assumption_<n>_en, shown in the English interface.
    assumptions = [
        (f"Fordelingen av respondentene på kommuner (rapporten oppgir bare antall per rolle): {per_role(cells, False)}.",
         f"How the respondents split over the municipalities (the report gives only the totals per role): "
         f"{per_role(cells, True)}."),
        ("Svarkategoriene rapporten ikke oppgir, har antatte andeler. Det gjelder kategoriene som ikke "
         "inngår i hovedmålet for hvert spørsmål (for eksempel stor/svært stor grad), fordelingen "
         "mellom «I stor grad» og «I svært stor grad», og Vet ikke.",
         "The answer categories the report does not give have assumed shares: the categories outside "
         "each question's headline measure, the split between \"to a large extent\" and \"to a very "
         "large extent\", and \"don't know\"."),
        (f"Ubesvarte spørsmål (respondenten hoppet over spørsmålet) finnes bare der et publisert "
         f"tall krever en mindre nevner, pluss noen få på spørsmålene som ikke er publisert "
         f"({blanks(False)}). De er fordelt på kommunene etter antall respondenter, og uavhengig av "
         f"hverandre fra spørsmål til spørsmål.",
         f"Blanks (a question skipped) only where a published figure needs a smaller denominator, plus "
         f"a few on the questions that were not published ({blanks(True)}); spread over the "
         f"municipalities by their number of respondents, and independently from question to question."),
        ("Forskjellene mellom kommunene er antatt, og er bare justert slik at rapportens utsagn "
         "stemmer: Røyrvik ligger høyest på bortfall av arbeidsplasser både blant Administrasjon og "
         "Folkevalgte, og Røyrvik og Namsskogan ligger over Grong og Lierne på styring og kontroll. "
         "Alle andre spørsmål er fordelt jevnt etter antall respondenter.",
         "The differences between the municipalities are assumed, tuned only so that the report's "
         "statements hold: Røyrvik highest on loss of jobs among both administrative leaders and "
         "elected politicians; Røyrvik and Namsskogan above Grong and Lierne on governance and control. "
         "Every other question is spread evenly by the number of respondents."),
        (f"Spørsmålene som ikke er publisert, «{digital.label}» (nevnt som en gevinst av mange) "
         f"og «{rules.label}» (den tredje utfordringen, lavere enn de to andre), har antatte nivåer.",
         f"The questions that were not published, \"{digital.label_en}\" (named as a gain by many) and "
         f"\"{rules.label_en}\" (the third challenge, below the other two), have assumed levels."),
        ("Flervalgsspørsmålet om områder: svaralternativene er hentet fra områdene rapporten nevner. "
         "Andelene per kommune er antatt slik at topp fem i hver kommune inneholder Legetjeneste, "
         "Rus og psykiatri, Næringsutvikling og Administrative støttetjenester, og at Barnevern er "
         f"med i noen av dem. Hoppet over av {ms_blank(False)}.",
         "The multi-select question on areas: its options are the areas the report names; the shares "
         "per municipality are assumed so that each municipality's top five holds the doctor service, "
         "substance abuse and mental health, business development and administrative support, and "
         f"child welfare is in some. Skipped by {ms_blank(True)}."),
        ("Svarene er fordelt tilfeldig på respondentene innenfor hver kombinasjon av kommune og "
         "rolle, så sammenhenger mellom spørsmålene er ikke modellert.",
         "The answers are dealt to respondents at random within each municipality and role, so links "
         "between the questions are not modelled."),
        ("Fritekstsvarene ble ikke publisert; kommentarfeltet er tomt for alle.",
         "The free-text answers were not published; the comment field is blank for everyone."),
        (f"Hvordan de 126 inviterte fordeler seg på kommune og rolle, er antatt ({per_role(invited, False)}).",
         f"How the 126 invited split over municipality and role is assumed ({per_role(invited, True)})."),
    ]
    for i, (text_nb, text_en) in enumerate(assumptions, start=1):
        meta += [(f"assumption_{i}", text_nb), (f"assumption_{i}_en", text_en)]
    meta.append(("min_group_size", 5))
    meta += [(f"invited_{m}_{role}", invited[(m, role)]) for m in MUNICIPALITIES for role in ROLES]
    return meta


def response_columns(options: list[dict]) -> list[str]:
    return (["respondent_id", "kommune", "rolle"] + [i.column for i in ITEMS_BEFORE]
            + [o["column"] for o in options] + [i.column for i in ITEMS_AFTER] + ["kommentar"])


# --------------------------------------------------------------------------------------------
# Writing.
# --------------------------------------------------------------------------------------------


def write_workbook(path: Path, sheets: list[tuple[str, list[str], list[list]]]) -> None:
    """Write the sheets with openpyxl, then normalise the zip so reruns give identical bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, header, rows in sheets:
        ws = wb.create_sheet(name)
        ws.append(header)
        for r in rows:
            ws.append(r)
    wb.properties.creator = "scripts/reconstruct_survey.py"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    wb.properties.lastModifiedBy = None

    raw = io.BytesIO()
    # ExcelWriter directly: Workbook.save() would stamp "modified" with the current time.
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()

    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def build(out: Path) -> None:
    cells, invited = load_municipalities()
    targets = load_targets()
    options = load_multiselect()
    for item in ITEMS:
        for role in ROLES:
            if (item.column, role) not in targets:
                raise ValueError(f"{TARGETS_CSV.name}: no targets for {item.column} / {role}")

    rows = build_rows(cells, targets, options)
    columns = response_columns(options)
    codebook = build_codebook(options)
    meta = build_meta(cells, invited, targets)
    write_workbook(out, [
        ("responses", columns, [[r[c] for c in columns] for r in rows]),
        ("codebook", CODEBOOK_COLUMNS, [[r[c] for c in CODEBOOK_COLUMNS] for r in codebook]),
        ("meta", ["key", "value"], [list(kv) for kv in meta]),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"where to write the workbook (default: {DEFAULT_OUT.relative_to(REPO_ROOT)})")
    args = parser.parse_args(argv)
    build(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
