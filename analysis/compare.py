"""Declared comparison families and their tests: the only significance statements we make.

With 93 respondents, testing whatever pair of bars looks different would find "significant"
gaps by chance alone. So the comparisons are declared in advance, as families:

- `role` — the two respondent groups (Administrasjon vs Folkevalgte), on every headline item;
- `municipality` — each municipality vs the rest of the region, on every headline item;
- any breakdown of the codebook, named by its column: with two values the pair, with more
  each value vs the rest.

Each comparison gets Fisher's exact test on the 2×2 headline table (in the measure / not),
the difference in percentage points with Newcombe's hybrid score interval, and a
Mann–Whitney U test on the whole ordered answer scale (exact permutation p-value where a
group is small, the tie-corrected normal approximation for large groups, see
`analysis.stats.mann_whitney_exact`). p-values are adjusted with Benjamini–Hochberg across the
whole family (every item and contrast, whichever page shows it), and a difference is called
significant only after that adjustment. Municipality × role cells are never tested: there
the dashboard shows intervals only.

Small groups are protected as everywhere else: a comparison that involves a hidden group
prints no numbers and takes no part in the adjustment. docs/statistics.md explains the
choices in plain language.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from analysis.aggregate import REST_MARKER, Denominator, Focus, count_answers, headline_table
from analysis.codebook import Survey
from analysis.config import min_group_size
from analysis.i18n import rest_label, t
from analysis.protect import PRIMARY, SECONDARY, headline_status, plan_suppression
from analysis.stats import (benjamini_hochberg, fisher_exact_p, mann_whitney_exact, minimum_detectable_difference,
                            newcombe_interval, pct_half_up)
from analysis.formatting import format_number

FAMILIES = ("role", "municipality")
FAMILY_BREAKDOWNS = {"role": "rolle", "municipality": "kommune"}
HEADLINE_KINDS = ("likert", "yes_no")
ALPHA = 0.05
POWER = 0.8

COLUMNS = [
    "family", "item_id", "question", "section", "subsection", "measure", "contrast", "group_a", "group_b",
    "n_a", "k_a", "n_b", "k_b", "pct_a", "pct_b", "diff_pp", "diff_ci_low", "diff_ci_high",
    "test", "test_label", "p_value", "p_adjusted", "significant",
    "ordinal_test", "ordinal_test_label", "ordinal_effect", "ordinal_p", "ordinal_p_adjusted", "ordinal_significant",
    "denominator", "suppressed", "suppression",
]
NUMBERS = ["n_a", "k_a", "n_b", "k_b", "pct_a", "pct_b", "diff_pp", "diff_ci_low", "diff_ci_high", "p_value",
           "p_adjusted", "ordinal_effect", "ordinal_p", "ordinal_p_adjusted"]


def family_breakdown(survey: Survey, family: str) -> str:
    """The breakdown a family compares: `rolle`/`kommune` when the codebook has them, else the
    documented defaults (the second breakdown is the group, the first the unit), or a
    breakdown named directly."""
    if family in survey.breakdowns:
        return family
    if family not in FAMILIES:
        raise ValueError(f"unknown comparison family {family!r}; choose one of {family_names(survey)}")
    preferred = FAMILY_BREAKDOWNS[family]
    if preferred in survey.breakdowns:
        return preferred
    names = list(survey.breakdowns)
    return names[1] if family == "role" and len(names) > 1 else names[0]


def family_names(survey: Survey) -> tuple[str, ...]:
    """Every family a survey offers: the two named ones and each breakdown's column."""
    return tuple(dict.fromkeys((*FAMILIES, *survey.breakdowns)))


def family_contrasts(survey: Survey, family: str) -> list[tuple[str, str | None]]:
    """The declared contrasts: every pair of roles (one pair with two roles); every
    municipality against the rest (`None` stands for "the rest"); for a breakdown named by
    its column, its pair when it has two values, else each value against the rest."""
    breakdown = family_breakdown(survey, family)
    present = set(survey.responses[breakdown].dropna().astype(str))
    values = [v for v in survey.breakdowns[breakdown].values if v in present]
    if family == "municipality" or (family in survey.breakdowns and len(values) > 2):
        return [(value, None) for value in values]
    return [(a, b) for i, a in enumerate(values) for b in values[i + 1:]]


