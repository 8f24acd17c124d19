"""Workshop priorities: groups score areas on potential and feasibility (1–10 each).

The 2022 workshop had 9 groups score 13 cooperation areas; an area's overall score is the
mean over groups of potential × feasibility, shown as a ranked list and as a 2×2 matrix
(feasibility across, potential up). This module holds everything computed from such scores,
for the bundled workbook and for live sessions alike (`workshop.store` hands its
scores to the same functions), so the page, the presenter view and the CLI show one ranking.

Scores are checked by one function, `score_problem`, wherever they come from (a workbook
cell, a form, the store), so "7.0" from Excel is 7 everywhere and "3.5" is refused everywhere.
No Streamlit in here.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.i18n import t
from analysis.load import Source, _frame_with_header, cell_text, source_name, spreadsheet_row
from analysis.intake import read_workbook
from analysis.problems import Problem, SurveyError
from analysis import settings

BUNDLED_WORKSHOP = Path(__file__).resolve().parent.parent / "data" / "workshop_2022.xlsx"

SCORE_MIN = 1
SCORE_MAX = 10
MEASURES = ("potential", "feasibility")
SCORE_COLUMNS = ("group", "area", *MEASURES)
#: An area's names: `area` (bokmål, the key scores refer to), its `sector`, and optionally the
#: English names `area_en` and `sector_en` (blank: shown in bokmål in English too).
AREA_COLUMNS = ("area", "sector", "area_en", "sector_en")

#: Quadrant keys: feasibility (easy/hard) first, then potential (high/low). Labels live in the
#: string catalogue under `workshop.quadrant.<key>`.
QUADRANTS = ("easy_high", "hard_high", "easy_low", "hard_low")

#: Where the quadrant lines go. "mean": at the mean over areas of their mean feasibility and
#: mean potential (relative: which areas stand out against the others — the useful picture
#: when, as in 2022, every area was prioritised high); "scale": at the scale midpoint 5.5
#: (absolute: high or low on the 1–10 scale).
SPLITS = ("mean", "scale")

RANKING_COLUMNS = [
    "rank", "area", "sector", "area_en", "sector_en", "mean_potential", "mean_feasibility", "mean_score",
    "sd_score", "min_score", "max_score", "min_potential", "max_potential",
    "min_feasibility", "max_feasibility", "groups", "order",
]


# ---------------------------------------------------------------------------------------------
# One score
# ---------------------------------------------------------------------------------------------


def score_problem(value: Any) -> tuple[int | None, str | None]:
    """Check one score: `(the integer, None)` if valid, else `(None, problem code)`.

    Accepted: an integer 1–10, an integral float (spreadsheets store 7 as 7.0) and digit
    text ("7", from CSV or a text cell). Refused: blank (`score_missing`), booleans, 3.5 and
    words (`score_not_integer`), 0 and 11 (`score_out_of_range`). Booleans are refused
    although Python counts them as integers: a tick box is not a score.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None, "score_missing"
    if isinstance(value, (bool, np.bool_)):
        return None, "score_not_integer"
    number: int | None = None
    if isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        number = int(value) if float(value).is_integer() else None
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None, "score_missing"
        if text.lstrip("+-").isdigit() and text.isascii():
            number = int(text)
    if number is None:
        return None, "score_not_integer"
    if not SCORE_MIN <= number <= SCORE_MAX:
        return None, "score_out_of_range"
    return number, None


def check_scores(entries: Iterable[tuple[str, str, Any]]) -> tuple[list[tuple[str, str, int]], list[Problem]]:
    """Check `(area, measure, value)` triples from a form or an API call.

    Returns the valid triples as integers and one `Problem` per invalid value (with the area
    and the measure in its parameters, so the message can say exactly which field is wrong).
    Callers store nothing unless the problem list is empty.
    """
    valid: list[tuple[str, str, int]] = []
    problems: list[Problem] = []
    for area, measure, value in entries:
        number, code = score_problem(value)
        if code:
            problems.append(Problem(code, value=value, params={"area": area, "measure": measure,
                                                              "low": SCORE_MIN, "high": SCORE_MAX}))
        else:
            valid.append((area, measure, number))
    return valid, problems


