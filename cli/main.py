"""The command line's parser and error handling: `python -m analysis COMMAND ...`.

Each command is one module of this package (`summary`, `compare`, `validate`, `settings`,
`template`, `workshop`, `deck`) with an `add_parser` and a handler. The CLI computes nothing
of its own: it calls the same functions as the dashboard and passes every table through
`analysis.protect`, so the numbers match the screen. Errors are one clear message on stderr
and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

from analysis import settings
from report.strings import t
from analysis.problems import SurveyError
from cli import compare, deck, summary, template, validate, workshop
from cli import settings as settings_command
from cli.common import CliError

COMMANDS = (summary, compare, validate, settings_command, template, workshop, deck)  # in --help order


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Survey analysis from the command line (same numbers as the dashboard).",
    )
    parser.add_argument("--language", choices=["nb", "en"], default="nb", help="language of messages and labels")
    parser.add_argument("--verbose", action="store_true", help="on an unexpected error, print its traceback")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


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
            logging.getLogger("cli").exception("the command failed")
        print(t("cli.internal_error", args.language), file=sys.stderr)
        return 1
