"""Command line: `python -m analysis COMMAND ...` — parses arguments and calls the core.

The CLI computes nothing of its own: it calls the same functions as the dashboard and
passes every table through `analysis.protect`, so the numbers match the screen. Errors
are one clear message on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Sequence

import pandas as pd

from analysis import settings
from analysis.aggregate import DENOMINATORS, headline_table
from analysis.codebook import Survey
from analysis.config import min_group_size
from analysis.i18n import t
from analysis.intake import load_path, read_paths
from analysis.load import BUNDLED_WORKBOOK
from analysis.problems import SurveyError

BREAKDOWN_CHOICES_HELP = "role | municipality | municipality,role (or the codebook's own column names)"
BREAKDOWN_ALIASES = {"role": "rolle", "municipality": "kommune"}


class CliError(Exception):
    """A user error: printed as one message, exit status 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Survey analysis from the command line (same numbers as the dashboard).",
    )
    parser.add_argument("--language", choices=["nb", "en"], default="nb", help="language of messages and labels")
    parser.add_argument("--verbose", action="store_true", help="on an unexpected error, print its traceback")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    summary = sub.add_parser("summary", help="headline share of every item, optionally by group")
    summary.add_argument("file", nargs="?", default=str(BUNDLED_WORKBOOK), help="survey workbook (default: the bundled one)")
    summary.add_argument("--by", default="", help=f"breakdown: {BREAKDOWN_CHOICES_HELP}; empty for the total")
    summary.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format")
    summary.add_argument("--denominator", choices=list(DENOMINATORS), default="report",
                         help="report: all who answered incl. 'Vet ikke' (default); substantive: 'Vet ikke' excluded")
    summary.add_argument("--min-n", type=int, default=None,
                         help="suppress groups with fewer answers (cannot go below the configured threshold)")
    summary.set_defaults(handler=cmd_summary)

    from analysis.cli_compare import add_parser as add_compare_parser

    add_compare_parser(sub)

    validate = sub.add_parser("validate", help="check an upload (a workbook, a CSV set, a .sav, several rounds) as "
                                               "the Data page does; print OK with counts or every problem")
    validate.add_argument("file", nargs="+", help="the file(s) to check, uploaded together")
    validate.set_defaults(handler=cmd_validate)

    shown = sub.add_parser("settings", help="every data-owner setting with its value in force (docs/deployment.md)")
    shown.set_defaults(handler=cmd_settings)

    template = sub.add_parser("template", help="write a blank workbook in the documented format")
    template.add_argument("--out", required=True, help="where to write the .xlsx template")
    template.set_defaults(handler=cmd_template)

    from analysis.cli_workshop import add_parser as add_workshop_parser

    add_workshop_parser(sub)

    from analysis.cli_deck import add_parser as add_deck_parser

    add_deck_parser(sub)
    return parser


def resolve_breakdowns(survey: Survey, text: str) -> list[str]:
    """Turn `--by municipality,role` into codebook breakdown columns."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    resolved = []
    for name in names:
        column = name if name in survey.breakdowns else BREAKDOWN_ALIASES.get(name, name)
        if column not in survey.breakdowns:
            allowed = ", ".join([*BREAKDOWN_ALIASES, *survey.breakdowns])
            raise CliError(t("cli.unknown_breakdown", value=name, allowed=allowed))
        resolved.append(column)
    return resolved


def load(path: str) -> Survey:
    """The survey in FILE, through the one intake (a worker process, as an upload; the bundled
    workbook in this process)."""
    return load_path(Path(path))


def summary_records(table: pd.DataFrame, by: Sequence[str]) -> list[dict]:
    """Rows as plain JSON-able dicts; percentages in percent with one decimal."""
    records = []
    for row in table.to_dict("records"):
        suppressed = bool(row.get("suppressed", False))
        records.append(
            {
                "item_id": row["item_id"],
                "question": row["question"],
                "section": row["section"],
                "measure": row["measure"],
                "group": {column: row[column] for column in by},
                "n": None if suppressed else int(row["n"]),
                "k": None if suppressed else int(row["k"]),
                "pct": None if suppressed else _number(row["pct"]),
                "ci_low": None if suppressed else _number(row["ci_low"] * 100),
                "ci_high": None if suppressed else _number(row["ci_high"] * 100),
                "dont_know": None if suppressed else int(row["dont_know"]),
                "blank": None if suppressed else int(row["blank"]),
                "denominator": row["denominator"],
                "suppressed": suppressed,
                "suppression": row.get("suppression") if suppressed else None,
            }
        )
    return records


def _number(value) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), 1)


def cmd_summary(args: argparse.Namespace) -> int:
    from analysis.protect import protect_headline

    survey = load(args.file)
    by = resolve_breakdowns(survey, args.by)
    threshold = min_group_size(survey, args.min_n)
    table = protect_headline(headline_table(survey, by, denominator=args.denominator, language=args.language), threshold, by,
                             survey=survey)
    records = summary_records(table, by)
    numeric = numeric_records(survey, by, threshold, args.language)
    if args.format == "json":
        print(json.dumps(records + numeric, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        flat = pd.DataFrame([{**{k: v for k, v in r.items() if k != "group"}, **r["group"]} for r in records])
        for column in ("n", "k", "dont_know", "blank"):
            flat[column] = flat[column].astype("Int64")
        print(flat.to_csv(index=False), end="")
    else:
        print(_text_table(records, by, threshold, args.language))
        if numeric:
            print()
            print(_numeric_text(numeric, by, threshold, args.language))
    return 0


def numeric_records(survey: Survey, by: Sequence[str], threshold: int, language: str) -> list[dict]:
    """The numeric items' rows (`analysis.numeric.numeric_table`) as JSON-able dicts."""
    if not survey.numeric_items():
        return []
    from analysis.numeric import numeric_table

    table = numeric_table(survey, by, min_n=threshold, language=language)
    records = []
    for row in table.to_dict("records"):
        hidden = bool(row["suppressed"])
        value = (lambda name: None if hidden or pd.isna(row[name]) else round(float(row[name]), 2))
        records.append({"item_id": row["item_id"], "question": row["question"], "kind": "numeric",
                        "group": {column: row[column] for column in by}, "n": None if hidden else int(row["n"]),
                        **{name: value(name) for name in ("mean", "median", "sd", "ci_low", "ci_high")},
                        "suppressed": hidden, "suppression": row["suppression"] if hidden else None})
    return records


