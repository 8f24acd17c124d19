"""Disclosure control: the one place where small groups are hidden before numbers leave the core.

Primary suppression: a group whose base n is below the threshold shows no share, count or
interval. Every output path (pages, downloads, CLI, exports) calls these functions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HIDDEN_HEADLINE = ("k", "share", "pct", "ci_low", "ci_high", "dont_know", "blank")


def protect_headline(table: pd.DataFrame, min_n: int, by: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """Mark rows with n < min_n as `suppressed` and blank out everything that reveals them.

    `by` names the table's group columns (as passed to `headline_table`).
    """
    protected = table.copy()
    suppressed = protected["n"].to_numpy() < min_n
    protected["suppressed"] = suppressed
    for column in HIDDEN_HEADLINE:
        if column in protected:
            protected[column] = protected[column].astype("Float64" if column not in ("k", "dont_know", "blank") else "Int64")
            protected.loc[suppressed, column] = pd.NA
    return protected
