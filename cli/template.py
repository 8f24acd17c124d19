"""`python -m analysis template --out FILE.xlsx`: a blank workbook in the documented format."""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.template import write_template


def add_parser(sub) -> None:
    """Register the `template` command on the CLI's subparsers."""
    template = sub.add_parser("template", help="write a blank workbook in the documented format")
    template.add_argument("--out", required=True, help="where to write the .xlsx template")
    template.set_defaults(handler=cmd_template)


def cmd_template(args: argparse.Namespace) -> int:
    write_template(Path(args.out))
    print(args.out)
    return 0
