"""What every command shares: a user error (`CliError`), reading FILE through the one intake,
and `--by` names resolved to the codebook's breakdown columns."""

from __future__ import annotations

from pathlib import Path

from analysis.codebook import Survey
from report.strings import t
from analysis.intake import load_path

BREAKDOWN_CHOICES_HELP = "role | municipality | municipality,role (or the codebook's own column names)"
BREAKDOWN_ALIASES = {"role": "rolle", "municipality": "kommune"}


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
