"""`python -m analysis validate FILE ...`: check an upload as the Data page does; OK with
counts, or every problem (file, sheet, row, column) on stderr and exit status 1."""

from __future__ import annotations

import argparse
import sys

from report.strings import t
from analysis.intake import read_paths


def add_parser(sub) -> None:
    """Register the `validate` command on the CLI's subparsers."""
    validate = sub.add_parser("validate", help="check an upload (a workbook, a CSV set, a .sav, several rounds) as "
                                               "the Data page does; print OK with counts or every problem")
    validate.add_argument("file", nargs="+", help="the file(s) to check, uploaded together")
    validate.set_defaults(handler=cmd_validate)


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