def _numeric_text(records: list[dict], by: Sequence[str], threshold: int, language: str) -> str:
    from analysis.formatting import format_number
    from analysis.protect import suppression_note

    rows = []
    for r in records:
        number = (lambda v: "" if v is None else format_number(v, language, 2))
        shown = suppression_note(r["suppression"], threshold, language) if r["suppressed"] else (
            f"{number(r['mean'])} ({number(r['ci_low'])}–{number(r['ci_high'])})")
        rows.append({"item": r["item_id"], **r["group"], "n": "" if r["n"] is None else r["n"],
                     t("cli.col.mean", language): shown, t("cli.col.median", language): number(r["median"]),
                     t("cli.col.sd", language): number(r["sd"])})
    return pd.DataFrame(rows).to_string(index=False)


def _text_table(records: list[dict], by: Sequence[str], threshold: int, language: str) -> str:
    from analysis.formatting import format_pct
    from analysis.protect import suppression_note

    rows = []
    for r in records:
        shown = suppression_note(r["suppression"], threshold, language) if r["suppressed"] else (
            f"{format_pct(r['pct'], language)} ({format_pct(r['ci_low'], language)}–{format_pct(r['ci_high'], language)})"
        )
        rows.append({"item": r["item_id"], **r["group"], "n": "" if r["n"] is None else r["n"], "k": "" if r["k"] is None else r["k"],
                     "andel (95 % KI)" if language == "nb" else "share (95 % CI)": shown})
    frame = pd.DataFrame(rows)
    return frame.to_string(index=False)


def cmd_validate(args: argparse.Namespace) -> int:
    survey, problems = read_paths(args.file)
    source = " + ".join(args.file)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if errors:
        print(t("cli.invalid", args.language, source=source, count=len(errors)), file=sys.stderr)
        for problem in errors:
            print("  - " + problem.describe(args.language), file=sys.stderr)
    if warnings:
        print(t("cli.warnings", args.language, count=len(warnings)), file=sys.stderr)
        for problem in warnings:
            print("  - " + problem.describe(args.language), file=sys.stderr)
    if errors:
        return 1
    print(
        t("cli.valid", args.language, source=source, respondents=len(survey.responses),
          items=len(survey.ordered_items()), breakdowns=len(survey.breakdowns))
    )
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    print(t("cli.settings.header", args.language))
    rows = [{"setting": s.name, "value": settings.shown_value(s), "default": s.default_text, "unit": s.unit}
            for s in settings.SETTINGS]
    print(pd.DataFrame(rows).to_string(index=False))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from analysis.template import write_template

    write_template(Path(args.out))
    print(args.out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings.check()  # an invalid setting stops here, with its name, before anything is read
    except settings.SettingsError as err:
        print(err.describe(args.language), file=sys.stderr)
        return 2
    try:
        return args.handler(args)
    except SurveyError as err:
        print(err.describe(args.language), file=sys.stderr)
        return 1
    except CliError as err:
        print(str(err), file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except settings.SettingsError as err:
        print(err.describe(args.language), file=sys.stderr)
        return 2
    except Exception:  # noqa: BLE001 - a user sees a message, never a traceback (unless asking for it)
        if args.verbose:
            logging.getLogger("analysis.cli").exception("the command failed")
        print(t("cli.internal_error", args.language), file=sys.stderr)
        return 1
