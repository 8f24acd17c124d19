"""An attacker who reads everything the product prints about a survey and solves for the hidden
groups — written without `analysis.protect` or `analysis.audit`, so it checks them from outside.

It runs the command line (in process, the code path of `python -m analysis`): `summary` for
every combination of breakdowns and both denominators as CSV, `compare` for both families and
both denominators as CSV, and `deck --display distribution` for everyone and for each
municipality, both denominators, reading the speaker notes with python-pptx (the pictures are
stubbed: the numbers are in the notes). Every shown number becomes a linear equation over the
unknown counts x[item, cell, answer] (cell = every breakdown crossed); the attacker also knows
every cell's number of respondents, that counts are whole and non-negative, and that a
multi-select question's blank count is the same for each of its options.

For every count of every hidden cell (each answer, "Vet ikke", blank, k, n on both bases,
n − k on both bases) it solves integer programs for the smallest and largest value. The rule
(docs/statistics.md, "Small groups"): none may be pinned to one value, unless the published
zeros (a shown group of two or more cells whose own numbers say a count is 0) and the group
sizes pin it as well — what is said about a whole shown group holds for each member. A
multi-select question's blank count gets no exception: the attacker links its options by it
and solves for the blank of every hidden cell like any other count.

Surveys: (a) the bundled one at thresholds 5, 10 and 20; (b) 7 municipalities × 2 roles with
elected cells of 3, 2, 2 and 1; (c) two rounds of 4 × 2 cells; (d) random surveys (hypothesis)
with 2–10 groups per breakdown, read through the public functions the command line prints
from. A positive control shows the attacker does find what a weaker protection leaves open.
"""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from itertools import combinations, product
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pptx import Presentation
from scipy.optimize import Bounds, LinearConstraint, milp

from cli.main import main
from analysis.load import BUNDLED_WORKBOOK
from scripts import cell_surveys
from deck_support import fake_png

BLANK = "(blank)"
BLANK_WORDS = {"Ubesvart": BLANK, "Valgt": "1", "Ikke valgt": "0"}


# --- what the attacker knows about the survey's shape ------------------------------------------------


