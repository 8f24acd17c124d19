"""`python -m analysis compare`: the declared comparison families from the shell.

Parses arguments and prints `analysis.compare.compare_groups` — the same table the dashboard
shows — as a text table, CSV or JSON. A comparison that involves a hidden (too small) group
prints no numbers.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import pandas as pd

from analysis.compare import compare_groups, family_breakdown, family_names, how_to_read
from analysis.numeric import compare_numeric
from analysis.config import min_group_size
from analysis.formatting import format_number, format_pct
from report.labels import labelled
from report.strings import t
from analysis.protect import suppression_note
from cli.common import add_table_arguments, load

RECORD_FIELDS = [
    "family", "item_id", "question", "section", "measure", "contrast", "group_a", "group_b",
    "n_a", "k_a", "n_b", "k_b", "pct_a", "pct_b", "diff_pp", "diff_ci_low", "diff_ci_high",
    "test", "p_value", "p_adjusted", "significant",
    "ordinal_test", "ordinal_effect", "ordinal_p", "ordinal_p_adjusted", "ordinal_significant",
    "denominator", "suppressed", "suppression",
]
ONE_DECIMAL = ("pct_a", "pct_b", "diff_pp", "diff_ci_low", "diff_ci_high")
P_VALUES = ("p_value", "p_adjusted", "ordinal_p", "ordinal_p_adjusted")


def add_parser(sub) -> None:
    """Register the `compare` command on the CLI's subparsers."""
    compare = sub.add_parser("compare", help="declared comparisons (role, municipality vs the rest) with adjusted tests")
    add_table_arguments(compare, denominator_help="base of the headline share, as for summary")
    compare.add_argument("--family", default="role",
                         help="role: the two roles; municipality: each municipality vs the rest; or any "
                              "breakdown's column (two values: the pair; more: each vs the rest)")
    compare.set_defaults(handler=cmd_compare)


def _value(value, column: str):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if column in ONE_DECIMAL:
        return round(float(value), 1)
    if column in P_VALUES:
        return float(f"{float(value):.4g}")
    if column == "ordinal_effect":
        return round(float(value), 3)
    if column in ("n_a", "k_a", "n_b", "k_b"):
        return int(value)
    if column in ("significant", "ordinal_significant", "suppressed"):
        return bool(value)
    return value


def compare_records(table: pd.DataFrame) -> list[dict]:
    """Rows as JSON-able dicts: percentages with one decimal, p-values to four digits,
    null wherever a number is hidden or undefined."""
    return [{column: _value(row[column], column) for column in RECORD_FIELDS} for row in table.to_dict("records")]


def cmd_compare(args: argparse.Namespace) -> int:
    survey = load(args.file)
    if args.family not in family_names(survey):
        print(t("cli.unknown_family", args.language, family=args.family, allowed=", ".join(family_names(survey))),
              file=sys.stderr)
        return 2
    threshold = min_group_size(survey, args.min_n)
    table = compare_groups(survey, args.family, denominator=args.denominator, min_n=threshold, language=args.language)
    records = compare_records(table)
    numeric = numeric_compare_records(survey, args.family, threshold, args.language)
    if args.format == "json":
        print(json.dumps(records + numeric, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        frame = pd.DataFrame(records, columns=RECORD_FIELDS)
        for column in ("n_a", "k_a", "n_b", "k_b"):
            frame[column] = frame[column].astype("Int64")
        print(frame.to_csv(index=False), end="")
    else:
        print(_text_table(records, threshold, args.language))
        if numeric:
            print()
            print(_numeric_text(numeric, args.language))
        print()
        print(how_to_read(survey, args.family, args.language))
    return 0


def numeric_compare_records(survey, family: str, threshold: int, language: str) -> list[dict]:
    """The numeric items' comparisons (Welch, `analysis.numeric.compare_numeric`) as dicts."""
    if not survey.numeric_items():
        return []
    table = labelled(compare_numeric(survey, family_breakdown(survey, family), min_n=threshold), survey,
                     ("group_a", "group_b"), language)
    return [{"kind": "numeric", "item_id": r["item_id"], "group_a": r["group_a"], "group_b": r["group_b"],
             "test": "welch_t", **{name: None if r["suppressed"] or pd.isna(r[name]) else float(f"{r[name]:.6g}")
                                   for name in ("diff", "ci_low", "ci_high", "p_value", "p_adjusted")},
             "suppressed": bool(r["suppressed"])} for r in table.to_dict("records")]


def _numeric_text(records: list[dict], language: str) -> str:
    def number(value, digits=2):
        return "" if value is None else format_number(value, language, digits)

    rows = [{"item": r["item_id"], t("cli.col.contrast", language): t("compare.contrast", language, a=r["group_a"],
                                                                       b=r["group_b"]),
             t("cli.col.mean_difference", language): "" if r["suppressed"] else
             f"{number(r['diff'])} ({number(r['ci_low'])} – {number(r['ci_high'])})",
             "p": number(r["p_value"], 3), t("cli.col.p_adjusted", language): number(r["p_adjusted"], 3)}
            for r in records]
    return pd.DataFrame(rows).to_string(index=False)


def _text_table(records: list[dict], threshold: int, language: str) -> str:
    def p_text(value):
        return "" if value is None else (format_number(value, language, 3) if value >= 0.001 else "<" + format_number(0.001, language, 3))

    rows = []
    for r in records:
        row = {"item": r["item_id"], t("cli.col.contrast", language): r["contrast"]}
        if r["suppressed"]:
            row[t("cli.col.difference", language)] = suppression_note(r["suppression"], threshold, language)
            rows.append(row)
            continue
        row.update({
            "a": format_pct(r["pct_a"], language),
            "b": format_pct(r["pct_b"], language),
            t("cli.col.difference", language): f"{format_number(r['diff_pp'], language, 1)} "
                                                  f"({format_number(r['diff_ci_low'], language, 1)} – {format_number(r['diff_ci_high'], language, 1)})",
            "p": p_text(r["p_value"]),
            t("cli.col.p_adjusted", language): p_text(r["p_adjusted"]),
            t("cli.col.significant", language): t("cli.yes" if r["significant"] else "cli.no", language),
        })
        rows.append(row)
    return pd.DataFrame(rows).fillna("").to_string(index=False)
