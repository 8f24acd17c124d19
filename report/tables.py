"""The tables under the charts: what a chart shows, as rows a person can read and download.

Each `*_frame` function turns a protected table into the columns shown (headers in the
chosen language, numbers as numbers, a note where a group is hidden). `shown` formats it for
the screen with `analysis.formatting`; `exports.tables.screen_csv` writes the same rows and columns for a
spreadsheet (semicolon and decimal comma in bokmål). No Streamlit here, and nothing is
computed: shares, intervals and counts come from the core as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.aggregate import BLANK
from analysis.codebook import Item, Survey
from analysis.formatting import format_number
from report.strings import t
from analysis.protect import suppression_note
from analysis.safe_text import markdown
from report.labels import answer_label, breakdown_label, group_labels, localised_groups, measure_label, value_label


def _percent(values: pd.Series) -> pd.Series:
    """Proportions as percent with one decimal (the interval bounds)."""
    return (values.astype("Float64") * 100).round(1).reset_index(drop=True)


def _whole(values: pd.Series) -> pd.Series:
    return values.astype("Int64").reset_index(drop=True)


def _notes(table: pd.DataFrame, min_n: int, language: str) -> list[str]:
    """The core's note for a hidden row ("" for a shown one)."""
    if "suppression" not in table:
        return [""] * len(table)
    return [suppression_note(s if isinstance(s, str) else None, min_n, language) for s in table["suppression"]]


def _groups(table: pd.DataFrame, by: Sequence[str], survey: Survey, language: str) -> dict[str, list]:
    if not by:
        return {t("ui.col.group", language): [t("group.total", language)] * len(table)}
    return {breakdown_label(survey, column, language): [value_label(survey, column, v, language) for v in table[column]]
            for column in by}


def _titles(table: pd.DataFrame, survey: Survey, language: str) -> list[str]:
    """Each row's item by its wording in the chosen language (an option by its name)."""
    return [survey.items[i].title(language) if i in survey.items else "" for i in table["item_id"]]


def _answers(table: pd.DataFrame, survey: Survey | None, language: str) -> list[str]:
    """Each row's answer category in words in the chosen language."""
    items = survey.items if survey is not None else {}
    return [answer_label(c, language, items.get(i)) for c, i in zip(table["category"], table["item_id"])]


def headline_frame(table: pd.DataFrame, by: Sequence[str], survey: Survey, language: str, min_n: int) -> pd.DataFrame:
    """Headline rows: question, groups, measure, denominator, base, count, share and interval in percent."""
    return pd.DataFrame({
        t("ui.col.question", language): [survey.items[i].text("question", language) for i in table["item_id"]],
        **_groups(table, by, survey, language),
        t("ui.col.measure", language): [measure_label(survey.items[i], language) for i in table["item_id"]],
        t("ui.col.denominator", language): [t(f"denominator.{d}", language) for d in table["denominator"]],
        "n": _whole(table["n"]),
        t("ui.col.k", language): _whole(table["k"]),
        t("ui.col.pct", language): table["pct"].astype("Float64").reset_index(drop=True),
        t("ui.col.ci_low", language): _percent(table["ci_low"]),
        t("ui.col.ci_high", language): _percent(table["ci_high"]),
        t("ui.col.dont_know", language): _whole(table["dont_know"]),
        t("ui.col.blank", language): _whole(table["blank"]),
        t("ui.col.note", language): _notes(table, min_n, language),
    })


def options_frame(table: pd.DataFrame, by: Sequence[str], survey: Survey, language: str, min_n: int) -> pd.DataFrame:
    """Multi-select rows (one per option and group), rank first."""
    return pd.DataFrame({
        t("ui.col.rank", language): _whole(table["rank"]),
        t("ui.col.option", language): _titles(table, survey, language),
        **_groups(table, by, survey, language),
        "n": _whole(table["n"]),
        t("ui.col.k_selected", language): _whole(table["k"]),
        t("ui.col.pct", language): table["pct"].astype("Float64").reset_index(drop=True),
        t("ui.col.ci_low", language): _percent(table["ci_low"]),
        t("ui.col.ci_high", language): _percent(table["ci_high"]),
        t("ui.col.note", language): _notes(table, min_n, language),
    })


def distribution_frame(table: pd.DataFrame, by: Sequence[str], survey: Survey, language: str, min_n: int) -> pd.DataFrame:
    """Distribution rows: groups, answer, count, base and share in percent."""
    return pd.DataFrame({
        **_groups(table, by, survey, language),
        t("ui.col.answer", language): _answers(table, survey, language),
        t("ui.col.count", language): _whole(table["count"]),
        "n": _whole(table["n"]),
        t("ui.col.share_pct", language): _percent(table["share"]),
        t("ui.col.note", language): _notes(table, min_n, language),
    })


def crosstab_frame(table: pd.DataFrame, by: Sequence[str], language: str, min_n: int,
                   survey: Survey | None = None) -> pd.DataFrame:
    """Answers down, groups across: each group's count and share (percent) of every answer, its
    base n in the last row. A hidden group's columns hold the core's note instead of numbers."""
    shown_groups = localised_groups(table, survey, by, language) if survey is not None else table
    table = table.assign(_group=group_labels(shown_groups, by, language))
    answers = list(dict.fromkeys(table["category"]))
    item = survey.items.get(table["item_id"].iloc[0]) if survey is not None and len(table) else None
    frame = pd.DataFrame({t("ui.col.answer", language): [answer_label(c, language, item) for c in answers] + ["n"]})
    for group, block in table.groupby("_group", sort=False):
        block = block.set_index("category").reindex(answers)
        count_header = t("ui.col.crosstab_count", language, group=group)
        share_header = t("ui.col.crosstab_share", language, group=group)
        if bool(block["suppressed"].any()):
            frame[count_header] = _notes(block.iloc[:1], min_n, language) * (len(answers) + 1)
            frame[share_header] = ""
            continue
        frame[count_header] = pd.concat([block["count"], block["n"].iloc[:1]], ignore_index=True).astype("Int64")
        frame[share_header] = pd.concat([_percent(block["share"]), pd.Series([pd.NA])], ignore_index=True).astype("Float64")
    return frame


def respondents_frame(table: pd.DataFrame, by: Sequence[str], survey: Survey, language: str, min_n: int) -> pd.DataFrame:
    """Respondents, invited and response rate (percent) per cell and total."""
    return pd.DataFrame({
        **_groups(table, by, survey, language),
        t("ui.col.respondents", language): _whole(table["respondents"]),
        t("ui.col.invited", language): _whole(table["invited"]),
        t("ui.col.response_rate", language): _percent(table["response_rate"]),
        t("ui.col.note", language): _notes(table, min_n, language),
    })


def shown(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """The frame as text in the chosen language's number format (what the screen shows)."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if str(values.dtype) == "Int64":
            out[column] = [format_number(v, language) if not pd.isna(v) else "" for v in values]
        elif str(values.dtype) == "Float64":
            out[column] = [format_number(v, language, 1) if not pd.isna(v) else "" for v in values]
        else:
            out[column] = values.astype(str)
    return out


def as_markdown(frame: pd.DataFrame) -> pd.DataFrame:
    """A shown table for `st.table`, which renders Markdown: headers and cells escaped, so a
    survey's text reads as it is (`analysis.safe_text.markdown`)."""
    out = pd.DataFrame({position: [markdown(v) for v in frame.iloc[:, position]] for position in range(frame.shape[1])},
                       index=frame.index)
    out.columns = [markdown(column) for column in frame.columns]
    return out