class Universe:
    """Cells, group sizes and every item's answer categories, read from the workbook with
    pandas (the group sizes stand for the published ones). `truth` is used only to check the
    attacker's equations and as one known solution."""

    def __init__(self, path: Path):
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
        codebook = sheets["codebook"]
        responses = sheets["responses"]
        self.meta = dict(zip(sheets["meta"]["key"], sheets["meta"]["value"]))
        rows = codebook.to_dict("records")
        self.breakdowns = [r["column"] for r in rows if r["kind"] == "breakdown"]
        self.values = {r["column"]: [v.strip() for v in str(r["scale"]).split("|")] for r in rows if r["kind"] == "breakdown"}
        frame = responses.copy()
        for column in self.breakdowns:
            frame[column] = frame[column].astype(str)
        sizes = frame.groupby(self.breakdowns).size()
        self.cells = [cell if isinstance(cell, tuple) else (cell,) for cell in sizes.index]
        self.size = {cell: int(n) for cell, n in zip(self.cells, sizes.to_numpy())}
        self.items: dict[str, dict] = {}
        for r in rows:
            if r["kind"] not in ("likert", "yes_no", "multi_select"):
                continue
            if r["kind"] == "multi_select":
                scale, dont_know, measure = ["0", "1"], None, ["1"]
            else:
                scale = [v.strip() for v in str(r["scale"]).split("|")]
                dont_know = r.get("dont_know") if isinstance(r.get("dont_know"), str) else None
                substantive = [c for c in scale if c != dont_know]
                measure = {"top2": substantive[-2:], "bottom2": substantive[:2], "yes": substantive[-1:]}[r["measure"].strip()]
            self.items[r["column"]] = {"kind": r["kind"], "question": r["question"], "label": r["label"],
                                       "categories": [*scale, BLANK], "dont_know": dont_know, "measure": measure}
        self.truth = {}
        for item, spec in self.items.items():
            counts = np.zeros((len(self.cells), len(spec["categories"])), dtype=np.int64)
            answers = frame[item].map(lambda v: BLANK if pd.isna(v) else str(int(v)) if isinstance(v, (int, float)) else str(v))
            keys = list(frame[self.breakdowns].itertuples(index=False, name=None))
            for key, answer in zip(keys, answers):
                counts[self.cells.index(tuple(key)), spec["categories"].index(answer)] += 1
            self.truth[item] = counts
        self.questions = {}
        for item, spec in self.items.items():
            if spec["kind"] == "multi_select":
                self.questions.setdefault(spec["question"], []).append(item)

    def members(self, **values) -> frozenset[int]:
        """Cells whose breakdown values match (a value, a list of values, or ("not", value))."""
        chosen = []
        for i, cell in enumerate(self.cells):
            ok = True
            for column, wanted in values.items():
                value = cell[self.breakdowns.index(column)]
                if isinstance(wanted, tuple) and wanted and wanted[0] == "not":
                    ok &= value != wanted[1]
                elif isinstance(wanted, (list, set, frozenset)):
                    ok &= value in wanted
                else:
                    ok &= value == wanted
            if ok:
                chosen.append(i)
        return frozenset(chosen)

    def base(self, item: str, denominator: str) -> list[str]:
        spec = self.items[item]
        answered = [c for c in spec["categories"] if c != BLANK]
        return answered if denominator == "report" else [c for c in answered if c != spec["dont_know"]]

    def quantities(self, item: str) -> dict[str, list[str]]:
        spec = self.items[item]
        answered = [c for c in spec["categories"] if c != BLANK]
        substantive = [c for c in answered if c != spec["dont_know"]]
        found = {f"count {c}": [c] for c in spec["categories"]}
        found.update({"k": spec["measure"], "n": answered, "n substantive": substantive,
                      "n - k": [c for c in answered if c not in spec["measure"]],
                      "n substantive - k": [c for c in substantive if c not in spec["measure"]]})
        return found