def describe_score_problem(problem: Problem, language: str = "nb") -> str:
    """`Rus og psykiatri – potensial: «3.5» er ikke et helt tall` — a form-field message."""
    measure = problem.params.get("measure")
    label = t(f"workshop.measure.{measure}", language) if measure in MEASURES else (measure or "")
    area = problem.params.get("area") or ""
    where = " – ".join(part for part in (area, label.lower() if label else "") if part)
    return f"{where}: {problem.message(language)}" if where else problem.message(language)


# ---------------------------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workshop:
    """Scores of one workshop: one row per group × area, plus the areas and metadata.

    `scores` has `group`, `area`, `potential`, `feasibility` (integers 1–10); `areas` has
    `area`, `sector`, `order` (the order the areas were listed in, not their rank).
    """

    scores: pd.DataFrame
    areas: pd.DataFrame
    meta: dict[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def reconstructed(self) -> bool:
        return str(self.meta.get("reconstructed", "")).strip().lower() in ("true", "1", "ja", "yes")

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(self.scores["group"].tolist()))

    def text(self, key: str, language: str = "nb") -> str:
        """A meta text in the chosen language (`key_en` for English, falling back to `key`)."""
        if language != "nb" and self.meta.get(f"{key}_{language}"):
            return self.meta[f"{key}_{language}"]
        return self.meta.get(key, "")

    def assumptions(self, language: str = "nb") -> list[str]:
        """The `assumption_<n>` meta entries in order, in the chosen language."""
        numbers_ = sorted(
            int(k.split("_")[1]) for k in self.meta if k.startswith("assumption_") and k.split("_")[1].isdigit()
            and k.count("_") == 1
        )
        return [self.text(f"assumption_{n}", language) for n in numbers_]

    def ranking(self) -> pd.DataFrame:
        return ranking_table(self.scores, self.areas)


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    """Lower-cased, stripped header → the frame's own column name."""
    return {str(c).strip().lower(): c for c in frame.columns}


