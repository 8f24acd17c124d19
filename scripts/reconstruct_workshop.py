"""Rebuild the bundled workshop workbook ``data/workshop_2022.xlsx`` from a small targets table.

Why this exists
---------------
At the workshop on 26 January 2022, 9 groups scored 13 cooperation areas on potential (1-10)
and feasibility (1-10). The report publishes the areas in their rank order (by the mean over
groups of potential x feasibility), the sector of each area, and that "all areas were
prioritised high"; it does not publish a single group score. To let the Prioriteringer page
show the matrix and the ranking, we *reconstruct* 9 x 13 group scores that reproduce the
published order exactly, with clear margins, and keep every area in the upper half of the
scales. Everything else is an assumption and is labelled as such in the workbook's ``meta``
sheet. This script is the only way the workbook is made.

What drives it
--------------
``workshop_targets.csv`` next to this script (edit it, not this code, to change an assumption):
one row per area in the published rank order with its sector (both facts, copied from the
report), the English names of the area and the sector (``area_en``, ``sector_en``: our
translation, for the dashboard's English view), and three assumptions: the target mean ``potential``, the target mean ``feasibility``
and a ``spread`` (how much the groups disagreed: the number of one-point moves between groups,
see step 2).

The algorithm (deterministic; nothing is resampled until it fits)
----------------------------------------------------------------
For each area and each of potential and feasibility:

1. The total over the 9 groups is the target mean x 9, rounded half up, so the mean is fixed
   by the table alone. It starts out split as evenly as integers allow (e.g. 76 = 8 x 4 + 9 x 5).
2. ``spread`` times, a seeded generator picks two groups and moves one point from the first to
   the second if both stay within 1-10. The total, and so the mean, never changes.
3. The values are dealt to Gruppe 1-9 by a seeded permutation.

The seed (``numpy.random.default_rng`` keyed by SEED, area and measure) therefore decides *which
group* gave which score and how potential and feasibility pair up within a group, never an
area's mean potential or mean feasibility. Because the mean of the products also depends on that
pairing, the script then checks the result and stops with a message naming the rows to edit if

* the ranking by mean(potential x feasibility) is not exactly the published order,
* two neighbouring areas are closer than ``MIN_GAP`` points (a near-tie would make the published
  order an accident of rounding), or
* an area's mean potential, mean feasibility or mean score is not in the upper half of its
  scale (> 5.5 on 1-10, > 50.5 on 1-100): "all areas were prioritised high".

The workbook is written with fixed document properties and zip timestamps, so a rerun gives the
same bytes (given the same openpyxl version).

Usage::

    python scripts/reconstruct_workshop.py [--out data/workshop_2022.xlsx]
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import zipfile
import zlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
from openpyxl import Workbook

SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parent
DEFAULT_OUT = REPO_ROOT / "data" / "workshop_2022.xlsx"
TARGETS_CSV = SCRIPT_DIR / "workshop_targets.csv"

#: Seed for every random draw (the workshop's date). Changing it changes which group gave which
#: score, never an area's mean potential or mean feasibility.
SEED = 20220126

#: Published facts about the workshop (report, section on the workshop).
GROUPS = [f"Gruppe {i}" for i in range(1, 10)]
SCALE = (1, 10)

#: Smallest allowed distance in mean score between neighbours in the ranking (points on the
#: 1-100 product scale). The displayed values have one decimal; 1.5 points is far from a tie.
MIN_GAP = 1.5

#: "Prioritised high": every mean above the midpoint of its scale.
HIGH_SCORE = (SCALE[0] * SCALE[0] + SCALE[1] * SCALE[1]) / 2  # 50.5 on 1-100
HIGH_MEAN = (SCALE[0] + SCALE[1]) / 2  # 5.5 on 1-10

#: Assumed order of the areas on the workshop's scoring sheet (not published): by sector, then
#: alphabetically. Kept apart from the rank so that the ranking cannot come from the list order.
SECTOR_ORDER = ["Helse og velferd", "Samfunnsutvikling og næring", "Administrasjon og digitalisering"]

FIXED_TIMESTAMP = (2022, 1, 26, 0, 0, 0)
FIXED_W3CDTF = "2022-01-26T00:00:00Z"


@dataclass(frozen=True)
class Target:
    """One row of ``workshop_targets.csv``."""

    rank: int
    area: str
    sector: str
    area_en: str
    sector_en: str
    potential: Decimal
    feasibility: Decimal
    spread: int


def load_targets(path: Path = TARGETS_CSV) -> list[Target]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    targets = [
        Target(int(r["rank"]), r["area"].strip(), r["sector"].strip(), r["area_en"].strip(), r["sector_en"].strip(),
               Decimal(r["potential"]), Decimal(r["feasibility"]), int(r["spread"]))
        for r in rows
    ]
    ranks = [t.rank for t in targets]
    if ranks != list(range(1, len(targets) + 1)):
        raise ValueError(f"{path.name}: ranks must be 1..{len(targets)} in order, found {ranks}")
    return targets


def rng_for(*keys: str) -> np.random.Generator:
    """A generator keyed by SEED and stable string keys (independent of processing order)."""
    return np.random.default_rng([SEED, *(zlib.crc32(k.encode("utf-8")) for k in keys)])


def group_values(mean: Decimal, spread: int, rng: np.random.Generator) -> list[int]:
    """Nine integer scores with the given mean (x 9, rounded half up), spread by point moves."""
    low, high = SCALE
    n = len(GROUPS)
    total = int((mean * n).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if not low * n <= total <= high * n:
        raise ValueError(f"mean {mean} is outside the scale {low}-{high}")
    values = [total // n + (1 if i < total % n else 0) for i in range(n)]
    for _ in range(spread):
        giver, taker = (int(i) for i in rng.choice(n, size=2, replace=False))
        if values[giver] > low and values[taker] < high:
            values[giver] -= 1
            values[taker] += 1
    return [values[i] for i in rng.permutation(n)]


def build_scores(targets: list[Target]) -> list[dict]:
    """One row per group x area: group, area, potential, feasibility."""
    by_area = {}
    for target in targets:
        by_area[target.area] = {
            measure: group_values(getattr(target, measure), target.spread, rng_for(target.area, measure))
            for measure in ("potential", "feasibility")
        }
    return [
        {"group": group, "area": area, "potential": values["potential"][g], "feasibility": values["feasibility"][g]}
        for g, group in enumerate(GROUPS)
        for area, values in by_area.items()
    ]


def summarise(scores: list[dict], targets: list[Target]) -> list[dict]:
    """Mean potential, feasibility and score per area (plain Python: independent of analysis/)."""
    out = []
    for target in targets:
        rows = [r for r in scores if r["area"] == target.area]
        out.append({
            "area": target.area,
            "rank": target.rank,
            "potential": sum(r["potential"] for r in rows) / len(rows),
            "feasibility": sum(r["feasibility"] for r in rows) / len(rows),
            "score": sum(r["potential"] * r["feasibility"] for r in rows) / len(rows),
        })
    return out


def check(summary: list[dict]) -> None:
    """Stop with a clear message unless the published order holds with margins, all high."""
    problems = []
    ranked = sorted(summary, key=lambda s: -s["score"])
    if [s["area"] for s in ranked] != [s["area"] for s in summary]:
        problems.append("ranking by mean score differs from the published order: "
                        + ", ".join(f"{s['rank']}" for s in ranked))
    for above, below in zip(summary, summary[1:]):
        if above["score"] - below["score"] < MIN_GAP:
            problems.append(f"ranks {above['rank']} and {below['rank']}: mean scores {above['score']:.2f} and "
                            f"{below['score']:.2f} are closer than {MIN_GAP}")
    for s in summary:
        if min(s["potential"], s["feasibility"]) <= HIGH_MEAN or s["score"] <= HIGH_SCORE:
            problems.append(f"rank {s['rank']}: means {s['potential']:.2f} x {s['feasibility']:.2f} "
                            f"(score {s['score']:.2f}) are not all in the upper half")
    if problems:
        raise ValueError(f"{TARGETS_CSV.name} does not give the published result; adjust its targets:\n  - "
                         + "\n  - ".join(problems))


def build_areas(targets: list[Target]) -> list[dict]:
    """The areas as listed on the (assumed) scoring sheet: by sector, then alphabetically."""
    def listed(target: Target):
        sector = SECTOR_ORDER.index(target.sector) if target.sector in SECTOR_ORDER else len(SECTOR_ORDER)
        return sector, target.area.casefold()

    return [{"area": t.area, "sector": t.sector, "area_en": t.area_en, "sector_en": t.sector_en, "order": i}
            for i, t in enumerate(sorted(targets, key=listed), start=1)]


def build_meta(targets: list[Target], summary: list[dict]) -> list[tuple[str, object]]:
    spreads = ", ".join(f"{t.rank}: {t.spread}" for t in targets)
    gap = min(a["score"] - b["score"] for a, b in zip(summary, summary[1:]))
    lowest = min(min(s["potential"], s["feasibility"]) for s in summary)
    nb_num = lambda x: f"{x:.1f}".replace(".", ",")  # noqa: E731 - bokmål decimal comma
    meta: list[tuple[str, object]] = [
        ("title", "Verksted om interkommunalt samarbeid i Indre Namdal – prioritering av samarbeidsområder"),
        ("title_en", "Workshop on inter-municipal cooperation in Indre Namdal – prioritising areas"),
        ("date", "2022-01-26"),
        ("year", 2022),
        ("region", "Indre Namdal"),
        ("groups", len(GROUPS)),
        ("areas", len(targets)),
        ("scale_min", SCALE[0]),
        ("scale_max", SCALE[1]),
        ("reconstructed", "true"),
        ("seed", SEED),
        ("provenance",
         "Gruppenes poeng fra verkstedet 26.1.2022 er aldri publisert. Rapporten (april 2022, for "
         "Statsforvalteren i Trøndelag) oppgir at 9 grupper ga 13 samarbeidsområder poeng for potensial "
         "(1–10) og gjennomførbarhet (1–10), at samlet poeng er potensial × gjennomførbarhet i snitt over "
         "gruppene, rekkefølgen områdene endte i, hvilken sektor hvert område hører til, og at alle "
         "områdene ble prioritert høyt. Disse 117 poengradene er rekonstruert av "
         "scripts/reconstruct_workshop.py ut fra scripts/workshop_targets.csv, slik at rangeringen etter "
         "snittet av potensial × gjennomførbarhet gjenskaper rapportens rekkefølge nøyaktig, med klar "
         "avstand mellom områdene, og slik at alle snitt ligger i øvre halvdel av skalaen. De enkelte "
         "poengene er antakelser, listet opp nedenfor. Radene må ikke brukes som ekte data."),
        ("provenance_en",
         "The groups' scores from the workshop on 26 January 2022 were never published. The report "
         "(April 2022, for Statsforvalteren i Trøndelag) states that 9 groups scored 13 cooperation areas "
         "on potential (1-10) and feasibility (1-10), that the overall score is potential x feasibility "
         "averaged over the groups, the order the areas came in, the sector of each area, and that all "
         "areas were prioritised high. These 117 score rows were reconstructed by "
         "scripts/reconstruct_workshop.py from scripts/workshop_targets.csv so that the ranking by mean "
         "potential x feasibility reproduces the report's order exactly, with clear margins, and every "
         "mean is in the upper half of its scale. The individual scores are assumptions, listed below. "
         "Do not use the rows as real data."),
    ]
    assumptions = [
        ("Snittet for potensial og for gjennomførbarhet per område er antatt (kolonnene potential og "
         "feasibility i scripts/workshop_targets.csv), valgt slik at rekkefølgen stemmer og områdene "
         "spres utover matrisen. Det er ikke publisert.",
         "The mean potential and mean feasibility per area are assumed (columns potential and feasibility "
         "in scripts/workshop_targets.csv), chosen so that the order holds and the areas spread across the "
         "matrix. They are not published."),
        (f"Hvor uenige gruppene var, er antatt (kolonnen spread: antall flyttinger av ett poeng mellom to "
         f"grupper; rang: antall = {spreads}). Hvilken gruppe som ga hvilket poeng, avgjøres av en fast "
         f"tilfeldig frø ({SEED}).",
         f"How much the groups disagreed is assumed (column spread: number of one-point moves between two "
         f"groups; rank: count = {spreads}). Which group gave which score is decided by a fixed seed "
         f"({SEED})."),
        (f"Nærmeste avstand mellom to naboer i rangeringen er {nb_num(gap)} poeng (minst {nb_num(MIN_GAP)}); "
         f"laveste snitt for potensial eller gjennomførbarhet er {nb_num(lowest)}.",
         f"The closest distance between two neighbours in the ranking is {gap:.1f} points (at least "
         f"{MIN_GAP}); the lowest mean potential or feasibility is {lowest:.1f}."),
        ("Gruppene heter Gruppe 1–9; rapporten oppgir ikke hvem som satt i hvilken gruppe. Alle gruppene "
         "ga poeng til alle områdene.",
         "The groups are called Gruppe 1-9; the report does not say who sat in which group. Every group "
         "scored every area."),
        ("Rekkefølgen områdene står i på arket areas (kolonnen order: etter sektor, så alfabetisk) er antatt "
         "rekkefølge på verkstedets poengskjema, ikke rangeringen.",
         "The order of the areas sheet (column order: by sector, then alphabetical) is the assumed order of "
         "the workshop's scoring sheet, not the ranking."),
        ("De engelske navnene på områdene og sektorene (kolonnene area_en og sector_en) er vår oversettelse; "
         "rapporten er på norsk.",
         "The English names of the areas and sectors (columns area_en and sector_en) are our translation; "
         "the report is in Norwegian."),
    ]
    for i, (text_nb, text_en) in enumerate(assumptions, start=1):
        meta += [(f"assumption_{i}", text_nb), (f"assumption_{i}_en", text_en)]
    return meta


def workbook_bytes(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """The workbook as bytes that do not depend on when or where it was written."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, header, rows in sheets:
        ws = wb.create_sheet(name)
        ws.append(header)
        for row in rows:
            ws.append(row)
    wb.properties.creator = "scripts/reconstruct_workshop.py"
    raw = io.BytesIO()
    wb.save(raw)
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps created/modified with "now"
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + FIXED_W3CDTF.encode(), data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return stable.getvalue()


def build(out: Path) -> list[dict]:
    targets = load_targets()
    scores = build_scores(targets)
    summary = summarise(scores, targets)
    check(summary)
    areas = build_areas(targets)
    meta = build_meta(targets, summary)
    data = workbook_bytes([
        ("scores", ["group", "area", "potential", "feasibility"],
         [[r["group"], r["area"], r["potential"], r["feasibility"]] for r in scores]),
        ("areas", ["area", "sector", "area_en", "sector_en", "order"],
         [[a["area"], a["sector"], a["area_en"], a["sector_en"], a["order"]] for a in areas]),
        ("meta", ["key", "value"], [list(kv) for kv in meta]),
    ])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"where to write the workbook (default: {DEFAULT_OUT.relative_to(REPO_ROOT)})")
    parser.add_argument("--verbose", action="store_true", help="print the realised means per area")
    args = parser.parse_args(argv)
    try:
        summary = build(args.out)
    except ValueError as err:
        print(f"reconstruct_workshop: {err}", file=sys.stderr)
        return 1
    if args.verbose:
        for s in summary:
            print(f"{s['rank']:>2}  {s['potential']:5.2f} x {s['feasibility']:5.2f}  score {s['score']:6.2f}  {s['area']}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