class Publication:
    """Every number read, as equations: (item, cells, categories, value); and the hidden cells
    (from the finest table) per item."""

    def __init__(self, universe: Universe):
        self.universe = universe
        self.equations: list[tuple[str, frozenset[int], tuple[str, ...], int]] = []
        self.hidden: dict[str, set[int]] = {}

    def add(self, item: str, cells, categories, value) -> None:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return
        cells = frozenset(cells)
        if cells:
            self.equations.append((item, cells, tuple(categories), int(value)))

    # readers of each output ------------------------------------------------------------------

    def headline_rows(self, frame: pd.DataFrame, by: list[str], denominator: str, rest_of: dict | None = None) -> None:
        u = self.universe
        for row in frame.to_dict("records"):
            item = row["item_id"]
            values = {}
            for column in by:
                value = str(row[column])
                values[column] = value if value in u.values[column] else ("not", rest_of[column])
            cells = u.members(**values)
            if str(row["suppressed"]).lower() == "true":
                if len(by) == len(u.breakdowns) and len(cells) == 1:
                    self.hidden.setdefault(item, set()).update(cells)
                continue
            spec = u.items[item]
            self.add(item, cells, spec["measure"], row["k"])
            self.add(item, cells, u.base(item, denominator), row["n"])
            self.add(item, cells, [BLANK], row["blank"])
            if spec["dont_know"]:
                self.add(item, cells, [spec["dont_know"]], row["dont_know"])
            elif not pd.isna(row["dont_know"]):
                assert int(row["dont_know"]) == 0

    def distribution_rows(self, frame: pd.DataFrame, by: list[str], selection: dict) -> None:
        u = self.universe
        for row in frame.to_dict("records"):
            if bool(row["suppressed"]):
                continue
            cells = u.members(**selection, **{c: str(row[c]) for c in by})
            self.add(row["item_id"], cells, [row["category"]], row["count"])

    def compare_rows(self, frame: pd.DataFrame, denominator: str) -> None:
        u = self.universe
        for row in frame.to_dict("records"):
            if str(row["suppressed"]).lower() == "true":
                continue
            column = "rolle" if row["family"] == "role" else "kommune"
            for side in ("a", "b"):
                label = str(row[f"group_{side}"])
                wanted = label if label in u.values[column] else ("not", str(row["group_a"]))
                cells = u.members(**{column: wanted})
                spec = u.items[row["item_id"]]
                self.add(row["item_id"], cells, u.base(row["item_id"], denominator), row[f"n_{side}"])
                self.add(row["item_id"], cells, spec["measure"], row[f"k_{side}"])

    def deck_notes(self, notes: list[str], denominator: str, municipality: str | None) -> None:
        """Speaker notes of a `deck --display distribution`: per slide the title (the question),
        then after "Tallene:" one line per shown or hidden number."""
        u = self.universe
        unit, group = u.breakdowns[0], u.breakdowns[1]
        selection = {unit: municipality} if municipality else {}
        by_question = {spec["question"]: item for item, spec in u.items.items() if spec["kind"] != "multi_select"}
        for text in notes:
            lines = text.splitlines()
            title = lines[0]
            numbers = lines[lines.index("Tallene:") + 1:]
            numbers = numbers[: numbers.index("")] if "" in numbers else numbers
            options = {u.items[i]["label"]: i for i in u.questions.get(title, [])}
            current_unit = None
            for line in numbers:
                labels, _, rest = line.partition(": ")
                parts = labels.split(" · ")
                if labels == u.breakdowns[0].capitalize() or (options and len(parts) == 1 and parts[0] not in options):
                    current_unit = rest  # "Kommune: Grong" heads the top options of one unit
                    continue
                fields = dict((name, value) for name, value in _fields(rest))
                if not fields:
                    continue  # a hidden group: a note, no number
                if options:
                    option = options[parts[0]]
                    where = dict(selection)
                    if len(parts) == 2:
                        where[group] = parts[1]
                    else:
                        where[unit] = current_unit
                    cells = u.members(**where)
                    self.add(option, cells, ["1"], fields["Antall som valgte"])
                    self.add(option, cells, ["0", "1"], fields["n"])
                else:
                    item = by_question[title]
                    cells = u.members(**selection, **{group: parts[0]})
                    category = BLANK_WORDS.get(parts[1], parts[1])
                    self.add(item, cells, [category], fields["Antall"])
                    self.add(item, cells, u.base(item, denominator), fields["n"])


def _fields(text: str):
    for part in text.split("; "):
        match = re.match(r"^(.*?) (-?\d+(?:,\d+)?)$", part.strip())
        if match:
            yield match.group(1), int(float(match.group(2).replace(",", ".")))


# --- reading the product ------------------------------------------------------------------------


def _run(argv: list[str]) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(argv) == 0
    return out.getvalue()


