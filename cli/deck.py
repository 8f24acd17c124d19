"""`python -m analysis deck` — a PowerPoint deck of the dashboard's charts, for batch reporting.

    python -m analysis deck --municipality Grong --out grong.pptx
    python -m analysis deck survey.xlsx --filter region=Nord --filter kjonn=Kvinne --out nord-kvinner.pptx

draws the same charts as the dashboard's pages for the same view (the sidebar's defaults —
by role, headline shares, the report's denominator — unless an option says otherwise),
with the same protected numbers: the charts come from `report.charts` fed by
`report.numbers.SurveyNumbers`, the deck from `exports.deck`. Those modules import no
Streamlit.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.aggregate import DENOMINATORS
from report.strings import t
from analysis.load import BUNDLED_WORKBOOK
from cli.common import DENOMINATOR_HELP, CliError, load
from report.view import unit_and_group, view_for

OVERVIEW = "oversikt"  # the respondents chart of page Oversikt; the other sections are the codebook's
DISPLAYS = ("share", "distribution")


def add_parser(sub) -> None:
    """Register the `deck` command on the CLI's subparsers (called from cli.main)."""
    deck = sub.add_parser("deck", help="PowerPoint deck (16:9) of a page's charts, e.g. one per municipality")
    deck.add_argument("file", nargs="?", default=str(BUNDLED_WORKBOOK), help="survey workbook (default: the bundled one)")
    deck.add_argument("--municipality", default=None, metavar="NAME",
                      help="only this municipality's respondents (default: everyone)")
    deck.add_argument("--filter", action="append", default=None, metavar="COLUMN=VALUE",
                      help="only respondents with this value of a breakdown (the codebook's column); repeat for "
                           "more: values of one column are pooled, different columns all apply")
    deck.add_argument("--section", action="append", default=None, metavar="NAME",
                      help="a page: oversikt or a codebook section (erfaringer, mulighetsrom, …); repeat for more; "
                           "default: every codebook section in order")
    deck.add_argument("--display", choices=DISPLAYS, default="share",
                      help="share: the headline share per group (default); distribution: every answer")
    deck.add_argument("--denominator", choices=list(DENOMINATORS), default="report",
                      help=DENOMINATOR_HELP)
    # Also accepted after the command; SUPPRESS keeps the global `--language` when it is not given here.
    deck.add_argument("--language", choices=["nb", "en"], default=argparse.SUPPRESS, help="language of the deck")
    deck.add_argument("--out", required=True, metavar="FILE.pptx", help="where to write the deck")
    deck.set_defaults(handler=cmd_deck)


def _municipality(survey, name: str) -> str:
    """The codebook's spelling of a municipality given in any case."""
    values = survey.breakdowns[next(iter(survey.breakdowns))].values
    match = next((value for value in values if value.casefold() == name.strip().casefold()), None)
    if match is None:
        raise CliError(t("cli.deck.unknown_municipality", value=name, allowed=", ".join(values)))
    return match


def _filters(survey, specs: list[str] | None) -> dict[str, list[str]]:
    """`--filter column=value` options as {breakdown: [values]} in the codebook's spelling."""
    filters: dict[str, list[str]] = {}
    for spec in specs or []:
        column, _, value = spec.partition("=")
        column = column.strip()
        if column not in survey.breakdowns:
            raise CliError(t("cli.unknown_breakdown", value=column, allowed=", ".join(survey.breakdowns)))
        values = survey.breakdowns[column].values
        match = next((v for v in values if v.casefold() == value.strip().casefold()), None)
        if match is None:
            raise CliError(t("cli.deck.unknown_value", column=column, value=value, allowed=", ".join(values)))
        filters.setdefault(column, [])
        if match not in filters[column]:
            filters[column].append(match)
    return filters


def cmd_deck(args: argparse.Namespace) -> int:
    # Imported here: the other commands do not pay for pptx and Plotly (benchmark 8).
    from exports.deck import build_deck
    from report import charts, labels
    from report.numbers import SurveyNumbers

    language = args.language
    survey = load(args.file)
    unit = unit_and_group(survey)[0]
    filters = _filters(survey, args.filter)
    if args.municipality:
        filters.setdefault(unit, [])
        filters[unit] = list(dict.fromkeys([*filters[unit], _municipality(survey, args.municipality)]))
    view = view_for(survey, language=language, filters=filters, display=args.display, denominator=args.denominator)
    sections = args.section or survey.sections()
    allowed = [OVERVIEW, *survey.sections()]
    unknown = [section for section in sections if section not in allowed]
    if unknown:
        raise CliError(t("cli.deck.unknown_section", language, value=unknown[0], allowed=", ".join(allowed)))
    numbers = SurveyNumbers(survey)
    drawn = []
    for section in sections:
        drawn += ([charts.build(charts.respondents_slot(), survey, view, numbers)] if section == OVERVIEW
                  else charts.section_charts(survey, view, section, numbers))
    title = (labels.section_title(sections[0], language, survey) if len(sections) == 1
             else survey.meta_text("title", language) or survey.source)
    out = Path(args.out)
    out.write_bytes(build_deck(drawn, title=title, cover=charts.cover_lines(survey, view), language=language))
    print(t("cli.deck.written", language, path=str(out), slides=len(drawn) + 1))
    return 0
