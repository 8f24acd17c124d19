"""`python -m analysis workshop` — the workshop ranking from the shell.

Without `--session` it ranks the bundled reconstructed workshop (or the workbook named by
`WORKSHOP_WORKBOOK`); with `--session NAME` a live session from the workshop store
(`WORKSHOP_DATABASE_URL`, or the SQLite file under `WORKSHOP_DATA_DIR`). The numbers come
from `workshop.model.ranking_table`, the function the pages use.
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from analysis.formatting import format_number
from report.strings import t
from workshop.model import Workshop, bundled_workshop_path, classify_quadrants, load_workshop

#: Fields of every output row, in order; the first seven are the documented minimum.
FIELDS = ["rank", "area", "sector", "mean_potential", "mean_feasibility", "mean_score", "groups",
          "sd_score", "min_score", "max_score", "quadrant"]
DECIMALS = {"mean_potential": 2, "mean_feasibility": 2, "mean_score": 2, "sd_score": 2, "min_score": 0, "max_score": 0}


def add_parser(sub) -> None:
    """Register the `workshop` command on the CLI's subparsers (called from cli.main)."""
    workshop = sub.add_parser("workshop", help="ranking of workshop areas by mean potential × feasibility")
    workshop.add_argument("--session", default=None, metavar="NAME",
                          help="a live session in the workshop store (default: the bundled reconstructed workshop)")
    workshop.add_argument("--format", choices=["table", "json", "csv"], default="table", help="output format")
    workshop.set_defaults(handler=cmd_workshop)


def workshop_records(workshop: Workshop, language: str = "nb") -> list[dict]:
    """One JSON-able dict per area, best first; numbers rounded for output, None when unscored."""
    table = classify_quadrants(workshop.ranking(), language=language)
    records = []
    for row in table.to_dict("records"):
        record = {}
        for name in FIELDS:
            value = row[name]
            if name in DECIMALS:
                value = None if pd.isna(value) else round(float(value), DECIMALS[name]) if DECIMALS[name] else int(value)
            elif name == "rank":
                value = None if pd.isna(value) else int(value)
            elif name == "groups":
                value = int(value)
            record[name] = value
        records.append(record)
    return records


def _table(records: list[dict], language: str) -> str:
    shown = []
    for r in records:
        shown.append({
            t("workshop.col.rank", language): "" if r["rank"] is None else r["rank"],
            t("workshop.col.area", language): r["area"],
            t("workshop.col.sector", language): r["sector"],
            t("workshop.col.mean_potential", language): format_number(r["mean_potential"], language, 1),
            t("workshop.col.mean_feasibility", language): format_number(r["mean_feasibility"], language, 1),
            t("workshop.col.mean_score", language): format_number(r["mean_score"], language, 1),
            t("workshop.col.sd_score", language): format_number(r["sd_score"], language, 1),
            t("workshop.col.groups", language): r["groups"],
        })
    return pd.DataFrame(shown).to_string(index=False)


def cmd_workshop(args: argparse.Namespace) -> int:
    language = args.language
    if args.session:
        from workshop.store import WorkshopError, WorkshopStore  # SQLAlchemy only for a live session

        try:
            with WorkshopStore() as store:
                workshop = store.workshop(args.session)
        except WorkshopError as err:
            print(err.describe(language), file=sys.stderr)
            return 1
    else:
        path = bundled_workshop_path()
        workshop = load_workshop(path, name=str(path))
    records = workshop_records(workshop, language)
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        print(pd.DataFrame(records, columns=FIELDS).to_csv(index=False), end="")
    else:
        print(_table(records, language))
        if not any(r["groups"] for r in records):
            print(t("cli.workshop.none", language))
        if workshop.reconstructed:
            print(t("cli.workshop.reconstructed", language))
    return 0