def read_command_line(path: Path, tmp: Path, monkeypatch) -> tuple[Universe, Publication]:
    monkeypatch.setattr("exports.deck.render_png", fake_png)
    u = Universe(path)
    publication = Publication(u)
    region = u.meta.get("region")
    for size in range(len(u.breakdowns) + 1):
        for by in combinations(u.breakdowns, size):
            for denominator in ("report", "substantive"):
                text = _run(["summary", str(path), "--by", ",".join(by), "--format", "csv", "--denominator", denominator])
                frame = pd.read_csv(io.StringIO(text), dtype={c: str for c in by})
                publication.headline_rows(frame, list(by), denominator)
    for family in ("role", "municipality"):
        for denominator in ("report", "substantive"):
            text = _run(["compare", str(path), "--family", family, "--format", "csv", "--denominator", denominator])
            frame = pd.read_csv(io.StringIO(text), dtype={"group_a": str, "group_b": str})
            if region:
                assert frame["group_b"].isin([*u.values["rolle"], f"Resten av {region}"]).all()
            publication.compare_rows(frame, denominator)
    for municipality in [None, *u.values[u.breakdowns[0]]]:
        if municipality is not None and not u.members(**{u.breakdowns[0]: municipality}):
            continue
        for denominator in ("report", "substantive"):
            out = tmp / f"deck-{municipality}-{denominator}.pptx"
            args = ["deck", str(path), "--display", "distribution", "--denominator", denominator, "--out", str(out)]
            if municipality:
                args += ["--municipality", municipality]
            _run(args)
            deck = Presentation(str(out))
            notes = [slide.notes_slide.notes_text_frame.text for slide in list(deck.slides)[1:]]
            publication.deck_notes(notes, denominator, municipality)
    read_page_distributions(path, publication)
    return u, publication


def read_page_distributions(path: Path, publication: Publication) -> None:
    """Beyond the command line, the pages show the answer distribution of every breakdown
    (Utforsk, display "distribution"); read through `report.numbers`, as the pages do."""
    from analysis.intake import load_workbook
    from report.numbers import distribution_rows
    from report.view import Query

    survey = load_workbook(path)
    u = publication.universe
    items = [item for item, spec in u.items.items() if spec["kind"] != "multi_select"]
    for size in range(len(u.breakdowns) + 1):
        for by in combinations(u.breakdowns, size):
            table = distribution_rows(survey, Query((), tuple(by), None, "report", "nb"), items)
            publication.distribution_rows(table, list(by), {})


# --- the attacker's integer programs -------------------------------------------------------------


