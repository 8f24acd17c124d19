"""What every command shares: a user error (`CliError`), reading FILE through the one intake,
and `--by` names resolved to the codebook's breakdown columns."""

from __future__ import annotations

from pathlib import Path

from analysis.aggregate import DENOMINATORS
from analysis.codebook import Survey
from report.strings import t
from analysis.intake import load_path
from analysis.load import BUNDLED_WORKBOOK

BREAKDOWN_CHOICES_HELP = "role | municipality | municipality,role (or the codebook's own column names)"
BREAKDOWN_ALIASES = {"role": "rolle", "municipality": "kommune"}


DENOMINATOR_HELP = "report: all who answered incl. 'Vet ikke' (default); substantive: 'Vet ikke' excluded"


def add_table_arguments(command, denominator_help: str = DENOMINATOR_HELP) -> None:
    """FILE, --format, --denominator and --min-n: what every command printing a protected table takes."""
    command.add_argument("file", nargs="?", default=str(BUNDLED_WORKBOOK), help="survey workbook (default: the bundled one)")
    command.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format")
    command.add_argument("--denominator", choices=list(DENOMINATORS), default="report", help=denominator_help)
    command.add_argument("--min-n", type=int, default=None,
                         help="suppress groups with fewer answers (cannot go below the configured threshold)")


class CliError(Exception):
    """A user error: printed as one message, exit status 1."""


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
