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
from analysis.codebook import Survey
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
    """Groups down, answers across (a narrow table: as many columns as answers, not twice the
    groups): each group's base n, the share (percent) of every answer, and the count of blanks,
    which are outside the share's denominator. A hidden group's row holds the core's note
    instead of numbers. With `survey`, groups and answers are named in the chosen language."""
    shown_groups = localised_groups(table, survey, by, language) if survey is not None else table
    table = table.assign(_group=group_labels(shown_groups, by, language))
    answers = list(dict.fromkeys(table["category"]))
    item = survey.items.get(table["item_id"].iloc[0]) if survey is not None and len(table) else None
    blank = [category for category in answers if category == BLANK]
    shared = [category for category in answers if category != BLANK]
    group_header, note_header = t("ui.col.group", language), t("ui.col.note", language)
    share_headers = {c: t("ui.col.crosstab_answer", language, answer=answer_label(c, language, item)) for c in shared}
    blank_header = t("ui.col.crosstab_count", language, group=answer_label(BLANK, language, item))
    rows = []
    for group, block in table.groupby("_group", sort=False):
        block = block.set_index("category").reindex(answers)
        row: dict = {group_header: group}
        if bool(block["suppressed"].any()):
            row.update({"n": pd.NA, **{header: pd.NA for header in share_headers.values()}})
            if blank:
                row[blank_header] = pd.NA
            row[note_header] = _notes(block.iloc[:1], min_n, language)[0]
        else:
            row["n"] = block["n"].iloc[0]
            row.update({share_headers[c]: block.at[c, "share"] * 100 for c in shared})
            if blank:
                row[blank_header] = block.at[BLANK, "count"]
            row[note_header] = ""
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["n"] = frame["n"].astype("Int64")
    for header in share_headers.values():
        frame[header] = frame[header].astype("Float64").round(1)
    if blank:
        frame[blank_header] = frame[blank_header].astype("Int64")
    if not frame[note_header].astype(bool).any():
        frame = frame.drop(columns=[note_header])
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


def numeric_frame(table: pd.DataFrame, by: Sequence[str], survey: Survey, language: str, min_n: int) -> pd.DataFrame:
    """Numeric rows (`analysis.numeric.numeric_table`): question, groups, n, mean, median, SD, 95 % interval."""
    def number(column: str) -> pd.Series:
        return table[column].astype("Float64").reset_index(drop=True)

    return pd.DataFrame({
        t("ui.col.question", language): table["question"].tolist(),
        **_groups(table, by, survey, language),
        "n": _whole(table["n"]),
        t("ui.numeric.mean", language): number("mean"),
        t("ui.numeric.median", language): number("median"),
        t("ui.numeric.sd", language): number("sd"),
        t("ui.numeric.ci_low", language): number("ci_low"),
        t("ui.numeric.ci_high", language): number("ci_high"),
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