class Attacker:
    """One item, or every option of one multi-select question (linked by their common blank)."""

    def __init__(self, universe: Universe, publication: Publication, items: list[str]):
        self.u, self.items = universe, items
        self.index = {}
        for item in items:
            for c in range(len(universe.cells)):
                for category in universe.items[item]["categories"]:
                    self.index[(item, c, category)] = len(self.index)
        rows, values = [], []

        def equation(terms, value):
            row = np.zeros(len(self.index))
            for key, coefficient in terms:
                row[self.index[key]] += coefficient
            rows.append(row)
            values.append(value)

        for item in items:
            for c, cell in enumerate(universe.cells):  # group sizes
                equation([((item, c, cat), 1) for cat in universe.items[item]["categories"]], universe.size[cell])
        for first, second in zip(items, items[1:]):  # one blank per question
            for c in range(len(universe.cells)):
                equation([((first, c, BLANK), 1), ((second, c, BLANK), -1)], 0)
        self.structural = len(rows)  # sizes and the shared blank: known before anything is read
        self.published = 0
        for item, cells, categories, value in publication.equations:
            if item in items:
                equation([((item, c, cat), 1) for c in cells for cat in categories], value)
                self.published += 1
        self.a = np.array(rows)
        self.b = np.array(values, dtype=float)
        self.upper = np.array([universe.size[universe.cells[c]] for (_, c, _) in self.index], dtype=float)
        self.truth = np.array([universe.truth[item][c, universe.items[item]["categories"].index(cat)]
                               for (item, c, cat) in self.index], dtype=float)
        self.pool = [self.truth]

    def explore(self, solutions: int = 8, seed: int = 0) -> None:
        """A few integer solutions far from the truth (random objectives): each one settles
        every count it moves, so the targeted programs below are needed for few counts only."""
        rng = np.random.default_rng(seed)
        for _ in range(solutions):
            result = milp(rng.standard_normal(len(self.index)), constraints=LinearConstraint(self.a, self.b, self.b),
                          integrality=np.ones(len(self.index)), bounds=Bounds(np.zeros(len(self.index)), self.upper))
            if result.success:
                self.pool.append(np.round(result.x))

    def vector(self, item: str, cell: int, categories) -> np.ndarray:
        v = np.zeros(len(self.index))
        for category in categories:
            v[self.index[(item, cell, category)]] = 1
        return v

    def extreme(self, target: np.ndarray, sign: int, a=None, b=None) -> float:
        a = self.a if a is None else a
        b = self.b if b is None else b
        result = milp(sign * target, constraints=LinearConstraint(a, b, b), integrality=np.ones(len(target)),
                      bounds=Bounds(np.zeros(len(target)), self.upper), options={"presolve": True})
        assert result.success, result.message
        self.pool.append(np.round(result.x))
        return float(np.round(sign * result.fun))

    def pinned(self, target: np.ndarray) -> bool:
        """Whether the count takes one value in every integer solution."""
        if len({float(s @ target) for s in self.pool}) > 1:
            return False
        value = float(self.truth @ target)
        return self.extreme(target, -1) == value and self.extreme(target, 1) == value

    def pinned_by_what_is_public_anyway(self, publication: Publication, target: np.ndarray) -> bool:
        """The rule's exception: pinned by group sizes and the published zeros of shown groups of
        two or more cells (and, for a multi-select question, the structural link — one blank — and
        the blank of every cell some option shows: docs/statistics.md, "Multi-select questions")."""
        rows = list(self.a[: self.structural])
        values = list(self.b[: self.structural])

        def known(key, value):
            v = np.zeros(len(self.index))
            v[self.index[key]] = 1
            rows.append(v)
            values.append(float(value))

        for (it, cells), zero in published_zeros(publication, self.items).items():
            for c in cells:
                for category in zero:
                    known((it, c, category), 0)
        if len(self.items) > 1:  # a multi-select question: a cell's one blank is public where some option shows it
            shown = set().union(*(set(range(len(self.u.cells))) - set(publication.hidden.get(it, ()))
                                  for it in self.items))
            for c in shown:
                key = (self.items[0], c, BLANK)
                if key in self.index:
                    known(key, self.truth[self.index[key]])
        a, b = np.array(rows), np.array(values)
        value = float(self.truth @ target)
        return self.extreme(target, -1, a, b) == value and self.extreme(target, 1, a, b) == value


def published_zeros(publication: Publication, items) -> dict[tuple, set[str]]:
    """Per shown group of two or more cells, the answers its own published numbers say nobody
    in it gave: a count of 0, or two of its counts that are equal although one holds more
    answers (n = k: nobody outside the measure)."""
    said: dict[tuple, dict[tuple, int]] = {}
    for item, cells, categories, value in publication.equations:
        if item in items and len(cells) >= 2:
            said.setdefault((item, cells), {})[frozenset(categories)] = value
    zeros = {}
    for key, numbers in said.items():
        zero = {c for categories, value in numbers.items() if value == 0 for c in categories}
        for (larger, a), (smaller, b) in product(numbers.items(), repeat=2):
            if a == b and smaller < larger:
                zero |= larger - smaller
        if zero:
            zeros[key] = zero
    return zeros


def attack(universe: Universe, publication: Publication) -> list[str]:
    """Every count of a hidden cell the attacker pins (outside the rule's exception)."""
    assert publication.equations, "the attacker read nothing"
    findings = []
    units = [[item] for item, spec in universe.items.items() if spec["kind"] != "multi_select"]
    units += list(universe.questions.values())
    for items in units:
        if not any(publication.hidden.get(item) for item in items):
            continue
        attacker = Attacker(universe, publication, items)
        assert np.allclose(attacker.a @ attacker.truth, attacker.b), "the attacker misread a number"
        attacker.explore()
        for item in items:
            for cell in sorted(publication.hidden.get(item, ())):
                for name, categories in universe.quantities(item).items():
                    target = attacker.vector(item, cell, categories)
                    if attacker.pinned(target) and not attacker.pinned_by_what_is_public_anyway(publication, target):
                        findings.append(f"{item} {universe.cells[cell]} {name} = {int(attacker.truth @ target)}")
    return findings


