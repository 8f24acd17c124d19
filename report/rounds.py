"""The tables of page Utvikling (change between survey rounds), as rows a person can read.

Like `report.tables`: protected numbers in, columns in the chosen language out, nothing
computed here — the difference, its Newcombe interval and Fisher's p come from
`analysis.rounds.changes_between_rounds`; its chart is `report.charts.build` (a ROUNDS slot). No Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.codebook import Item, Survey
from analysis.formatting import format_number
from report.strings import markdown_t, t
from analysis.rounds import round_column
from report import labels
from report.labels import breakdown_label

P_FLOOR = 0.001  # smaller p-values are shown as "< 0,001": more digits would suggest a precision the test lacks


def item_choice(item: Item, language: str) -> str:
    """An item as a menu entry: its label; a multi-select option with its question's name."""
    label = item.text("label", language)
    if item.kind != "multi_select":
        return label
    return f"{labels.subsection_title(item, language) or item.text('question', language)}: {label}"


def p_text(value, language: str) -> str:
    if value is None or pd.isna(value):
        return ""
    if value < P_FLOOR:
        return f"< {format_number(P_FLOOR, language, 3)}"
    return format_number(value, language, 3)


def _whole(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("Int64").reset_index(drop=True)


def _decimal(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("Float64").reset_index(drop=True)


def changes_frame(changes: pd.DataFrame, by: Sequence[str], survey: Survey, language: str, min_n: int) -> pd.DataFrame:
    """One row per item × group × pair of consecutive rounds: both shares and bases, the change
    in percentage points with its 95 % interval, and Fisher's p. A pair with a hidden group
    shows the core's note instead of numbers."""
    if changes.empty:
        return pd.DataFrame()
    groups = {breakdown_label(survey, column, language): changes[column].astype(str).tolist() for column in by}
    if not by:
        groups = {t("ui.col.group", language): [t("group.total", language)] * len(changes)}
    hidden = changes["suppressed"].astype(bool).tolist()
    return pd.DataFrame({
        t("ui.col.question", language): changes["question"].tolist(),
        **groups,
        t("ui.rounds.col.from", language): changes["round_from"].astype(str).tolist(),
        t("ui.rounds.col.to", language): changes["round_to"].astype(str).tolist(),
        t("ui.rounds.col.n_from", language): _whole(changes["n_from"]),
        t("ui.rounds.col.n_to", language): _whole(changes["n_to"]),
        t("ui.rounds.col.pct_from", language): _decimal(changes["pct_from"]),
        t("ui.rounds.col.pct_to", language): _decimal(changes["pct_to"]),
        t("ui.rounds.col.diff", language): _decimal(changes["diff_pp"]),
        t("ui.rounds.col.diff_low", language): _decimal(changes["diff_ci_low"]),
        t("ui.rounds.col.diff_high", language): _decimal(changes["diff_ci_high"]),
        t("ui.rounds.col.p", language): [p_text(p, language) for p in changes["p_value"]],
        t("ui.col.note", language): [t("ui.rounds.hidden", language, k=min_n) if h else "" for h in hidden],
    })


def coverage_frame(coverage: pd.DataFrame, survey: Survey, language: str) -> pd.DataFrame:
    """The items not asked in every round, and the rounds in which they were."""
    partial = coverage[~coverage["complete"].astype(bool)]
    return pd.DataFrame({
        t("ui.col.question", language): [item_choice(survey.items[i], language) for i in partial["item_id"]],
        t("ui.rounds.col.asked_in", language): [", ".join(rounds) or "–" for rounds in partial["rounds"]],
    })


def pooled_note(survey: Survey, view) -> str:
    """A line for every page while the charts count several rounds together ("" otherwise): a
    share over 2022 and 2024 together is rarely what a reader expects."""
    column = round_column(survey)
    if column is None or column in view.by:
        return ""
    rounds = survey.breakdowns[column].values
    chosen = dict(view.filters).get(column) or rounds
    if len(chosen) < 2:
        return ""
    return markdown_t("ui.rounds.pooled", view.language, rounds=", ".join(chosen),
                      name=breakdown_label(survey, column, view.language))
