"""`python -m analysis summary`: the headline share of every item, optionally by group, as a
text table, CSV or JSON — `analysis.aggregate.headline_table` through `analysis.protect`, the
numbers the dashboard shows."""

from __future__ import annotations

import argparse
import json
from typing import Sequence

import pandas as pd

from analysis.aggregate import headline_table
from analysis.config import min_group_size
from analysis.formatting import format_number, format_pct
from analysis.numeric import numeric_table
from analysis.protect import protect_headline, suppression_note
from report.labels import labelled
from report.strings import t
from cli.common import BREAKDOWN_CHOICES_HELP, add_table_arguments, load, resolve_breakdowns


def add_parser(sub) -> None:
    """Register the `summary` command on the CLI's subparsers."""
    summary = sub.add_parser("summary", help="headline share of every item, optionally by group")
    add_table_arguments(summary)
    summary.add_argument("--by", default="", help=f"breakdown: {BREAKDOWN_CHOICES_HELP}; empty for the total")
    summary.set_defaults(handler=cmd_summary)


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
    survey = load(args.file)
    by = resolve_breakdowns(survey, args.by)
    threshold = min_group_size(survey, args.min_n)
    table = labelled(protect_headline(headline_table(survey, by, denominator=args.denominator), threshold, by,
                                      survey=survey), survey, by, args.language)
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


def numeric_records(survey, by: Sequence[str], threshold: int, language: str) -> list[dict]:
    """The numeric items' rows (`analysis.numeric.numeric_table`) as JSON-able dicts."""
    if not survey.numeric_items():
        return []
    table = labelled(numeric_table(survey, by, min_n=threshold), survey, by, language)
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
    rows = []
    for r in records:
        shown = suppression_note(r["suppression"], threshold, language) if r["suppressed"] else (
            f"{format_pct(r['pct'], language)} ({format_pct(r['ci_low'], language)}–{format_pct(r['ci_high'], language)})"
        )
        rows.append({"item": r["item_id"], **r["group"], "n": "" if r["n"] is None else r["n"], "k": "" if r["k"] is None else r["k"],
                     "andel (95 % KI)" if language == "nb" else "share (95 % CI)": shown})
    frame = pd.DataFrame(rows)
    return frame.to_string(index=False)