# --- the surveys -------------------------------------------------------------------------------------


@pytest.fixture
def threshold(monkeypatch):
    def set_threshold(k: int) -> None:
        monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", str(k))
    return set_threshold


def hidden_count(publication: Publication) -> int:
    return sum(len(cells) for cells in publication.hidden.values())


@pytest.mark.slow
@pytest.mark.parametrize("k", [5, 10, 20])
def test_bundled_survey(k, threshold, tmp_path, monkeypatch):
    threshold(k)
    universe, publication = read_command_line(BUNDLED_WORKBOOK, tmp_path, monkeypatch)
    assert hidden_count(publication) >= 4  # there is something to attack at every threshold
    assert attack(universe, publication) == []


@pytest.mark.slow
def test_seven_municipalities_with_tiny_elected_cells(threshold, tmp_path, monkeypatch):
    threshold(5)
    path = cell_surveys.write(tmp_path / "seven.xlsx", cell_surveys.seven_by_two(items=4, multi_select=3))
    universe, publication = read_command_line(path, tmp_path, monkeypatch)
    assert {universe.size[universe.cells[c]] for c in publication.hidden["q01"]} >= {1, 2, 3}
    assert attack(universe, publication) == []


@pytest.mark.slow
def test_two_rounds_of_four_by_two(threshold, tmp_path, monkeypatch):
    threshold(5)
    path = cell_surveys.write(tmp_path / "rounds.xlsx", cell_surveys.two_rounds(items=3, multi_select=2))
    universe, publication = read_command_line(path, tmp_path, monkeypatch)
    assert len(universe.breakdowns) == 3 and len(universe.cells) == 16
    assert hidden_count(publication) > 0
    assert attack(universe, publication) == []


# --- (d) random surveys through the public functions the command line prints from ------------------


def read_functions(path: Path, k: int) -> tuple[Universe, Publication]:
    """What `summary`, `compare` and the distribution deck print, from the functions they call."""
    from analysis.aggregate import distribution_table, headline_table
    from analysis.compare import compare_groups
    from analysis.intake import load_workbook
    from analysis.protect import protect_distribution, protect_headline

    survey = load_workbook(path)
    u = Universe(path)
    publication = Publication(u)
    for size in range(len(u.breakdowns) + 1):
        for by in combinations(u.breakdowns, size):
            for denominator in ("report", "substantive"):
                table = protect_headline(headline_table(survey, list(by), denominator=denominator), k, list(by), survey)
                publication.headline_rows(table, list(by), denominator)
    for family in ("role", "municipality"):
        for denominator in ("report", "substantive"):
            publication.compare_rows(compare_groups(survey, family, denominator=denominator, min_n=k), denominator)
    unit, group = u.breakdowns[0], u.breakdowns[1]
    for municipality in [None, *u.values[unit]]:
        if municipality is not None and not u.members(**{unit: municipality}):
            continue
        selection = {unit: [municipality]} if municipality else None
        subset = survey.filter(**selection) if selection else survey
        table = protect_distribution(distribution_table(subset, [group]), k, [group], survey, selection=selection)
        publication.distribution_rows(table, [group], {unit: municipality} if municipality else {})
    for size in range(len(u.breakdowns) + 1):
        for by in combinations(u.breakdowns, size):
            table = protect_distribution(distribution_table(survey, list(by)), k, list(by), survey)
            publication.distribution_rows(table, list(by), {})
    return u, publication