def _read_areas(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    columns = _columns(frame)
    if "area" not in columns:
        return pd.DataFrame(columns=[*AREA_COLUMNS, "order"]), [
            Problem("workshop_missing_column", sheet="areas", params={"expected": "area"})]
    rows = []
    seen: dict[str, int] = {}
    for position, record in enumerate(frame.to_dict("records")):
        row_no = spreadsheet_row(position)
        area = cell_text(record[columns["area"]])
        sector = cell_text(record[columns["sector"]]) if "sector" in columns else None
        raw_order = cell_text(record[columns["order"]]) if "order" in columns else None
        english = {name: (cell_text(record[columns[name]]) or "").strip() if name in columns else ""
                   for name in ("area_en", "sector_en")}
        if area is None:
            if sector is not None or raw_order is not None:
                problems.append(Problem("workshop_blank_area", sheet="areas", row=row_no, column="area"))
            continue
        area = area.strip()
        if area in seen:
            problems.append(Problem("workshop_duplicate_area", sheet="areas", row=row_no, column="area", value=area,
                                    params={"other_row": seen[area]}))
            continue
        seen[area] = row_no
        order: float = float(position + 1)
        if raw_order is not None:
            try:
                order = float(raw_order)
            except ValueError:
                problems.append(Problem("workshop_bad_order", sheet="areas", row=row_no, column="order", value=raw_order))
        rows.append({"area": area, "sector": (sector or "").strip(), **english, "order": order})
    if not rows and not problems:
        problems.append(Problem("workshop_no_areas", sheet="areas"))
    areas = pd.DataFrame(rows, columns=[*AREA_COLUMNS, "order"])
    return areas, problems


def _read_scores(frame: pd.DataFrame, known_areas: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    columns = _columns(frame)
    missing = [c for c in SCORE_COLUMNS if c not in columns]
    if missing:
        return pd.DataFrame(columns=list(SCORE_COLUMNS)), [
            Problem("workshop_missing_column", sheet="scores", params={"expected": c}) for c in missing]
    known = set(known_areas)
    rows = []
    seen: dict[tuple[str, str], int] = {}
    for position, record in enumerate(frame.to_dict("records")):
        row_no = spreadsheet_row(position)
        group = cell_text(record[columns["group"]])
        area = cell_text(record[columns["area"]])
        raw = {m: record[columns[m]] for m in MEASURES}
        if all(cell_text(v) is None for v in raw.values()):
            continue  # a group that did not score this area: allowed, and not a score
        row_problems = []
        if group is None:
            row_problems.append(Problem("workshop_blank_group", sheet="scores", row=row_no, column="group"))
        if area is None:
            row_problems.append(Problem("workshop_blank_area", sheet="scores", row=row_no, column="area"))
        elif area.strip() not in known and known:
            close = difflib.get_close_matches(area.strip(), known_areas, n=1, cutoff=0.6)
            row_problems.append(Problem("workshop_unknown_area_suggest" if close else "workshop_unknown_area",
                                        sheet="scores", row=row_no, column="area", value=area,
                                        params={"suggestion": close[0] if close else None}))
        values = {}
        for measure in MEASURES:
            number, code = score_problem(raw[measure])
            if code:
                shown = str(raw[measure]) if isinstance(raw[measure], (bool, np.bool_)) else cell_text(raw[measure])
                row_problems.append(Problem(code, sheet="scores", row=row_no, column=measure,
                                            value=shown, params={"low": SCORE_MIN, "high": SCORE_MAX}))
            values[measure] = number
        if group is not None and area is not None:
            key = (group.strip(), area.strip())
            if key in seen:
                row_problems.append(Problem("workshop_duplicate_score", sheet="scores", row=row_no, column="area",
                                            value=area, params={"group": key[0], "other_row": seen[key]}))
            else:
                seen[key] = row_no
        problems += row_problems
        if not row_problems:
            rows.append({"group": group.strip(), "area": area.strip(), **values})
    scores = pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
    for measure in MEASURES:
        scores[measure] = scores[measure].astype("int64")
    if scores.empty and not problems:
        problems.append(Problem("workshop_no_scores", sheet="scores"))
    return scores, problems


def _read_meta(frame: pd.DataFrame | None) -> tuple[dict[str, str], list[Problem]]:
    if frame is None:
        return {}, []
    columns = _columns(frame)
    if frame.empty:
        return {}, []
    if "key" not in columns or "value" not in columns:
        return {}, [Problem("meta_not_key_value", sheet="meta")]
    meta = {}
    for key, value in zip(frame[columns["key"]], frame[columns["value"]]):
        key_text = cell_text(key)
        if key_text:
            meta[key_text.strip()] = cell_text(value) or ""
    return meta, []


def validate_workshop(source: Source, name: str | None = None) -> tuple[Workshop | None, list[Problem]]:
    """Check a workshop workbook; return the workshop (None on errors) and every problem found.

    Sheets: `scores` (group, area, potential, feasibility), `areas` (area, sector, optional
    order) and optionally `meta` (key, value). Problems carry sheet, spreadsheet row and
    column, like the survey loader's, so a facilitator can fix a file in one pass.
    """
    label = source_name(source, name)
    workbook, read_problems = read_workbook(source, ("scores", "areas"), ("meta",), name)
    if workbook is None or any(p.severity == "error" for p in read_problems):
        return None, read_problems
    lowered = workbook.sheets
    problems: list[Problem] = list(read_problems)
    for sheet, cells in workbook.formulas.items():
        for row, _column, formula in cells:
            problems.append(Problem("formula_cell", sheet=sheet, row=row, value=formula[:80]))
    areas, area_problems = _read_areas(_frame_with_header(lowered["areas"]))
    scores, score_problems = _read_scores(_frame_with_header(lowered["scores"]), areas["area"].tolist())
    meta, meta_problems = _read_meta(_frame_with_header(lowered["meta"]) if "meta" in lowered else None)
    problems += area_problems + score_problems + meta_problems
    scored = set(scores["area"])
    for position, area in enumerate(areas["area"]):
        if area not in scored and not score_problems:
            problems.append(Problem("workshop_area_unscored", severity="warning", sheet="areas",
                                    row=spreadsheet_row(position), column="area", value=area))
    if any(p.severity == "error" for p in problems):
        return None, problems
    for column, source_column in (("area_en", "area"), ("sector_en", "sector")):
        missing = [position for position, (name, english) in enumerate(zip(areas[source_column], areas[column]))
                   if name and not english]
        if missing:
            problems.append(Problem("missing_english", severity="warning", sheet="areas", row=spreadsheet_row(missing[0]),
                                    column=column, value=areas[source_column].iloc[missing[0]],
                                    params={"count": len(missing)}))
    return Workshop(scores=scores, areas=areas, meta=meta, source=label), problems


def load_workshop(source: Source = BUNDLED_WORKSHOP, name: str | None = None) -> Workshop:
    """Load a workshop workbook; raise `SurveyError` listing every problem if it has errors."""
    workshop, problems = validate_workshop(source, name)
    if workshop is None:
        raise SurveyError(problems, source_name(source, name))
    return workshop


def bundled_workshop_path() -> Path:
    """The bundled workbook, or another one named by `WORKSHOP_WORKBOOK` (for a new round)."""
    return Path(settings.value("WORKSHOP_WORKBOOK")) if settings.is_set("WORKSHOP_WORKBOOK") else BUNDLED_WORKSHOP


# ---------------------------------------------------------------------------------------------
# Ranking and quadrants
# ---------------------------------------------------------------------------------------------


def areas_frame(areas: Iterable[Sequence[str]] | pd.DataFrame) -> pd.DataFrame:
    """Areas as a frame with `AREA_COLUMNS` and `order` (order = position when not given).

    From a frame, or from tuples `(area, sector[, area_en, sector_en])`; missing names are blank.
    """
    if isinstance(areas, pd.DataFrame):
        frame = areas.copy()
        if "order" not in frame:
            frame["order"] = range(1, len(frame) + 1)
        for column in AREA_COLUMNS[1:]:
            if column not in frame:
                frame[column] = ""
            frame[column] = frame[column].fillna("").astype(str)
        return frame[[*AREA_COLUMNS, "order"]].reset_index(drop=True)
    rows = []
    for i, entry in enumerate(areas, start=1):
        names = [str(value or "") for value in (tuple(entry) + ("", "", ""))[:4]]
        rows.append({**dict(zip(AREA_COLUMNS, names)), "order": i})
    return pd.DataFrame(rows, columns=[*AREA_COLUMNS, "order"])


def ranking_table(scores: pd.DataFrame, areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per area, best first: the ranking the workshop reported.

    `mean_score` is the mean over groups of each group's potential × feasibility (not the
    product of the two means: a group that rates an area 10 × 2 says something else than one
    that rates it 5 × 4, and the report averaged the products). `sd_score` (sample standard
    deviation over groups), `min_score` and `max_score` show how much the groups agreed;
    `groups` is how many groups scored the area. Equal mean scores share a rank; areas no
    group has scored yet (a live session) come last with `groups` 0 and no rank.
    """
    if areas is None:
        areas = areas_frame([(a,) for a in dict.fromkeys(scores["area"].tolist())])
    areas = areas_frame(areas)
    frame = scores[["group", "area", *MEASURES]].copy()
    for measure in MEASURES:
        frame[measure] = frame[measure].astype("float64")
    frame["score"] = frame["potential"] * frame["feasibility"]
    stats = frame.groupby("area", sort=False).agg(
        mean_potential=("potential", "mean"),
        mean_feasibility=("feasibility", "mean"),
        mean_score=("score", "mean"),
        sd_score=("score", "std"),
        min_score=("score", "min"),
        max_score=("score", "max"),
        min_potential=("potential", "min"),
        max_potential=("potential", "max"),
        min_feasibility=("feasibility", "min"),
        max_feasibility=("feasibility", "max"),
        groups=("group", "nunique"),
    )
    table = areas.merge(stats, left_on="area", right_index=True, how="left")
    table["groups"] = table["groups"].fillna(0).astype("int64")
    table["rank"] = table["mean_score"].rank(method="min", ascending=False).astype("Int64")
    table = table.sort_values(["mean_score", "order"], ascending=[False, True], na_position="last", kind="stable")
    return table[RANKING_COLUMNS].reset_index(drop=True)


def quadrant_split(table: pd.DataFrame, split: str = "mean") -> tuple[float, float]:
    """Where the quadrant lines go: `(feasibility x, potential y)`; see `SPLITS`."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    midpoint = (SCORE_MIN + SCORE_MAX) / 2
    scored = table[table["groups"] > 0]
    if split == "scale" or scored.empty:
        return midpoint, midpoint
    return float(scored["mean_feasibility"].mean()), float(scored["mean_potential"].mean())


def quadrant_key(feasibility: float, potential: float, x: float, y: float) -> str:
    """The quadrant of one point; a point on a line counts as easy / high."""
    return ("easy" if feasibility >= x else "hard") + "_" + ("high" if potential >= y else "low")


def classify_quadrants(table: pd.DataFrame, split: str = "mean", language: str = "nb") -> pd.DataFrame:
    """The ranking table with `quadrant` (a key of `QUADRANTS`) and `quadrant_label` added.

    Areas without scores get neither. The split used is in `table.attrs["split"]`.
    """
    x, y = quadrant_split(table, split)
    out = table.copy()
    keys = [
        quadrant_key(f, p, x, y) if g > 0 else None
        for f, p, g in zip(out["mean_feasibility"], out["mean_potential"], out["groups"])
    ]
    out["quadrant"] = keys
    out["quadrant_label"] = [quadrant_label(k, language) if k else "" for k in keys]
    out.attrs["split"] = (x, y)
    return out


def quadrant_label(key: str, language: str = "nb") -> str:
    """The Norwegian (or English) name of a quadrant, e.g. «Lett å gjennomføre og høyt potensial»."""
    return t(f"workshop.quadrant.{key}", language)


# ---------------------------------------------------------------------------------------------
# Names and ranks as shown
# ---------------------------------------------------------------------------------------------

_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


def short_name(name: str) -> str:
    """An area's name without a trailing note in brackets, for a list read from a distance:
    «Legetjenesten (inkl. fastleger og kommuneoverlege)» → «Legetjenesten»."""
    short = _TRAILING_NOTE.sub("", str(name or "")).strip()
    return short or str(name or "")


def localised(table: pd.DataFrame, language: str = "nb") -> pd.DataFrame:
    """A ranking (or areas) table with what a reader sees added: `label` (the area's name in
    `language`, falling back to bokmål where no English name is given), `short` (the same
    without a trailing note in brackets) and `sector_label`."""
    out = table.copy()
    def pick(column: str) -> list[str]:
        own = out[column].fillna("").astype(str).tolist()
        english = out.get(f"{column}_en")
        if language == "nb" or english is None:
            return own
        return [en.strip() or nb for nb, en in zip(own, english.fillna("").astype(str))]

    out["label"] = pick("area")
    out["short"] = [short_name(name) for name in out["label"]]
    out["sector_label"] = pick("sector")
    return out


def rank_labels(ranks: Iterable[Any]) -> list[str]:
    """Ranks as a room reads them: «7=» for a rank two or more areas share, «» for none."""
    values = [None if r is None or pd.isna(r) else int(r) for r in ranks]
    counts = pd.Series([v for v in values if v is not None], dtype="int64").value_counts().to_dict()
    return ["" if v is None else f"{v}=" if counts.get(v, 0) > 1 else str(v) for v in values]
