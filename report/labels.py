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


def answer_label(category: str, language: str, item: Item | None = None) -> str:
    """Blank and multi-select codes in words; a survey answer label in the chosen language
    (the codebook's `scale_en`, else as it is)."""
    words = {BLANK: t("ui.answer.blank", language), "0": t("ui.answer.not_selected", language),
             "1": t("ui.answer.selected", language)}
    if category in words and (item is None or item.kind == "multi_select" or category == BLANK):
        return words[category]
    return item.category_text(category, language) if item is not None else category


def value_label(survey: Survey, column: str, value: str, language: str) -> str:
    """A breakdown value (a role, a municipality) in the chosen language (the codebook's
    `scale_en`, else as it is); values the table adds itself ("Alle", "resten") pass unchanged."""
    breakdown = survey.breakdowns.get(column)
    return breakdown.value_text(str(value), language) if breakdown is not None else str(value)


def localised_groups(table: pd.DataFrame, survey: Survey, by: Sequence[str], language: str) -> pd.DataFrame:
    """`table` with the values of its breakdown columns `by` named in the chosen language, for
    charts and tables that show them (a no-op in bokmål or without English values)."""
    if language != "en":
        return table
    changed = {}
    for column in by:
        breakdown = survey.breakdowns.get(column)
        if breakdown is not None and breakdown.values_en and column in table:
            changed[column] = table[column].map(lambda v, b=breakdown: b.value_text(str(v), language)
                                                if isinstance(v, str) else v).astype(object)
    return table.assign(**changed) if changed else table


def localised_colours(colours: Mapping[str, Mapping[str, str]], survey: Survey,
                      language: str) -> dict[str, dict[str, str]]:
    """A `{breakdown: {value: colour}}` map that also knows each value by its English name, so a
    localised table keeps the group's colour."""
    out = {name: dict(values) for name, values in colours.items()}
    for name, values in out.items():
        breakdown = survey.breakdowns.get(name)
        if breakdown is not None:
            for value, colour in list(values.items()):
                values.setdefault(breakdown.value_text(value, language), colour)
    return out


def subsection_title(item: Item, language: str) -> str:
    """An item's subsection heading in the chosen language (`subsection_en`, else bokmål)."""
    if language == "en" and item.subsection_en:
        return item.subsection_en
    return item.subsection


def section_title(section: str, language: str, survey: Survey | None = None) -> str:
    """A page's (codebook section's) name; another survey's section by its own name (its
    `section_en` in English when the codebook gives one)."""
    key = f"ui.page.{section}.title"
    if key in NB:
        return t(key, language)
    if language == "en" and survey is not None:
        english = next((i.section_en for i in survey.items.values() if i.section == section and i.section_en), None)
        if english:
            return english
    name = section.replace("_", " ").strip()
    return name[:1].upper() + name[1:]  # "IKT og læring" stays so (str.capitalize would give "Ikt")