@st.composite
def random_survey(draw):
    n_municipalities = draw(st.integers(2, 10))
    n_roles = draw(st.integers(2, 10)) if draw(st.booleans()) else 2
    assume(n_municipalities * n_roles <= 40)  # 2–10 groups per breakdown, at most 40 cells (time)
    small = draw(st.lists(st.integers(1, 4), min_size=n_municipalities * n_roles, max_size=n_municipalities * n_roles))
    large = draw(st.lists(st.integers(0, 14), min_size=n_municipalities * n_roles, max_size=n_municipalities * n_roles))
    tiny = draw(st.lists(st.booleans(), min_size=n_municipalities * n_roles, max_size=n_municipalities * n_roles))
    seed = draw(st.integers(0, 10_000))
    similarity = draw(st.sampled_from([0.0, 3.0, 8.0]))
    municipalities = [f"K{i + 1}" for i in range(n_municipalities)]
    roles = [f"R{j + 1}" for j in range(n_roles)]
    sizes = {}
    for position, (m, r) in enumerate(product(municipalities, roles)):
        sizes[(m, r)] = small[position] if tiny[position] else large[position]
    assume(sum(sizes.values()) >= 10)
    return cell_surveys.survey_sheets({"kommune": municipalities, "rolle": roles}, sizes, items=3, multi_select=2,
                                      seed=seed, similarity=similarity)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sheets=random_survey(), k=st.sampled_from([3, 5, 8]))
def test_random_surveys(sheets, k, tmp_path_factory):
    path = cell_surveys.write(tmp_path_factory.mktemp("random") / "survey.xlsx", sheets)
    universe, publication = read_functions(path, k)
    assert attack(universe, publication) == []


# --- the attacker has teeth -----------------------------------------------------------------------


def test_the_attacker_finds_what_hiding_only_the_small_cells_leaves_open(tmp_path):
    """A positive control: publish every cell except the primary ones (fewer than 5 took a
    position) and every total — the first case of the issue. The attacker must pin the
    hidden elected cells' counts by subtraction."""
    path = cell_surveys.write(tmp_path / "seven.xlsx", cell_surveys.seven_by_two(items=2))
    u = Universe(path)
    publication = Publication(u)
    for item, spec in u.items.items():
        counts = u.truth[item]
        substantive = [spec["categories"].index(c) for c in spec["categories"] if c not in (BLANK, spec["dont_know"])]
        small = {c for c in range(len(u.cells)) if counts[c, substantive].sum() < 5}
        publication.hidden[item] = small
        groups = [frozenset([c]) for c in range(len(u.cells)) if c not in small]
        groups += [u.members(kommune=m) for m in u.values["kommune"]] + [u.members(rolle=r) for r in u.values["rolle"]]
        groups += [u.members()]
        for cells in groups:
            for j, category in enumerate(spec["categories"]):
                publication.add(item, cells, [category], counts[sorted(cells), j].sum())
    findings = attack(u, publication)
    assert any("q01" in f and "count" in f for f in findings)
    assert any(f.startswith("q01 ('Kommune F', 'Folkevalgte')") for f in findings)


@pytest.mark.slow
def test_the_attacker_finds_a_multi_select_blank_that_options_protected_alone_leave_open(monkeypatch):
    """A positive control for the shared blank: if each option of the bundled multi-select
    question were protected on its own, as if every group's blank were public, then at k = 10
    the attacker — linking the options by their one blank — pins a blank count of a cell that
    every option hides. (The product's own pattern passes `test_bundled_survey` at k = 10.)"""
    from analysis import audit_report, protect
    from analysis.audit import Context, every_blank

    def alone(table, options, min_n):
        return [protect.protect_item(Context(table, counts, min_n, every_blank(table))) for counts in options]

    audit_report.clear_caches()
    monkeypatch.setattr(protect, "_protect_question", alone)
    try:
        universe, publication = read_functions(BUNDLED_WORKBOOK, 10)
    finally:
        audit_report.clear_caches()
    findings = attack(universe, publication)
    options = set(next(iter(universe.questions.values())))
    assert any(f.split()[0] in options and f.endswith(f"count {BLANK} = 0") for f in findings), findings
