"""The one name of each thing a page shows: a group, a breakdown, an answer, a measure, a
section. Every chart, table, slide and export names things through these functions, so a
label reads the same everywhere and follows the language. No Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.aggregate import BLANK, REST_MARKER
from analysis.codebook import Item, Survey
from analysis.i18n import rest_label
from report.strings import NB, t

GROUP_SEPARATOR = " · "


def joined(parts: Sequence[str]) -> str:
    """Parts of one line joined by the one separator (" · "), empty parts left out: a group's
    label, a chart's subtitle, its footer, a selection."""
    return GROUP_SEPARATOR.join(str(part) for part in parts if part)


def group_label(row: Mapping, by: Sequence[str], total_label: str) -> str:
    """"Grong · Administrasjon" for a row of a table grouped by `by`; the total label when ungrouped."""
    return GROUP_SEPARATOR.join(str(row[column]) for column in by) if by else total_label  # blanks kept: a position


def group_labels(table: pd.DataFrame, by: Sequence[str], language: str) -> list[str]:
    """`group_label` of every row of `table`, "Alle" / "Everyone" when ungrouped."""
    total = t("group.total", language)
    return [group_label(row, by, total) for row in table.to_dict("records")]


def labelled(table: pd.DataFrame, survey: Survey, by: Sequence[str], language: str) -> pd.DataFrame:
    """A counted table (`analysis.aggregate`, in no UI language) named for a page: `question`,
    `measure` and a multi-select `option` in `language`, "the rest" of a focus in words."""
    named = table.copy()
    items = [survey.items[item_id] for item_id in named["item_id"]] if "item_id" in named else []
    if "option" in named:
        named["option"] = [item.title(language) for item in items]
        named["question"] = [item.text("question", language) for item in items]
    elif "question" in named:
        named["question"] = [item.title(language) for item in items]
    if "measure" in named:
        named["measure"] = [measure_label(item, language) for item in items]
    rest = rest_label(survey.meta.get("region"), language)
    for column in by:
        if column in named:
            named[column] = named[column].replace(REST_MARKER, rest)
    return named


def breakdown_label(survey: Survey, column: str, language: str) -> str:
    breakdown = survey.breakdowns[column]
    return breakdown.label_en if language == "en" and breakdown.label_en else breakdown.label


def measure_label(item: Item, language: str) -> str:
    """How an item's headline measure is named (`Item.measure_text`: the codebook's own words,
    `measure_label_en` in English)."""
    return item.measure_text(language)


def answer_label(category: str, language: str) -> str:
    """Blank and multi-select codes in words; survey answer labels as they are."""
    return {BLANK: t("ui.answer.blank", language), "0": t("ui.answer.not_selected", language),
            "1": t("ui.answer.selected", language)}.get(category, category)


def section_title(section: str, language: str) -> str:
    """A page's (codebook section's) name; another survey's section by its own name."""
    key = f"ui.page.{section}.title"
    if key in NB:
        return t(key, language)
    name = section.replace("_", " ").strip()
    return name[:1].upper() + name[1:]  # "IKT og læring" stays so (str.capitalize would give "Ikt")