def headline_item_ids(survey: Survey, kinds: Sequence[str] = HEADLINE_KINDS) -> list[str]:
    """Items the families test: the scale and yes/no questions (not multi-select options)."""
    return [item.id for item in survey.ordered_items(kinds=tuple(kinds))]


def compare_groups(
    survey: Survey,
    family: str = "role",
    items: Sequence[str] | None = None,
    denominator: Denominator = "report",
    min_n: int | None = None,
    alpha: float = ALPHA,
    language: str = "nb",
    selection: dict[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """One row per item and contrast of a declared family, tests adjusted within the family.

    `pct_*` and `diff_*` are in percent / percentage points (diff = a − b), `ordinal_effect`
    the probability that a random answer in group a lies higher on the scale than one in
    group b (ties count half; 0.5 = no shift). `min_n` can only raise the owner's threshold.
    Pass the whole survey: the families are declared for it, not for a filtered part. With a
    `selection` ({breakdown: values}, not on the family's own breakdown) the tests are within
    those respondents ("the roles within Røyrvik"), their rows hidden by the whole survey's
    suppression pattern for that selection, exactly as the charts of the same view.
    """
    threshold = min_group_size(survey, min_n)
    breakdown = family_breakdown(survey, family)
    selection = {column: list(values) for column, values in (selection or {}).items() if values} or None
    if selection and breakdown in selection:
        raise ValueError(f"a selection on {breakdown!r} changes the family itself; test the whole family instead")
    counted = survey.filter(**selection) if selection else survey
    item_ids = list(items) if items is not None else headline_item_ids(survey)
    rows: list[dict] = []
    if not item_ids:
        return pd.DataFrame(columns=COLUMNS)
    plan = plan_suppression(survey, threshold, item_ids)
    for value_a, value_b in family_contrasts(counted, family):
        focus = Focus(breakdown, value_a) if value_b is None else None
        counts = count_answers(counted, [breakdown], item_ids, focus)
        table = headline_table(counted, [breakdown], item_ids, denominator, focus, counts=counts)
        table["suppression"] = headline_status(table, threshold, [breakdown], survey, focus=focus,
                                               selection=selection, plan=plan)
        raw = counts.groups[breakdown].tolist()
        names = survey.breakdowns[breakdown]
        label = {value: rest_label(survey.meta.get("region"), language) if value == REST_MARKER
                 else names.value_text(str(value), language) for value in raw}
        index_a = raw.index(value_a)
        index_b = raw.index(REST_MARKER if value_b is None else value_b)
        for i, item in enumerate(counts.items):
            block = table[table["item_id"] == item.id].reset_index(drop=True)
            row_a, row_b = block.iloc[index_a], block.iloc[index_b]
            substantive = [item.categories.index(c) for c in item.substantive]
            rows.append(_contrast_row(
                family, item, language, label[raw[index_a]], label[raw[index_b]], row_a, row_b,
                counts.array[i, index_a, substantive], counts.array[i, index_b, substantive], denominator,
            ))
    result = pd.DataFrame(rows, columns=COLUMNS)
    return _adjust(result, alpha)


def _contrast_row(family, item, language, label_a, label_b, row_a, row_b, ordinal_a, ordinal_b, denominator) -> dict:
    base = {
        "family": family, "item_id": item.id, "question": item.title(language), "section": item.section,
        "subsection": item.subsection, "measure": item.measure_text(language),
        "contrast": t("compare.contrast", language, a=label_a, b=label_b),
        "group_a": label_a, "group_b": label_b, "denominator": denominator,
        "test": "fisher_exact", "test_label": t("compare.test.fisher", language),
    }
    statuses = {row_a["suppression"], row_b["suppression"]} - {None}
    if statuses:
        return {**base, **dict.fromkeys(NUMBERS), "ordinal_test": None, "ordinal_test_label": None,
                "suppressed": True, "suppression": PRIMARY if PRIMARY in statuses else SECONDARY}
    k_a, n_a, k_b, n_b = int(row_a["k"]), int(row_a["n"]), int(row_b["k"]), int(row_b["n"])
    low, high = newcombe_interval(k_a, n_a, k_b, n_b)
    p_value = fisher_exact_p([[k_a, n_a - k_a], [k_b, n_b - k_b]]) if n_a and n_b else np.nan
    u_a, ordinal_p, method = mann_whitney_exact(ordinal_a, ordinal_b)
    pairs = int(np.sum(ordinal_a)) * int(np.sum(ordinal_b))
    return {
        **base,
        "n_a": n_a, "k_a": k_a, "n_b": n_b, "k_b": k_b,
        "pct_a": float(pct_half_up(k_a, n_a)), "pct_b": float(pct_half_up(k_b, n_b)),
        "diff_pp": 100 * (k_a / n_a - k_b / n_b) if n_a and n_b else np.nan,
        "diff_ci_low": 100 * float(low), "diff_ci_high": 100 * float(high),
        "p_value": p_value,
        "ordinal_test": f"mann_whitney_u_{method}" if method != "none" else None,
        "ordinal_test_label": t(f"compare.test.mwu_{method}", language) if method != "none" else None,
        "ordinal_effect": u_a / pairs if pairs else np.nan,
        "ordinal_p": ordinal_p,
        "suppressed": False, "suppression": None,
    }


def _adjust(result: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Benjamini–Hochberg across the family, separately for the headline and ordinal tests;
    `significant` only from the adjusted p-value."""
    for raw, adjusted, flag in (("p_value", "p_adjusted", "significant"),
                                ("ordinal_p", "ordinal_p_adjusted", "ordinal_significant")):
        result[adjusted] = benjamini_hochberg(result[raw].astype(float))
        result[flag] = pd.array(np.where(result[adjusted].isna(), None, result[adjusted] < alpha), dtype="boolean")
    for column in ("n_a", "k_a", "n_b", "k_b"):
        result[column] = result[column].astype("Int64")
    for column in ("pct_a", "pct_b", "diff_pp", "diff_ci_low", "diff_ci_high", "p_value", "p_adjusted",
                   "ordinal_effect", "ordinal_p", "ordinal_p_adjusted"):
        result[column] = result[column].astype("Float64")
    result["suppressed"] = result["suppressed"].astype(bool)
    return result


def detectable_difference(survey: Survey, family: str = "role", alpha: float = ALPHA, power: float = POWER) -> dict:
    """The power reality of a family, for the "how to read" note: the two group sizes of
    its (smallest) contrast and the difference they detect with 80 % power at 5 %.

    For `role`: the two roles (55 and 38 in 2022 → about 30 percentage points). For
    `municipality`: the smallest municipality against the rest.
    """
    breakdown = family_breakdown(survey, family)
    sizes = survey.responses[breakdown].value_counts()
    contrasts = family_contrasts(survey, family)
    if not contrasts:
        return {}
    total = int(sizes.sum())

    def pair_sizes(contrast):
        a, b = contrast
        return int(sizes.get(a, 0)), int(sizes.get(b, 0)) if b is not None else total - int(sizes.get(a, 0))

    group_a, group_b = min(contrasts, key=lambda c: min(pair_sizes(c)))
    n_a, n_b = pair_sizes((group_a, group_b))
    mdd = minimum_detectable_difference(n_a, n_b, alpha, power)
    return {"group_a": group_a, "group_b": group_b, "n_a": n_a, "n_b": n_b, "alpha": alpha, "power": power,
            "mdd": mdd, "mdd_pp": 100 * mdd}


def how_to_read(survey: Survey, family: str = "role", language: str = "nb", alpha: float = ALPHA) -> str:
    """The short "how to read this" note with the computed detectable difference."""
    power = detectable_difference(survey, family, alpha)
    if not power:
        return ""
    rest = rest_label(survey.meta.get("region"), language)
    tests = len(family_contrasts(survey, family)) * len(headline_item_ids(survey))
    names = survey.breakdowns[family_breakdown(survey, family)]
    return t("compare.how_to_read", language, n_a=power["n_a"], n_b=power["n_b"],
             group_a=names.value_text(power["group_a"], language),
             group_b=names.value_text(power["group_b"], language) if power["group_b"] else rest, mdd=format_number(round(power["mdd_pp"]), language),
             alpha=format_number(alpha, language, 2), tests=tests)
