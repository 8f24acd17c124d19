"""`python -m analysis settings`: every data-owner setting with the value in force
(`analysis.settings` declares them; docs/deployment.md documents them)."""

from __future__ import annotations

import argparse

import pandas as pd

from analysis import settings
from report.strings import t


def add_parser(sub) -> None:
    """Register the `settings` command on the CLI's subparsers."""
    shown = sub.add_parser("settings", help="every data-owner setting with its value in force (docs/deployment.md)")
    shown.set_defaults(handler=cmd_settings)


def cmd_settings(args: argparse.Namespace) -> int:
    print(t("cli.settings.header", args.language))
    rows = [{"setting": s.name, "value": settings.shown_value(s), "default": s.default_text, "unit": s.unit}
            for s in settings.SETTINGS]
    print(pd.DataFrame(rows).to_string(index=False))
    return 0
